/**
 * @module server/stores/memory
 * The single-process store: everything in Maps. Data lives as long as the process, or across graceful
 * restarts with a snapshot file; a crash loses it, which the widget detects (unknown guest → new session).
 * Use Redis for more than one node.
 */
import { renameSync } from 'node:fs'
import type { TranscriptEntry } from '../../src/protocol'
import type {
  AgentRecord,
  AppendResult,
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

interface Transcript {
  entries: TranscriptEntry[]
  dedup: Map<string, number>
  /** Which agent wrote which entry, by entry id (`markAgentEntry`); goes with the transcript. */
  marks?: Map<string, string>
}

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

export function createMemoryStore(options: MemoryStoreOptions = {}): ConversationStore {
  const { maxEntriesPerConversation = 5000, snapshotFile } = options
  const saved = loadSnapshot(options)
  const guests = new Map<string, GuestRecord>(saved?.guests.map((g) => [g.guestId, g]))
  const refresh = new Map<string, RefreshRecord>(saved?.refresh)
  const revokedFamilies = new Set<string>(saved?.revokedFamilies)
  const conversations = new Map<string, ConversationRecord>(saved?.conversations.map((c) => [c.id, c]))
  const transcripts = new Map<string, Transcript>(saved?.transcripts.map(([id, t]) => [id, { entries: t.entries, dedup: new Map(t.dedup) }]))
  const agents = new Map<string, AgentRecord>(saved?.agents?.map((a) => [a.id, a]))
  for (const [id, marks] of saved?.agentMarks ?? []) {
    const t = transcripts.get(id)
    if (t) t.marks = new Map(marks)
  }
  const listeners = new Set<(event: StoreEvent) => void>()
  // a conversation without its transcript (dropped as unreadable) cannot be resumed: forget it
  for (const id of conversations.keys()) if (!transcripts.has(id)) conversations.delete(id)

  const emit = (event: StoreEvent): void => {
    for (const listener of listeners) listener(event)
  }
  const now = (): string => new Date().toISOString()

  return {
    async createGuest(guest, conversation) {
      guests.set(guest.guestId, { ...guest })
      conversations.set(conversation.id, { ...conversation })
      transcripts.set(conversation.id, { entries: [], dedup: new Map() })
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

    async putRefreshToken(hash, record) {
      refresh.set(hash, { ...record })
    },
    async useRefreshToken(hash) {
      const r = refresh.get(hash)
      if (!r || r.expiresAt <= Date.now()) return undefined
      const before = { ...r }
      r.used = true
      return before
    },
    async revokeFamily(family) {
      revokedFamilies.add(family)
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
      emit({ type: 'conversation', conversation: { ...c } })
      return { ...c }
    },
    async listConversations() {
      return [...conversations.values()].map((c) => ({ ...c }))
    },
    async deleteConversation(id) {
      conversations.delete(id)
      transcripts.delete(id)
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
      c.lastSeq = stored.seq
      c.updatedAt = now()
      t.entries.push(stored)
      for (const key of keys) t.dedup.set(key, stored.seq)
      if (t.entries.length > maxEntriesPerConversation) {
        t.entries.splice(0, t.entries.length - maxEntriesPerConversation)
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
      listeners.clear()
      if (!snapshotFile) return
      const now = Date.now()
      writeSnapshot(snapshotFile, {
        guests: [...guests.values()],
        refresh: [...refresh].filter(([, r]) => r.expiresAt > now),
        revokedFamilies: [...revokedFamilies],
        conversations: [...conversations.values()],
        transcripts: [...transcripts].map(([id, t]) => [id, { entries: t.entries, dedup: [...t.dedup] }]),
        agents: [...agents.values()],
        agentMarks: [...transcripts].flatMap(([id, t]) => (t.marks?.size ? [[id, [...t.marks]] as [string, [string, string][]]] : [])),
      })
    },
  }
}
