/**
 * @module protocol/parse
 * `unknown → typed | error` for every frame and body that crosses a boundary, used by widget, desk and BFF.
 */
import type { FrameErrorCode } from './errors'
import type {
  Author,
  ClientFrame,
  EventFrame,
  EventKind,
  MessageFrame,
  ReadyFrame,
  Role,
  SendFrame,
  ServerFrame,
  TranscriptEntry,
} from './frames'
import { MAX_ATTACHMENTS, MAX_ID_LENGTH } from './limits'
import { MAX_PAYLOAD, readAttachmentIds, readReply, readRichContent } from './rich'
import {
  asObject,
  parseJson,
  readBoolean,
  readField,
  readId,
  readOneOf,
  readSeq,
  readString,
  type Fields,
} from './read'

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: FrameErrorCode; message: string }

const fail = (code: FrameErrorCode, message: string): { ok: false; code: FrameErrorCode; message: string } => ({
  ok: false,
  code,
  message,
})
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value })

/** Longest text field accepted by the parser; the configured message limit is checked after it. */
const MAX_TEXT_UNITS = 64 * 1024
const ROLES: readonly Role[] = ['guest', 'agent', 'bot', 'system']
const EVENT_KINDS: readonly EventKind[] = ['agent-joined', 'agent-left', 'conversation-ended']

function decode(raw: unknown): Parsed<Fields> {
  let value = raw
  if (typeof raw === 'string') {
    const parsed = parseJson(raw)
    if (!parsed.ok) return fail('bad_json', 'The frame is not valid JSON (or is nested too deeply).')
    value = parsed.value
  }
  const o = asObject(value)
  return o ? ok(o) : fail('bad_frame', 'A frame must be a JSON object.')
}

/** Parse a frame from a client (the BFF's side of the socket). */
export function parseClientFrame(raw: unknown): Parsed<ClientFrame> {
  const d = decode(raw)
  if (!d.ok) return d
  const o = d.value
  const type = readString(o, 'type', 32)
  switch (type) {
    case 'ping':
      return ok({ type })
    case 'typing': {
      const active = readBoolean(o, 'active')
      return active === undefined ? fail('bad_frame', 'typing needs a boolean "active".') : ok({ type, active })
    }
    case 'read': {
      const upToSeq = readSeq(o, 'upToSeq')
      return upToSeq === undefined ? fail('bad_frame', 'read needs a non-negative "upToSeq".') : ok({ type, upToSeq })
    }
    case 'resume': {
      const epoch = readId(o, 'epoch', MAX_ID_LENGTH)
      const afterSeq = readSeq(o, 'afterSeq')
      if (epoch === undefined || afterSeq === undefined)
        return fail('bad_frame', 'resume needs an "epoch" id and a non-negative "afterSeq".')
      return ok({ type, epoch, afterSeq })
    }
    case 'auth': {
      const token = readString(o, 'token', 4096)
      return token ? ok({ type, token }) : fail('bad_frame', 'auth needs a string "token".')
    }
    case 'send': {
      const clientMessageId = readId(o, 'clientMessageId', MAX_ID_LENGTH)
      if (clientMessageId === undefined)
        return fail('bad_frame', 'send needs a "clientMessageId" of 1-64 letters, digits, ".", "_", ":" or "-".')
      const text = readString(o, 'text', MAX_TEXT_UNITS)
      if (text === undefined) return fail('bad_frame', 'send needs a string "text".')
      const send: SendFrame = { type, clientMessageId, text }
      const rawReply = readField(o, 'reply')
      if (rawReply !== undefined) {
        const reply = readReply(rawReply)
        if (!reply) return fail('bad_frame', `"reply" must be {kind: "quick-reply" | "button" | "date-picker", payload} with a payload of at most ${MAX_PAYLOAD} characters.`)
        send.reply = reply
      }
      const attachments = readAttachmentIds(readField(o, 'attachments'))
      if (attachments === null) return fail('bad_frame', `"attachments" must be a list of at most ${MAX_ATTACHMENTS} attachment ids.`)
      if (attachments) send.attachments = attachments
      return ok(send)
    }
    case undefined:
      return fail('bad_frame', 'A frame needs a string "type".')
    default:
      return fail('unknown_type', 'Unknown frame type.')
  }
}

export function readAuthor(o: Fields): Author | undefined | null {
  const raw = readField(o, 'author')
  if (raw === undefined) return undefined
  const a = asObject(raw)
  const name = a && readString(a, 'name', 200)
  if (!a || name === undefined) return null
  const avatarUrl = readString(a, 'avatarUrl', 2000)
  return avatarUrl === undefined ? { name } : { name, avatarUrl }
}

function parseMessage(o: Fields): MessageFrame | undefined {
  const seq = readSeq(o, 'seq')
  const id = readId(o, 'id', 128)
  const role = readOneOf(o, 'role', ROLES)
  const text = readString(o, 'text', MAX_TEXT_UNITS)
  const sentAt = readString(o, 'sentAt', 40)
  const author = readAuthor(o)
  if (seq === undefined || id === undefined || role === undefined || text === undefined || sentAt === undefined)
    return undefined
  if (author === null) return undefined
  const m: MessageFrame = { type: 'message', seq, id, role, text, sentAt, ...readRichContent(o) }
  if (author) m.author = author
  const clientMessageId = readId(o, 'clientMessageId', MAX_ID_LENGTH)
  if (clientMessageId !== undefined) m.clientMessageId = clientMessageId
  return m
}

function parseEvent(o: Fields): EventFrame | undefined {
  const kind = readOneOf(o, 'kind', EVENT_KINDS)
  const seq = readSeq(o, 'seq')
  const id = readId(o, 'id', 128)
  const at = readString(o, 'at', 40)
  const author = readAuthor(o)
  if (kind === undefined || seq === undefined || id === undefined || at === undefined || author === null)
    return undefined
  const e: EventFrame = { type: 'event', kind, seq, id, at }
  if (author) e.author = author
  return e
}

/** Parse a transcript entry (a `message` or `event`), e.g. from the HTTP history. */
export function parseTranscriptEntry(raw: unknown): TranscriptEntry | undefined {
  const o = asObject(raw)
  if (!o) return undefined
  const type = readString(o, 'type', 16)
  return type === 'message' ? parseMessage(o) : type === 'event' ? parseEvent(o) : undefined
}

/** Parse a frame from the BFF (the client's side of the socket). */
export function parseServerFrame(raw: unknown): Parsed<ServerFrame> {
  const d = decode(raw)
  if (!d.ok) return d
  const o = d.value
  const type = readString(o, 'type', 32)
  const bad = fail('bad_frame', `Malformed "${String(type)}" frame.`)
  switch (type) {
    case 'pong':
      return ok({ type })
    case 'reset': {
      const epoch = readField(o, 'epoch') === undefined ? undefined : readId(o, 'epoch')
      if (epoch === undefined && readField(o, 'epoch') !== undefined) return bad
      return ok(epoch ? { type, epoch } : { type })
    }
    case 'ready': {
      const guestId = readId(o, 'guestId')
      const conversationId = readId(o, 'conversationId')
      const epoch = readId(o, 'epoch')
      const lastSeq = readSeq(o, 'lastSeq')
      if (guestId === undefined || conversationId === undefined || epoch === undefined || lastSeq === undefined)
        return bad
      const heartbeatMs = readSeq(o, 'heartbeatMs')
      const ready: ReadyFrame = { type, guestId, conversationId, epoch, lastSeq }
      if (heartbeatMs !== undefined && heartbeatMs >= 100) ready.heartbeatMs = heartbeatMs
      return ok(ready)
    }
    case 'ack': {
      const clientMessageId = readId(o, 'clientMessageId', MAX_ID_LENGTH)
      const seq = readSeq(o, 'seq')
      return clientMessageId === undefined || seq === undefined ? bad : ok({ type, clientMessageId, seq })
    }
    case 'message': {
      const m = parseMessage(o)
      return m ? ok(m) : bad
    }
    case 'event': {
      const e = parseEvent(o)
      return e ? ok(e) : bad
    }
    case 'typing': {
      const role = readOneOf(o, 'role', ['agent', 'bot'] as const)
      const active = readBoolean(o, 'active')
      const author = readAuthor(o)
      if (role === undefined || active === undefined || author === null) return bad
      return ok(author ? { type, role, active, author } : { type, role, active })
    }
    case 'receipt': {
      const status = readOneOf(o, 'status', ['delivered', 'read'] as const)
      const upToSeq = readSeq(o, 'upToSeq')
      return status === undefined || upToSeq === undefined ? bad : ok({ type, status, upToSeq })
    }
    case 'error': {
      const code = readString(o, 'code', 64)
      const message = readString(o, 'message', 1000)
      if (code === undefined || message === undefined) return bad
      // unknown codes from a newer server are kept as "internal" so old widgets still show the message
      const known = readOneOf(o, 'code', [
        'bad_json',
        'bad_frame',
        'unknown_type',
        'binary_frame',
        'empty_message',
        'message_too_long',
        'rate_limited',
        'conversation_ended',
        'unauthorized',
        'upstream_unavailable',
        'unavailable',
        'upstream_error',
        'internal',
      ] as const)
      const frame: ServerFrame = { type, code: known ?? 'internal', message }
      const clientMessageId = readId(o, 'clientMessageId', MAX_ID_LENGTH)
      if (clientMessageId !== undefined) frame.clientMessageId = clientMessageId
      const retryAfterMs = readSeq(o, 'retryAfterMs')
      if (retryAfterMs !== undefined) frame.retryAfterMs = retryAfterMs
      return ok(frame)
    }
    default:
      return fail('unknown_type', 'Unknown frame type.')
  }
}
