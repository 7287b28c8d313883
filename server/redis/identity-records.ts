/**
 * @module server/redis/identity-records
 * Verified identities in Redis: the guest record takes the identity, and a list per `sub` (its key a hash
 * of the sub, so a host's ids never shape key names) holds the sub's guests, the current one first.
 * Each command touches one key, so it works on Redis Cluster too.
 */
import { createHash } from 'node:crypto'
import { applyIdentity, readGuest } from '../stores/records'
import type { ConversationStore, GuestRecord } from '../stores/types'
import { guarded, type RedisLink } from './link'

/** KEYS: guest. ARGV: the value read, the value to write. Writes (keeping the TTL) only if nothing changed. */
const SWAP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`

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
      const guestKey = options.guestKey(guestId)
      let bound: GuestRecord | undefined
      // compare and set: a revocation (or another write) between the read and the write is never undone
      for (let attempt = 0; attempt < 5 && !bound; attempt++) {
        const raw = await guarded(() => cmd.get(guestKey))
        const guest = raw === null ? undefined : readGuest(parseJson(raw))
        if (raw === null || !guest) return undefined
        const next = applyIdentity(guest, identity)
        const swapped = await guarded(() => cmd.eval(SWAP, 1, guestKey, raw, JSON.stringify(next)))
        if (swapped === 1) bound = next
      }
      if (!bound) return undefined
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
