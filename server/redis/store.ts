/**
 * @module server/redis/store
 * The conversation store shared by every BFF node (`REDIS_URL`), behind the same interface as the
 * in-memory one. Per conversation: a hash (the record), a Stream whose entry ids are the seqs
 * (`<seq>-0`), and a hash of dedup keys. Guests, refresh tokens and revoked families are plain keys with
 * a TTL. Every write that others must see publishes a small notification on one channel; each node turns
 * those into ordered, gap-free events (fanout.ts). Any Redis failure surfaces as StoreUnavailableError.
 */
import { randomBytes } from 'node:crypto'
import { parseTranscriptEntry, type TranscriptEntry } from '../../src/protocol'
import { readAuthor } from '../../src/protocol/parse'
import { asObject, readBoolean, readOneOf } from '../../src/protocol/read'
import { readAgent } from '../stores/agent-records'
import { readConversation, readGuest, readRefreshRecord } from '../stores/records'
import type { AgentRecord, ConversationRecord, ConversationStore, RefreshRecord, StoreEvent, TypingSignal } from '../stores/types'
import { createOrderedFanout } from './fanout'
import { createIdentityRecords } from './identity-records'
import { Cluster, type ClientContext, type Result } from 'ioredis'
import { cannedReplyMethods } from './desk-records'
import { guarded, type LinkMessage, type RedisLink } from './link'
import { APPEND, UPDATE } from './scripts'

export interface RedisStoreOptions {
  /** Conversations, their transcripts and guests are kept this long after their last activity, ms. */
  retentionMs: number
  /** Oldest entries of a conversation are trimmed (approximately) past this many. */
  maxEntriesPerConversation: number
  onError?: (err: unknown, context: string) => void
}

/** Refresh-token families are remembered as revoked for as long as a refresh token lives. */
const FAMILY_TTL_MS = 24 * 60 * 60 * 1000
/** The desk lists at most this many recent conversations. */
const LIST_LIMIT = 1000
/**
 * Retention (key TTLs, the guest's TTL, the index) moves at most this often per conversation: expiry comes
 * at most this much before `retentionMs` after the last activity, for one write round a minute.
 */
const RETAIN_EVERY_MS = 60_000
/** How long an append on a cluster waits for a replica to have it before it is acked anyway. */
const REPLICA_WAIT_MS = 200

type StreamEntries = [id: string, fields: string[]][]

/** A stream entry back to a transcript entry: the seq is the entry id. */
function fromStream([id, fields]: [string, string[]]): TranscriptEntry | undefined {
  const json = fields[1]
  if (json === undefined) return undefined
  return parseEntryJson(json, Number.parseInt(id, 10))
}

function parseEntryJson(json: string, seq: number): TranscriptEntry | undefined {
  try {
    const o = asObject(JSON.parse(json))
    return o ? parseTranscriptEntry({ ...o, seq }) : undefined
  } catch {
    return undefined
  }
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json)
  } catch {
    return undefined
  }
}

function conversationFromHash(hash: Record<string, string>): ConversationRecord | undefined {
  const o: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(hash)) o[k] = parseJson(v)
  return readConversation(o)
}

function toHashArgs(fields: Partial<ConversationRecord>): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out.push(k, JSON.stringify(v))
  return out
}

const entries = (list: readonly (TranscriptEntry | undefined)[]): TranscriptEntry[] => list.filter((e) => e !== undefined)

export function createRedisStore(link: RedisLink, options: RedisStoreOptions): ConversationStore {
  const { cmd, prefix, channel, nodeId } = link
  const { retentionMs, maxEntriesPerConversation } = options
  const onError = options.onError ?? (() => undefined)
  // on a cluster, the keys of one conversation (of one refresh token, of the accounts) share a slot; on one
  // Redis the names stay as they were, so an upgrade keeps its data
  const tag = link.cluster ? (id: string) => `{${id}}` : (id: string) => id
  const accounts = link.cluster ? '{agents}' : ''
  const key = {
    guest: (id: string) => `${prefix}g:${tag(id)}`,
    refresh: (hash: string) => `${prefix}r:${tag(hash)}`,
    refreshUsed: (hash: string) => `${prefix}ru:${tag(hash)}`,
    family: (f: string) => `${prefix}fam:${f}`,
    conversation: (id: string) => `${prefix}c:${tag(id)}`,
    stream: (id: string) => `${prefix}s:${tag(id)}`,
    dedup: (id: string) => `${prefix}k:${tag(id)}`,
    index: `${prefix}conversations`,
    agent: (id: string) => `${prefix}agent:${accounts}${id}`,
    agents: `${prefix}agents${accounts}`,
    agentMarks: (id: string) => `${prefix}am:${tag(id)}`,
  }
  const conversationKeys = (id: string): [string, string, string] => [key.conversation(id), key.stream(id), key.dedup(id)]
  cmd.defineCommand('parleyAppend', { numberOfKeys: 3, lua: APPEND })
  cmd.defineCommand('parleyUpdate', { numberOfKeys: 3, lua: UPDATE })

  /**
   * The append script; on a cluster whose shards have replicas, followed in the same pipeline (so on the
   * same master) by `WAIT 1`: the ack then means the entry is on a replica too, and a failover that
   * promotes it loses nothing acked. A replica that does not answer in time delays the ack, not refuses it.
   */
  async function replicated(keys: string[], args: (string | number)[]): Promise<unknown> {
    if (!(cmd instanceof Cluster) || cmd.nodes('slave').length === 0) return cmd.parleyAppend(...keys, ...args)
    for (let attempt = 1; ; attempt++) {
      const replies = (await cmd.pipeline().parleyAppend(...keys, ...args).call('WAIT', 1, REPLICA_WAIT_MS).exec()) ?? []
      const [err, reply] = replies[0] ?? [new Error('no reply to an append'), null]
      if (!err) return reply
      // ioredis follows a redirection for a pipeline only when every command in it was redirected, and WAIT
      // (keyless) never is: after a failover the slot map is refreshed here, and the append (which did not
      // run) is sent again
      if (attempt >= 3 || !/^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN) /.test(err.message)) throw err
      const cluster = cmd
      await new Promise<void>((resolve) => cluster.refreshSlotsCache(() => resolve()))
    }
  }

  /** The script said retention is due: the guest's TTL and the index move too (other slots, so not in it). */
  function retainOutside(c: ConversationRecord | undefined): void {
    if (!c) return
    Promise.all([cmd.pexpire(key.guest(c.guestId), retentionMs), cmd.zadd(key.index, Date.now(), c.id)]).catch((err: unknown) =>
      onError(err, `could not extend the retention of ${c.id}`),
    )
  }

  const listeners = new Set<(event: StoreEvent) => void>()
  const emit = (event: StoreEvent): void => {
    for (const l of listeners) l(event)
  }

  async function readRange(conversationId: string, afterSeq: number, upToSeq: number | '+', count: number): Promise<TranscriptEntry[]> {
    const raw: StreamEntries = await guarded(() => cmd.xrange(key.stream(conversationId), `${afterSeq + 1}-0`, upToSeq === '+' ? '+' : `${upToSeq}-0`, 'COUNT', count))
    return entries(raw.map(fromStream))
  }

  const fanout = createOrderedFanout({
    read: (id, after, upTo) => readRange(id, after, upTo, Math.max(1, upTo - after)),
    emit: (conversationId, entry) => emit({ type: 'entry', conversationId, entry }),
    onError: (err, conversationId) => onError(err, `could not fill a notification gap of ${conversationId}`),
  })

  async function getConversation(id: string): Promise<ConversationRecord | undefined> {
    const hash = await guarded(() => cmd.hgetall(key.conversation(id)))
    return Object.keys(hash).length ? conversationFromHash(hash) : undefined
  }

  const unsubscribe = link.onMessage((message) => onLinkMessage(message))
  const unresubscribe = link.onResubscribed(() => {
    void fanout.refill(async (id) => (await getConversation(id))?.lastSeq)
  })

  function onLinkMessage(m: LinkMessage): void {
    switch (m.type) {
      case 'entry': {
        const conversationId = typeof m.conversationId === 'string' ? m.conversationId : undefined
        const seq = typeof m.seq === 'number' ? m.seq : undefined
        if (!conversationId || !seq) return
        const fields = asObject(m.entry)
        void fanout.deliver(conversationId, seq, fields && parseTranscriptEntry({ ...fields, seq }))
        const conversation = readConversation(m.conversation)
        if (conversation) emit({ type: 'conversation', conversation })
        return
      }
      case 'conversation': {
        const conversation = readConversation(m.conversation)
        if (conversation) emit({ type: 'conversation', conversation })
        return
      }
      case 'signal': {
        const signal = readSignal(m.signal)
        if (typeof m.conversationId === 'string' && signal) emit({ type: 'signal', conversationId: m.conversationId, signal })
        return
      }
      case 'revoked':
        if (typeof m.guestId === 'string') emit({ type: 'revoked', guestId: m.guestId })
        return
      case 'agent-revoked':
        if (typeof m.agentId === 'string') emit({ type: 'agent-revoked', agentId: m.agentId })
        return
    }
  }

  return {
    ...createIdentityRecords(link, { guestKey: key.guest, retentionMs }),
    ...cannedReplyMethods(cmd, `${prefix}canned${accounts}`),
    async createGuest(guest, conversation) {
      // the conversation first: a guest record never points at a conversation that is not there (the keys
      // live in different cluster slots, so this is not one transaction; a conversation left without its
      // guest by a crash in between expires with its TTL)
      await guarded(() =>
        cmd
          .multi()
          .hset(key.conversation(conversation.id), ...toHashArgs(conversation), 'retainedAt', Date.now())
          .pexpire(key.conversation(conversation.id), retentionMs)
          .exec(),
      )
      await guarded(() =>
        Promise.all([
          cmd.set(key.guest(guest.guestId), JSON.stringify(guest), 'PX', retentionMs),
          cmd.zadd(key.index, Date.now(), conversation.id),
          cmd.publish(channel, JSON.stringify({ node: nodeId, type: 'conversation', conversation })),
        ]),
      )
      emit({ type: 'conversation', conversation: { ...conversation } })
    },
    async getGuest(guestId) {
      const raw = await guarded(() => cmd.get(key.guest(guestId)))
      return raw === null ? undefined : readGuest(parseJson(raw))
    },
    async revokeGuest(guestId) {
      const raw = await guarded(() => cmd.get(key.guest(guestId)))
      const guest = raw === null ? undefined : readGuest(parseJson(raw))
      if (guest) await guarded(() => cmd.set(key.guest(guestId), JSON.stringify({ ...guest, revoked: true }), 'KEEPTTL'))
      link.publish({ type: 'revoked', guestId })
      emit({ type: 'revoked', guestId })
    },

    async putRefreshToken(hash, record) {
      const ttl = Math.max(1, record.expiresAt - Date.now())
      await guarded(() => cmd.set(key.refresh(hash), JSON.stringify(record), 'PX', ttl))
    },
    async useRefreshToken(hash) {
      // one round trip: read the record and claim it; a claim that already existed means "used before"
      const result = await guarded(() => cmd.multi().get(key.refresh(hash)).set(key.refreshUsed(hash), '1', 'PX', FAMILY_TTL_MS, 'NX').exec())
      const raw = result?.[0]?.[1]
      const claimed = result?.[1]?.[1] === 'OK'
      const record = typeof raw === 'string' ? asObject(parseJson(raw)) : undefined
      const parsed: RefreshRecord | undefined = record && readRefreshRecord(record)
      if (!parsed || parsed.expiresAt <= Date.now()) return undefined
      return { ...parsed, used: parsed.used || !claimed }
    },
    async revokeFamily(family) {
      await guarded(() => cmd.set(key.family(family), '1', 'PX', FAMILY_TTL_MS))
    },
    async isFamilyRevoked(family) {
      return (await guarded(() => cmd.exists(key.family(family)))) === 1
    },

    async getConversation(id) {
      const c = await getConversation(id)
      // from now on this node follows the conversation's notifications from where the reader stands
      if (c) fanout.follow(id, c.lastSeq)
      return c
    },
    async updateConversation(id, patch) {
      const reply = await guarded(() =>
        cmd.parleyUpdate(...conversationKeys(id), ...[Date.now(), retentionMs, channel, nodeId, RETAIN_EVERY_MS, ...toHashArgs({ ...patch, updatedAt: new Date().toISOString() })]),
      )
      const c = Array.isArray(reply) && typeof reply[0] === 'string' ? readConversation(parseJson(reply[0])) : undefined
      if (c && Array.isArray(reply) && reply[1] === 1) retainOutside(c)
      if (c) emit({ type: 'conversation', conversation: c })
      return c
    },
    async listConversations() {
      const ids = await guarded(() => cmd.zrangebyscore(key.index, Date.now() - retentionMs - RETAIN_EVERY_MS, '+inf', 'LIMIT', 0, LIST_LIMIT))
      // issued in one loop turn, auto-pipelining sends them together (one write per cluster node)
      const hashes = await guarded(() => Promise.all(ids.map((id) => cmd.hgetall(key.conversation(id)))))
      const list: ConversationRecord[] = []
      hashes.forEach((hash, i) => {
        const c = Object.keys(hash).length ? conversationFromHash(hash) : undefined
        if (c) list.push(c)
        else if (ids[i]) void cmd.zrem(key.index, ids[i]).catch(() => undefined)
      })
      return list
    },
    async deleteConversation(id) {
      await guarded(() => Promise.all([cmd.del(...conversationKeys(id), key.agentMarks(id)), cmd.zrem(key.index, id)]))
      fanout.forget(id)
    },

    async append(conversationId, entry, dedupKey) {
      const keys = dedupKey === undefined ? [] : typeof dedupKey === 'string' ? [dedupKey] : [...dedupKey]
      const reply = await guarded(() =>
        replicated(conversationKeys(conversationId), [conversationId, JSON.stringify(entry), newEpoch(), JSON.stringify(new Date().toISOString()), Date.now(),
          retentionMs, maxEntriesPerConversation, channel, nodeId, RETAIN_EVERY_MS, keys.length, ...keys]),
      )
      if (!Array.isArray(reply) || reply[0] === -1) throw new Error('unknown conversation')
      const seq = Number(reply[1])
      if (reply[0] === 0) {
        const original = typeof reply[2] === 'string' ? parseEntryJson(reply[2], seq) : undefined
        if (!original) throw new Error('a duplicate entry could not be read back')
        return { entry: original, duplicate: true }
      }
      const stored: TranscriptEntry = { ...entry, seq }
      await fanout.deliver(conversationId, seq, stored)
      const c = typeof reply[3] === 'string' ? readConversation(parseJson(reply[3])) : undefined
      if (reply[4] === 1) retainOutside(c)
      if (c) emit({ type: 'conversation', conversation: c })
      return { entry: stored, duplicate: false }
    },
    async findByKey(conversationId, dedupKey) {
      const seq = await guarded(() => cmd.hget(key.dedup(conversationId), dedupKey))
      if (seq === null) return undefined
      const [found] = await readRange(conversationId, Number(seq) - 1, Number(seq), 1)
      return found
    },
    async readAfter(conversationId, afterSeq, limit) {
      return readRange(conversationId, afterSeq, '+', limit)
    },
    async readBefore(conversationId, beforeSeq, limit) {
      const raw: StreamEntries = await guarded(() =>
        cmd.xrevrange(key.stream(conversationId), beforeSeq === undefined ? '+' : `(${beforeSeq}-0`, '-', 'COUNT', limit + 1),
      )
      const list = entries(raw.slice(0, limit).map(fromStream)).reverse()
      return { entries: list, hasMore: raw.length > limit }
    },

    async putAgent(agent) {
      // accounts have no TTL: retention is for conversations, not for who may sign in
      await guarded(() => cmd.multi().set(key.agent(agent.id), JSON.stringify(agent)).sadd(key.agents, agent.id).exec())
    },
    async getAgent(id) {
      const raw = await guarded(() => cmd.get(key.agent(id)))
      return raw === null ? undefined : readAgent(parseJson(raw))
    },
    async listAgents() {
      const ids = await guarded(() => cmd.smembers(key.agents))
      if (!ids.length) return []
      const raws = await guarded(() => cmd.mget(...ids.map(key.agent)))
      return raws.flatMap((raw): AgentRecord[] => {
        const agent = raw === null ? undefined : readAgent(parseJson(raw))
        return agent ? [agent] : []
      })
    },
    async revokeAgent(id) {
      const raw = await guarded(() => cmd.get(key.agent(id)))
      const agent = raw === null ? undefined : readAgent(parseJson(raw))
      if (!agent) return undefined
      const revoked: AgentRecord = { ...agent, revokedAt: agent.revokedAt ?? new Date().toISOString() }
      // awaited, not `link.publish`: the CLI revokes and exits, and the nodes must still hear of it
      await guarded(() =>
        cmd
          .multi()
          .set(key.agent(id), JSON.stringify(revoked))
          .publish(channel, JSON.stringify({ node: nodeId, type: 'agent-revoked', agentId: id }))
          .exec(),
      )
      emit({ type: 'agent-revoked', agentId: id })
      return revoked
    },
    async markAgentEntry(conversationId, entryId, agentId) {
      await guarded(() => cmd.multi().hset(key.agentMarks(conversationId), entryId, agentId).pexpire(key.agentMarks(conversationId), retentionMs).exec())
    },
    async agentMarks(conversationId, entryIds) {
      const found = new Map<string, string>()
      if (!entryIds.length) return found
      const ids = await guarded(() => cmd.hmget(key.agentMarks(conversationId), ...entryIds))
      ids.forEach((agentId, i) => {
        const entryId = entryIds[i]
        if (agentId !== null && entryId !== undefined) found.set(entryId, agentId)
      })
      return found
    },

    signal(conversationId, signal: TypingSignal) {
      link.publish({ type: 'signal', conversationId, signal })
      emit({ type: 'signal', conversationId, signal })
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async ping() {
      if (!link.up()) return false
      return (await cmd.ping().catch(() => '')) === 'PONG'
    },
    async close() {
      listeners.clear()
      unsubscribe()
      unresubscribe()
      fanout.close()
    },
  }
}

/**
 * The epoch a conversation gets if its stream turns out lost; made for every append, used almost never,
 * so cut from a pooled buffer (one `randomBytes` call per 512 appends, not one each).
 */
let epochPool = Buffer.alloc(0)
let epochOffset = 0
const newEpoch = (): string => {
  if (epochOffset + 8 > epochPool.length) {
    epochPool = randomBytes(4096)
    epochOffset = 0
  }
  epochOffset += 8
  return epochPool.toString('base64url', epochOffset - 8, epochOffset)
}

function readSignal(x: unknown): TypingSignal | undefined {
  const o = asObject(x)
  const role = o && readOneOf(o, 'role', ['guest', 'agent', 'bot'] as const)
  const active = o && readBoolean(o, 'active')
  const author = o && readAuthor(o)
  if (!role || active === undefined || author === null) return undefined
  return author ? { type: 'typing', role, active, author } : { type: 'typing', role, active }
}

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    parleyAppend(...args: (string | number)[]): Result<unknown, Context>
    parleyUpdate(...args: (string | number)[]): Result<unknown, Context>
  }
}
