/**
 * @module server/stores/memory
 * The single-process store: everything in Maps. Data lives as long as the process, or across graceful
 * restarts with a snapshot file; a crash loses it, which the widget detects (unknown guest → new session).
 * Use Redis for more than one node.
 */
import { renameSync } from 'node:fs'
import type { TranscriptEntry } from '../../src/protocol'
import { StoreUnavailableError } from './types'
import type {
  AgentRecord,
  AppendResult,
  CannedReply,
  ConversationPatch,
  ConversationRecord,
  ConversationStore,
  GuestRecord,
  NewEntry,
  RefreshRecord,
  StoreEvent,
  TypingSignal,
} from './types'
import { readSnapshot, writeSnapshot, type Snapshot } from './snapshot'
import { applyIdentity } from './records'

interface Transcript {
  entries: TranscriptEntry[]
  dedup: Map<string, number>
  /** Which agent wrote which entry, by entry id (`markAgentEntry`); goes with the transcript. */
  marks?: Map<string, string>
  /** Approximate bytes of the entries (their JSON), counted against `maxStoredBytes`. */
  bytes: number
}

/** The store is at a cap and nothing is idle enough to make room: answered with 503 and Retry-After. */
export class StoreFullError extends StoreUnavailableError {
  constructor(what: string) {
    super(new Error(`the in-memory store is full (${what})`))
    this.name = 'StoreFullError'
  }
}

/** A conversation idle this long may be evicted to make room at a cap (before that, new guests are refused). */
const EVICTABLE_AFTER_MS = 15 * 60_000
/** Refresh-token families are remembered as revoked for as long as a refresh token lives. */
const FAMILY_TTL_MS = 24 * 60 * 60 * 1000
/** The desk lists at most this many recent conversations (as with Redis). */
const LIST_LIMIT = 1000

const sizeOf = (entry: TranscriptEntry): number => JSON.stringify(entry).length

const keysOf = (dedupKey: string | readonly string[] | undefined): readonly string[] =>
  dedupKey === undefined ? [] : typeof dedupKey === 'string' ? [dedupKey] : dedupKey

function lookup(t: Transcript, key: string): TranscriptEntry | undefined {
  const seq = t.dedup.get(key)
  const first = t.entries[0]?.seq ?? 1
  return seq === undefined ? undefined : t.entries[seq - first]
}

export interface MemoryStoreOptions {
  /** Oldest entries are dropped past this many per conversation. @default 5000 */
  maxEntriesPerConversation?: number
  /** Read at start and written on `close()`, so a graceful restart keeps everything. @default none */
  snapshotFile?: string
  /** An unreadable snapshot was moved aside to `movedTo`; the store starts empty. */
  onSnapshotError?: (err: unknown, movedTo: string) => void
  /** A conversation, its transcript and its guest are forgotten this long after the last activity. @default 168 h */
  retentionMs?: number
  /** Guests (each with its one conversation) kept at most. @default 100,000 */
  maxGuests?: number
  /** Transcript bytes kept at most. @default 256 MiB */
  maxStoredBytes?: number
  /** The clock (tests move it). @default Date.now */
  now?: () => number
}

/** The memory store, plus the retention pass that a timer also runs. */
export interface MemoryStore extends ConversationStore {
  /** Forget what retention lets go (idle conversations and their guests, expired refresh records and families); returns how many conversations went. */
  prune(): number
}

function loadSnapshot(options: MemoryStoreOptions): Snapshot | undefined {
  const file = options.snapshotFile
  if (!file) return undefined
  try {
    return readSnapshot(file)
  } catch (err) {
    // keep the bad file for inspection instead of overwriting it on the next drain
    const movedTo = `${file}.unreadable-${Date.now()}`
    renameSync(file, movedTo)
    options.onSnapshotError?.(err, movedTo)
    return undefined
  }
}

export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const { maxEntriesPerConversation = 5000, snapshotFile, retentionMs = 168 * 3_600_000, maxGuests = 100_000, maxStoredBytes = 256 * 1024 * 1024 } = options
  const clock = options.now ?? Date.now
  const saved = loadSnapshot(options)
  const guests = new Map<string, GuestRecord>(saved?.guests.map((g) => [g.guestId, g]))
  const refresh = new Map<string, RefreshRecord>(saved?.refresh)
  // family → when it may be forgotten
  const revokedFamilies = new Map<string, number>(saved?.revokedFamilies.map((f) => [f, clock() + FAMILY_TTL_MS]))
  // in order of last activity, oldest first (`touch` moves a conversation to the end)
  const conversations = new Map<string, ConversationRecord>(
    [...(saved?.conversations ?? [])].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).map((c) => [c.id, c]),
  )
  const transcripts = new Map<string, Transcript>(
    saved?.transcripts.map(([id, t]) => [id, { entries: t.entries, dedup: new Map(t.dedup), bytes: t.entries.reduce((n, e) => n + sizeOf(e), 0) }]),
  )
  let storedBytes = [...transcripts.values()].reduce((n, t) => n + t.bytes, 0)
  const agents = new Map<string, AgentRecord>(saved?.agents?.map((a) => [a.id, a]))
  const canned = new Map<string, CannedReply>(saved?.cannedReplies?.map((r) => [r.id, r]))
  for (const [id, marks] of saved?.agentMarks ?? []) {
    const t = transcripts.get(id)
    if (t) t.marks = new Map(marks)
  }
  // a verified `sub` → its guests, the current one last (rebuilt from the guest records after a restart)
  const subGuests = new Map<string, string[]>()
  const indexSub = (sub: string, guestId: string): void => {
    const list = (subGuests.get(sub) ?? []).filter((id) => id !== guestId && guests.has(id)).slice(-49)
    subGuests.set(sub, [...list, guestId])
  }
  for (const g of [...guests.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) if (g.verified) indexSub(g.verified.sub, g.guestId)
  const listeners = new Set<(event: StoreEvent) => void>()
  // a conversation without its transcript (dropped as unreadable) cannot be resumed: forget it
  for (const id of conversations.keys()) if (!transcripts.has(id)) conversations.delete(id)

  const emit = (event: StoreEvent): void => {
    for (const listener of listeners) listener(event)
  }
  const now = (): string => new Date(clock()).toISOString()
  const touch = (c: ConversationRecord): void => {
    conversations.delete(c.id)
    conversations.set(c.id, c)
  }
  /** Forget a conversation, its transcript and its guest. */
  const forget = (id: string): void => {
    const c = conversations.get(id)
    conversations.delete(id)
    storedBytes -= transcripts.get(id)?.bytes ?? 0
    transcripts.delete(id)
    if (c && guests.get(c.guestId)?.conversationId === id) guests.delete(c.guestId)
  }
  const idleSince = (c: ConversationRecord): number => Date.parse(c.updatedAt) || 0

  function prune(): number {
    const t = clock()
    let removed = 0
    // oldest first: stop at the first one still within retention
    for (const c of conversations.values()) {
      if (idleSince(c) > t - retentionMs) break
      forget(c.id)
      removed++
    }
    for (const [hash, r] of refresh) if (r.expiresAt <= t) refresh.delete(hash)
    for (const [family, until] of revokedFamilies) if (until <= t) revokedFamilies.delete(family)
    if (removed) for (const [sub, ids] of subGuests) if (!ids.some((id) => guests.has(id))) subGuests.delete(sub)
    return removed
  }

  /** Make room by evicting the least recently active conversation if it is idle enough; false when none is. */
  function evictOne(except?: string): boolean {
    for (const c of conversations.values()) {
      if (c.id === except) continue
      if (idleSince(c) > clock() - EVICTABLE_AFTER_MS) return false
      forget(c.id)
      return true
    }
    return false
  }

  /** Within the caps, evicting idle conversations if needed; else a StoreFullError. */
  function makeRoom(newGuest: boolean, except?: string): void {
    const over = (): string | undefined =>
      newGuest && guests.size >= maxGuests ? 'guests' : storedBytes > maxStoredBytes ? 'bytes' : undefined
    if (over()) prune()
    for (let what = over(); what; what = over()) if (!evictOne(except)) throw new StoreFullError(what)
  }

  const sweep = setInterval(prune, Math.min(60_000, Math.max(1000, retentionMs / 4)))
  sweep.unref()

  return {
    prune,
    async createGuest(guest, conversation) {
      makeRoom(true)
      guests.set(guest.guestId, { ...guest })
      conversations.set(conversation.id, { ...conversation })
      transcripts.set(conversation.id, { entries: [], dedup: new Map(), bytes: 0 })
      emit({ type: 'conversation', conversation: { ...conversation } })
    },
    async getGuest(guestId) {
      const g = guests.get(guestId)
      return g && { ...g }
    },
    async revokeGuest(guestId) {
      const g = guests.get(guestId)
      if (g) g.revoked = true
      emit({ type: 'revoked', guestId })
    },

    async bindIdentity(guestId, identity) {
      const g = guests.get(guestId)
      if (!g) return undefined
      const bound = applyIdentity(g, identity)
      guests.set(guestId, bound)
      indexSub(identity.sub, guestId)
      return { ...bound }
    },
    async guestsOfSub(sub) {
      return (subGuests.get(sub) ?? []).filter((id) => guests.has(id)).reverse()
    },

    async putRefreshToken(hash, record) {
      refresh.set(hash, { ...record })
    },
    async useRefreshToken(hash) {
      const r = refresh.get(hash)
      if (!r || r.expiresAt <= clock()) return undefined
      const before = { ...r }
      r.used = true
      return before
    },
    async revokeFamily(family) {
      revokedFamilies.set(family, clock() + FAMILY_TTL_MS)
    },
    async isFamilyRevoked(family) {
      return revokedFamilies.has(family)
    },

    async getConversation(id) {
      const c = conversations.get(id)
      return c && { ...c }
    },
    async updateConversation(id, patch: ConversationPatch) {
      const c = conversations.get(id)
      if (!c) return undefined
      Object.assign(c, patch, { updatedAt: now() })
      touch(c)
      emit({ type: 'conversation', conversation: { ...c } })
      return { ...c }
    },
    async listConversations() {
      // newest first, paged like the Redis store's list
      const out: ConversationRecord[] = []
      const ids = [...conversations.keys()]
      for (let i = ids.length - 1; i >= 0 && out.length < LIST_LIMIT; i--) {
        const c = conversations.get(ids[i] ?? '')
        if (c) out.push({ ...c })
      }
      return out
    },
    async deleteConversation(id) {
      // "end and forget": the guest goes too (its tokens were revoked; without the record they stay refused)
      forget(id)
    },

    async append(conversationId, entry: NewEntry, dedupKey): Promise<AppendResult> {
      const c = conversations.get(conversationId)
      const t = transcripts.get(conversationId)
      if (!c || !t) throw new Error('unknown conversation')
      const keys = keysOf(dedupKey)
      for (const key of keys) {
        const original = lookup(t, key)
        if (original) return { entry: original, duplicate: true }
      }
      const stored: TranscriptEntry = { ...entry, seq: c.lastSeq + 1 }
      const size = sizeOf(stored)
      storedBytes += size
      try {
        makeRoom(false, conversationId)
      } catch (err) {
        storedBytes -= size
        throw err
      }
      c.lastSeq = stored.seq
      c.updatedAt = now()
      touch(c)
      t.entries.push(stored)
      t.bytes += size
      for (const key of keys) t.dedup.set(key, stored.seq)
      if (t.entries.length > maxEntriesPerConversation) {
        const dropped = t.entries.splice(0, t.entries.length - maxEntriesPerConversation).reduce((n, e) => n + sizeOf(e), 0)
        t.bytes -= dropped
        storedBytes -= dropped
        const first = t.entries[0]?.seq ?? 1
        // keys of dropped entries would otherwise accumulate for the life of the conversation
        if (t.dedup.size > maxEntriesPerConversation * 2) for (const [key, seq] of t.dedup) if (seq < first) t.dedup.delete(key)
      }
      emit({ type: 'entry', conversationId, entry: stored })
      emit({ type: 'conversation', conversation: { ...c } })
      return { entry: stored, duplicate: false }
    },
    async findByKey(conversationId, key) {
      const t = transcripts.get(conversationId)
      return t && lookup(t, key)
    },
    async readAfter(conversationId, afterSeq, limit) {
      const t = transcripts.get(conversationId)
      if (!t) return []
      // seqs are dense and ascending, so the index of seq s is s - first seq
      const first = t.entries[0]?.seq ?? 1
      const start = Math.max(0, afterSeq + 1 - first)
      return t.entries.slice(start, start + limit)
    },
    async readBefore(conversationId, beforeSeq, limit) {
      const t = transcripts.get(conversationId)
      if (!t) return { entries: [], hasMore: false }
      const first = t.entries[0]?.seq ?? 1
      const end = beforeSeq === undefined ? t.entries.length : Math.max(0, beforeSeq - first)
      const start = Math.max(0, end - limit)
      return { entries: t.entries.slice(start, end), hasMore: start > 0 }
    },

    async putAgent(agent) {
      agents.set(agent.id, { ...agent })
    },
    async getAgent(id) {
      const a = agents.get(id)
      return a && { ...a }
    },
    async listCannedReplies() {
      return [...canned.values()].map((r) => ({ ...r }))
    },
    async putCannedReply(reply) {
      canned.set(reply.id, { ...reply })
    },
    async deleteCannedReply(id) {
      return canned.delete(id)
    },
    async listAgents() {
      return [...agents.values()].map((a) => ({ ...a }))
    },
    async revokeAgent(id) {
      const a = agents.get(id)
      if (!a) return undefined
      a.revokedAt ??= now()
      emit({ type: 'agent-revoked', agentId: id })
      return { ...a }
    },
    async markAgentEntry(conversationId, entryId, agentId) {
      const t = transcripts.get(conversationId)
      if (!t) return
      t.marks ??= new Map()
      t.marks.set(entryId, agentId)
      // marks of entries trimmed from the transcript would otherwise accumulate for its whole life
      if (t.marks.size > maxEntriesPerConversation * 2) {
        const kept = new Set(t.entries.map((e) => e.id))
        for (const id of t.marks.keys()) if (!kept.has(id)) t.marks.delete(id)
      }
    },
    async agentMarks(conversationId, entryIds) {
      const marks = transcripts.get(conversationId)?.marks
      const found = new Map<string, string>()
      if (marks) for (const id of entryIds) {
        const agentId = marks.get(id)
        if (agentId) found.set(id, agentId)
      }
      return found
    },

    signal(conversationId, signal: TypingSignal) {
      emit({ type: 'signal', conversationId, signal })
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async ping() {
      return true
    },
    async close() {
      clearInterval(sweep)
      listeners.clear()
      if (!snapshotFile) return
      const now = Date.now()
      writeSnapshot(snapshotFile, {
        guests: [...guests.values()],
        refresh: [...refresh].filter(([, r]) => r.expiresAt > now),
        revokedFamilies: [...revokedFamilies.keys()],
        conversations: [...conversations.values()],
        transcripts: [...transcripts].map(([id, t]) => [id, { entries: t.entries, dedup: [...t.dedup] }]),
        agents: [...agents.values()],
        cannedReplies: [...canned.values()],
        agentMarks: [...transcripts].flatMap(([id, t]) => (t.marks?.size ? [[id, [...t.marks]] as [string, [string, string][]]] : [])),
      })
    },
  }
}
