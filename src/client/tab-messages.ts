/**
 * @module client/tab-messages
 * What tabs say to each other on the channel. Another tab of the same origin is still another program
 * (another version of the widget, a page script), so every message is parsed like a socket frame.
 */
import { MAX_DISPLAY_NAME, MAX_EMAIL, parseGuestSession, parseServerFrame, parseTranscriptEntry, type CreateGuestSessionBody, type GuestSession, type TranscriptEntry } from '../protocol'
import { asObject, readField, readOneOf, readSeq, readString, type Fields } from '../protocol/read'
import { readResumePoint, type ChatClientEvents } from './chat-client'
import type { ConnectionState } from './connection'
import { parseOutboxItems, type OutboxItem } from './outbox'

/** The client events a leading tab relays; `older` answers one tab's own request and stays local. */
export type RelayedEvents = Omit<ChatClientEvents, 'older'>
export type RelayedEvent = { [K in keyof RelayedEvents]: { kind: 'event'; event: K; payload: RelayedEvents[K] } }[keyof RelayedEvents]

export interface Snapshot {
  kind: 'snapshot'
  session: GuestSession | undefined
  resume: ChatClientEvents['resume']
  outbox: OutboxItem[]
  connection: ConnectionState
}

/** Leader → followers. */
export type LeaderMessage = RelayedEvent | Snapshot | { kind: 'leader' }

/** Follower → leader. */
export type Command =
  | { kind: 'hello' }
  | { kind: 'start'; profile?: CreateGuestSessionBody }
  | { kind: 'newChat' }
  | { kind: 'send'; item: OutboxItem }
  | { kind: 'retry'; clientMessageId: string }
  | { kind: 'typing'; active: boolean }
  | { kind: 'read'; upToSeq: number }
  | { kind: 'reconnect' }
  | { kind: 'endChat' }
  /** The host signed the visitor in (a follower resolves its callback and sends the token). */
  | { kind: 'identify'; token: string }
  | { kind: 'logout' }

const STATUSES = ['idle', 'connecting', 'open', 'reconnecting', 'offline', 'failed', 'closed'] as const

export function parseConnectionState(raw: unknown): ConnectionState | undefined {
  const o = asObject(raw)
  const status = o && readOneOf(o, 'status', STATUSES)
  if (!o || !status) return undefined
  const attempt = readSeq(o, 'attempt') ?? 0
  switch (status) {
    case 'connecting':
      return { status, attempt }
    case 'reconnecting':
      return { status, attempt, nextAttemptAt: readSeq(o, 'nextAttemptAt') ?? Date.now() }
    case 'failed':
      return { status, reason: readString(o, 'reason', 200) ?? 'unknown' }
    default:
      return { status }
  }
}

const entries = (raw: unknown): TranscriptEntry[] =>
  Array.isArray(raw) ? raw.flatMap((x: unknown) => parseTranscriptEntry(x) ?? []) : []
const session = (raw: unknown): GuestSession | undefined => (raw === null || raw === undefined ? undefined : parseGuestSession(raw))

function relayed(o: Fields): RelayedEvent | undefined {
  const payload = readField(o, 'payload')
  const event = readString(o, 'event', 16)
  switch (event) {
    case 'entries':
    case 'reset':
      return { kind: 'event', event, payload: entries(payload) }
    case 'session':
      return { kind: 'event', event, payload: session(payload) }
    case 'resume':
      return { kind: 'event', event, payload: readResumePoint(payload) }
    case 'outbox':
      return { kind: 'event', event, payload: parseOutboxItems(payload) }
    case 'connection': {
      const state = parseConnectionState(payload)
      return state && { kind: 'event', event, payload: state }
    }
    case 'typing':
    case 'receipt': {
      const frame = parseServerFrame(payload)
      if (!frame.ok) return undefined
      const v = frame.value
      return v.type === 'typing' ? { kind: 'event', event: 'typing', payload: v } : v.type === 'receipt' ? { kind: 'event', event: 'receipt', payload: v } : undefined
    }
    case 'error': {
      const p = asObject(payload)
      const code = p && readString(p, 'code', 64)
      const message = p && readString(p, 'message', 1000)
      return code && message ? { kind: 'event', event, payload: { code, message } } : undefined
    }
    default:
      return undefined
  }
}

export function parseLeaderMessage(raw: unknown): LeaderMessage | undefined {
  const o = asObject(raw)
  const kind = o && readString(o, 'kind', 16)
  if (!o) return undefined
  if (kind === 'leader') return { kind }
  if (kind === 'event') return relayed(o)
  if (kind !== 'snapshot') return undefined
  const connection = parseConnectionState(readField(o, 'connection')) ?? { status: 'idle' }
  return { kind, session: session(readField(o, 'session')), resume: readResumePoint(readField(o, 'resume')), outbox: parseOutboxItems(readField(o, 'outbox')), connection }
}

/** A pre-chat profile from another tab: only string fields are kept; the BFF validates them in full. */
function readProfile(raw: unknown): CreateGuestSessionBody | undefined {
  const o = asObject(raw)
  if (!o) return undefined
  const profile: CreateGuestSessionBody = {}
  const displayName = readString(o, 'displayName', MAX_DISPLAY_NAME)
  const email = readString(o, 'email', MAX_EMAIL)
  const attrs = asObject(readField(o, 'attributes'))
  if (displayName) profile.displayName = displayName
  if (email) profile.email = email
  if (attrs) profile.attributes = Object.fromEntries(Object.entries(attrs).filter((e): e is [string, string] => typeof e[1] === 'string'))
  return profile
}

export function parseCommand(raw: unknown): Command | undefined {
  const o = asObject(raw)
  const kind = o && readString(o, 'kind', 16)
  if (!o) return undefined
  switch (kind) {
    case 'hello':
    case 'reconnect':
    case 'endChat':
    case 'newChat':
    case 'logout':
      return { kind }
    case 'identify': {
      const token = readString(o, 'token', 4096)
      return token && /^[\w.~-]+$/.test(token) ? { kind, token } : undefined
    }
    case 'start': {
      const profile = readProfile(readField(o, 'profile'))
      return profile ? { kind, profile } : { kind }
    }
    case 'send': {
      const [item] = parseOutboxItems([readField(o, 'item')])
      return item && { kind, item }
    }
    case 'retry': {
      const id = readString(o, 'clientMessageId', 64)
      return id ? { kind, clientMessageId: id } : undefined
    }
    case 'typing': {
      const active = readField(o, 'active')
      return typeof active === 'boolean' ? { kind, active } : undefined
    }
    case 'read': {
      const upToSeq = readSeq(o, 'upToSeq')
      return upToSeq === undefined ? undefined : { kind, upToSeq }
    }
    default:
      return undefined
  }
}
