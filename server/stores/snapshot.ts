/**
 * @module server/stores/snapshot
 * The in-memory store's state as one JSON file, written when the BFF drains (SIGTERM) and read at start,
 * so a graceful restart of a single node keeps every conversation. A `kill -9` skips the write; the
 * widget then detects the lost conversation (see docs/protocol.md). The file is read back as untrusted
 * input: records that do not parse are dropped, never half-loaded.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseTranscriptEntry, type TranscriptEntry } from '../../src/protocol'
import { asObject, readField, readSeq, type Fields } from '../../src/protocol/read'
import { readAgent, readCannedReply } from './agent-records'
import { readConversation, readGuest, readRefreshRecord } from './records'
import type { AgentRecord, CannedReply, ConversationRecord, GuestRecord, RefreshRecord } from './types'

export interface SnapshotTranscript {
  entries: TranscriptEntry[]
  dedup: [string, number][]
}

export interface Snapshot {
  guests: GuestRecord[]
  refresh: [string, RefreshRecord][]
  revokedFamilies: string[]
  conversations: ConversationRecord[]
  transcripts: [string, SnapshotTranscript][]
  /** Desk accounts; absent in snapshots older than them. */
  agents?: AgentRecord[]
  /** Per conversation, which agent wrote which entry (entry id, agent id). */
  agentMarks?: [string, [string, string][]][]
  /** The desk team's canned replies; absent in snapshots older than them. */
  cannedReplies?: CannedReply[]
}

const VERSION = 1

export function writeSnapshot(file: string, snapshot: Snapshot): void {
  mkdirSync(dirname(file), { recursive: true })
  // write then rename: a crash mid-write leaves the previous snapshot intact
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify({ version: VERSION, ...snapshot }), { mode: 0o600 })
  renameSync(tmp, file)
}

/** The snapshot in `file`, or undefined when there is none; throws only on a file that is not a snapshot at all. */
export function readSnapshot(file: string): Snapshot | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined
    throw err
  }
  const root = asObject(JSON.parse(text))
  if (!root || readSeq(root, 'version') !== VERSION) throw new Error(`${file} is not a Parley snapshot (version ${VERSION}).`)
  return {
    guests: list(root, 'guests', readGuest),
    refresh: list(root, 'refresh', (x) => pair(x, readRefreshRecord)),
    revokedFamilies: list(root, 'revokedFamilies', (x) => (typeof x === 'string' ? x : undefined)),
    conversations: list(root, 'conversations', readConversation),
    transcripts: list(root, 'transcripts', (x) => pair(x, transcript)),
    agents: list(root, 'agents', readAgent),
    agentMarks: list(root, 'agentMarks', agentMarks),
    cannedReplies: list(root, 'cannedReplies', readCannedReply),
  }
}

function list<T>(o: Fields, key: string, read: (x: unknown) => T | undefined): T[] {
  const raw = readField(o, key)
  if (!Array.isArray(raw)) return []
  const out: T[] = []
  for (const x of raw) {
    const v = read(x)
    if (v !== undefined) out.push(v)
  }
  return out
}

function tuple(x: unknown): readonly unknown[] | undefined {
  return Array.isArray(x) && x.length === 2 ? x : undefined
}

function pair<T>(x: unknown, read: (o: Fields) => T | undefined): [string, T] | undefined {
  const [key, value] = tuple(x) ?? []
  const o = asObject(value)
  const v = o && read(o)
  return typeof key === 'string' && v !== undefined ? [key, v] : undefined
}

function agentMarks(x: unknown): [string, [string, string][]] | undefined {
  const [id, raw] = tuple(x) ?? []
  if (typeof id !== 'string' || !Array.isArray(raw)) return undefined
  const marks: [string, string][] = []
  for (const m of raw) {
    const [entryId, agentId] = tuple(m) ?? []
    if (typeof entryId === 'string' && typeof agentId === 'string') marks.push([entryId, agentId])
  }
  return [id, marks]
}

function transcript(o: Fields): SnapshotTranscript | undefined {
  const raw = readField(o, 'entries')
  if (!Array.isArray(raw)) return undefined
  const entries: TranscriptEntry[] = []
  for (const x of raw) {
    const e = parseTranscriptEntry(x)
    // seqs must stay dense and ascending: one bad entry makes the whole transcript unusable
    if (!e || (entries.length && e.seq !== (entries.at(-1)?.seq ?? 0) + 1)) return undefined
    entries.push(e)
  }
  const dedup = list(o, 'dedup', (x): [string, number] | undefined => {
    const [key, seq] = tuple(x) ?? []
    return typeof key === 'string' && typeof seq === 'number' ? [key, seq] : undefined
  })
  return { entries, dedup }
}
