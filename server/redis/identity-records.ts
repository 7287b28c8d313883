/**
 * @module server/redis/identity-records
 * Verified identities in Redis: the guest record takes the identity, and a list per `sub` (its key a hash
 * of the sub, so a host's ids never shape key names) holds the sub's guests, the current one first.
 * Each command touches one key, so it works on Redis Cluster too.
 */
import { createHash } from 'node:crypto'
import { applyIdentity, readGuest } from '../stores/records'
import type { ConversationStore } from '../stores/types'
import { guarded, type RedisLink } from './link'

/** Guests remembered per sub: enough for "earlier conversations" at the desk. */
const GUESTS_PER_SUB = 50

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json)
  } catch {
    return undefined
  }
}

export function createIdentityRecords(
  link: RedisLink,
  options: { guestKey: (guestId: string) => string; retentionMs: number },
): Pick<ConversationStore, 'bindIdentity' | 'guestsOfSub'> {
  const { cmd, prefix } = link
  const subKey = (sub: string): string => `${prefix}sub:${createHash('sha256').update(sub).digest('base64url')}`
  return {
    async bindIdentity(guestId, identity) {
      const raw = await guarded(() => cmd.get(options.guestKey(guestId)))
      const guest = raw === null ? undefined : readGuest(parseJson(raw))
      if (!guest) return undefined
      const bound = applyIdentity(guest, identity)
      await guarded(() => cmd.set(options.guestKey(guestId), JSON.stringify(bound), 'KEEPTTL'))
      const key = subKey(identity.sub)
      await guarded(() =>
        cmd.multi().lrem(key, 0, guestId).lpush(key, guestId).ltrim(key, 0, GUESTS_PER_SUB - 1).pexpire(key, options.retentionMs).exec(),
      )
      return bound
    },
    async guestsOfSub(sub) {
      return guarded(() => cmd.lrange(subKey(sub), 0, GUESTS_PER_SUB - 1))
    },
  }
}
