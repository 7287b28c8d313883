/**
 * @module server/redis/desk-records
 * The desk team's canned replies in Redis: one hash, reply id → JSON, beside the accounts (same cluster
 * slot). Never expired by retention; read back as untrusted records.
 */
import { parseJson } from '../../src/protocol'
import { readCannedReply } from '../stores/agent-records'
import type { CannedReply, ConversationStore } from '../stores/types'
import { guarded, type RedisLink } from './link'

export function cannedReplyMethods(
  cmd: RedisLink['cmd'],
  hashKey: string,
): Pick<ConversationStore, 'listCannedReplies' | 'putCannedReply' | 'deleteCannedReply'> {
  return {
    async listCannedReplies() {
      const raws = await guarded(() => cmd.hvals(hashKey))
      return raws.flatMap((raw): CannedReply[] => {
        const parsed = parseJson(raw)
        const reply = parsed.ok ? readCannedReply(parsed.value) : undefined
        return reply ? [reply] : []
      })
    },
    async putCannedReply(reply) {
      await guarded(() => cmd.hset(hashKey, reply.id, JSON.stringify(reply)))
    },
    async deleteCannedReply(id) {
      return (await guarded(() => cmd.hdel(hashKey, id))) > 0
    },
  }
}
