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
import { asObject, readBoolean, readField, readId, readOneOf, readSeq, readString, type Fields } from '../../src/protocol/read'
import type { ConversationRecord, GuestRecord, RefreshRecord } from './types'

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
    guests: list(root, 'guests', guest),
    refresh: list(root, 'refresh', (x) => pair(x, refreshRecord)),
    revokedFamilies: list(root, 'revokedFamilies', (x) => (typeof x === 'string' ? x : undefined)),
    conversations: list(root, 'conversations', conversation),
    transcripts: list(root, 'transcripts', (x) => pair(x, transcript)),
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

function guest(x: unknown): GuestRecord | undefined {
  const o = asObject(x)
  const guestId = o && readId(o, 'guestId')
  const conversationId = o && readId(o, 'conversationId')
  const createdAt = o && readString(o, 'createdAt', 40)
  const revoked = o && readBoolean(o, 'revoked')
  const attrs = o && asObject(readField(o, 'attributes'))
  if (!o || !guestId || !conversationId || !createdAt || revoked === undefined || !attrs) return undefined
  const attributes: Record<string, string> = {}
  for (const [k, v] of Object.entries(attrs)) if (typeof v === 'string') attributes[k] = v
  const g: GuestRecord = { guestId, conversationId, createdAt, revoked, attributes }
  const displayName = readString(o, 'displayName', 200)
  const email = readString(o, 'email', 320)
  if (displayName !== undefined) g.displayName = displayName
  if (email !== undefined) g.email = email
  return g
}

function refreshRecord(o: Fields): RefreshRecord | undefined {
  const guestId = readId(o, 'guestId')
  const family = readId(o, 'family')
  const expiresAt = readSeq(o, 'expiresAt')
  const used = readBoolean(o, 'used')
  return guestId && family && expiresAt !== undefined && used !== undefined ? { guestId, family, expiresAt, used } : undefined
}

function conversation(x: unknown): ConversationRecord | undefined {
  const o = asObject(x)
  if (!o) return undefined
  const c = {
    id: readId(o, 'id'),
    guestId: readId(o, 'guestId'),
    guestName: readString(o, 'guestName', 200),
    epoch: readId(o, 'epoch'),
    status: readOneOf(o, 'status', ['open', 'ended'] as const),
    lastSeq: readSeq(o, 'lastSeq'),
    deskReadSeq: readSeq(o, 'deskReadSeq'),
    deliveredSeq: readSeq(o, 'deliveredSeq') ?? 0,
    humanJoined: readBoolean(o, 'humanJoined'),
    upstreamOpened: readBoolean(o, 'upstreamOpened'),
    createdAt: readString(o, 'createdAt', 40),
    updatedAt: readString(o, 'updatedAt', 40),
  }
  const { id, guestId, guestName, epoch, status, lastSeq, deskReadSeq, humanJoined, upstreamOpened, createdAt, updatedAt } = c
  if (
    id === undefined || guestId === undefined || guestName === undefined || epoch === undefined || status === undefined ||
    lastSeq === undefined || deskReadSeq === undefined || humanJoined === undefined || upstreamOpened === undefined ||
    createdAt === undefined || updatedAt === undefined
  )
    return undefined
  const record: ConversationRecord = { id, guestId, guestName, epoch, status, lastSeq, deskReadSeq, deliveredSeq: c.deliveredSeq, humanJoined, upstreamOpened, createdAt, updatedAt }
  const upstreamSession = readString(o, 'upstreamSession', 2048)
  if (upstreamSession) record.upstreamSession = upstreamSession
  return record
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
