/**
 * @module server/upstreams/genesys/frames
 * Genesys Web Messaging guest frames (PROTOCOL.md §3.2–3.6), read from untrusted text into a
 * discriminated union. Parsing is lenient where Genesys' own SDK is (unknown keys are ignored, an unknown
 * `class` is kept as `unknown` so it can be logged) and strict where a wrong type would mislead us.
 */
import { asObject, parseJson, readBoolean, readField, readString, type Fields } from '../../../src/protocol/read'

/** Fixed tracingId of Genesys' health check (base64 of "HealthCheckMessageId"), so our echo is recognisable. */
export const HEALTH_CHECK_ID = 'SGVhbHRoQ2hlY2tNZXNzYWdlSWQ='

export interface SessionInfo {
  connected: boolean
  newSession: boolean
  readOnly: boolean
  clearedExistingSession: boolean
  maxCustomDataBytes?: number
  allowedMedia?: { fileTypes: string[]; maxFileSizeKB?: number }
  blockedExtensions: string[]
  durationSeconds?: number
  /** Epoch seconds. */
  expirationDate?: number
}

export interface Participant {
  name?: string
  image?: string
}

export type Content =
  | { kind: 'Attachment'; id?: string; url?: string; filename?: string; mime?: string; mediaType?: string; fileSize?: number }
  | { kind: 'QuickReply'; text: string; payload: string }
  | { kind: 'ButtonResponse'; text: string; payload: string }
  | { kind: 'Card'; card: Card }
  | { kind: 'Carousel'; cards: Card[] }
  | { kind: 'DatePicker'; title?: string; subtitle?: string; times: { dateTime: string; duration?: number }[] }
  | { kind: 'Unknown'; contentType: string }

export interface Card {
  title: string
  description?: string
  image?: string
  actions: { type: string; text: string; url?: string; payload?: string }[]
}

export type GenesysEvent =
  | { kind: 'Typing'; on: boolean; durationMs?: number }
  | { kind: 'Presence'; presence: string }
  | { kind: 'Unknown'; eventType: string }

export interface StructuredMessage {
  id: string
  type: string
  text?: string
  direction: 'Inbound' | 'Outbound'
  /** `channel.time`, ISO 8601; absent or null on some history entries. */
  time?: string
  from?: Participant
  originatingEntity?: string
  content: Content[]
  events: GenesysEvent[]
  metadata: Record<string, string>
}

export type GenesysFrame =
  | { class: 'SessionResponse'; tracingId?: string; body: SessionInfo }
  | { class: 'StructuredMessage'; tracingId?: string; body: StructuredMessage }
  | { class: 'JwtResponse'; tracingId?: string; jwt: string; exp: number }
  | { class: 'PresignedUrlResponse'; tracingId?: string; attachmentId: string; url: string; headers: Record<string, string> }
  | { class: 'UploadSuccessEvent'; attachmentId: string; downloadUrl?: string }
  | { class: 'UploadFailureEvent' | 'GenerateUrlError'; attachmentId: string; errorCode: number; errorMessage: string }
  | { class: 'AttachmentDeletedResponse'; attachmentId: string }
  | { class: 'TooManyRequests'; tracingId?: string; code: number; retryAfterSeconds: number; errorMessage: string }
  | { class: 'SessionExpiredEvent' | 'SessionClearedEvent' | 'LogoutEvent' }
  | { class: 'ConnectionClosedEvent'; reason?: string }
  /** `class:"string"` with code 200: a plain success answer (Genesys answers Presence Clear with one). */
  | { class: 'Ack'; tracingId?: string; message: string }
  /** `class:"string"` with a non-200 code, or `class:"Error"`: a refused request (§3.7). Genesys sends no tracingId on these. */
  | { class: 'Error'; tracingId?: string; code: number; message: string }
  /** A class this connector does not act on (GetConfigurationResponse, ResumeTokenResponse, a new one). */
  | { class: 'Unknown'; name: string }

export type ParsedGenesys = { ok: true; frame: GenesysFrame } | { ok: false; reason: string }

const MAX_FRAME_TEXT = 1024 * 1024

export function parseGenesysFrame(text: string): ParsedGenesys {
  if (text.length > MAX_FRAME_TEXT) return { ok: false, reason: 'frame too large' }
  const json = parseJson(text, 32)
  const o = json.ok ? asObject(json.value) : undefined
  if (!o) return { ok: false, reason: 'not a JSON object' }
  const cls = readString(o, 'class', 100)
  const code = readNumber(o, 'code')
  if (cls === undefined || code === undefined) return { ok: false, reason: 'missing class or code' }
  const tracingId = readString(o, 'tracingId', 200)
  const withTracing = <T extends object>(f: T): T & { tracingId?: string } => (tracingId === undefined ? f : { ...f, tracingId })
  const rawBody = readField(o, 'body')
  const body = asObject(rawBody) ?? {}

  if (cls === 'string' || cls === 'Error') {
    const message = typeof rawBody === 'string' ? rawBody : (readString(body, 'errorMessage') ?? readString(body, 'message') ?? '')
    const errorCode = readNumber(body, 'errorCode')
    if (code === 200 && !errorCode) return { ok: true, frame: withTracing({ class: 'Ack' as const, message: message.slice(0, 1000) }) }
    return { ok: true, frame: withTracing({ class: 'Error' as const, code: code === 200 && errorCode ? errorCode : code, message: message.slice(0, 1000) }) }
  }
  if (code !== 200 && cls !== 'TooManyRequestsErrorMessage')
    return { ok: true, frame: withTracing({ class: 'Error' as const, code, message: readString(body, 'errorMessage', 1000) ?? '' }) }

  switch (cls) {
    case 'SessionResponse':
      return { ok: true, frame: withTracing({ class: cls, body: sessionInfo(body) }) }
    case 'StructuredMessage': {
      const message = structuredMessage(body)
      return message ? { ok: true, frame: withTracing({ class: cls, body: message }) } : { ok: false, reason: 'StructuredMessage without id or direction' }
    }
    case 'JwtResponse': {
      const jwt = readString(body, 'jwt', 16_384)
      const exp = readNumber(body, 'exp')
      return jwt && exp !== undefined ? { ok: true, frame: withTracing({ class: cls, jwt, exp }) } : { ok: false, reason: 'JwtResponse without jwt or exp' }
    }
    case 'PresignedUrlResponse': {
      const attachmentId = readString(body, 'attachmentId', 200)
      const url = readString(body, 'url', 8192)
      const headers = stringMap(readField(body, 'headers'))
      return attachmentId && url && httpUrl(url)
        ? { ok: true, frame: withTracing({ class: cls, attachmentId, url, headers }) }
        : { ok: false, reason: 'PresignedUrlResponse without attachmentId or an http(s) url' }
    }
    case 'UploadSuccessEvent': {
      const attachmentId = readString(body, 'attachmentId', 200)
      const downloadUrl = readString(body, 'downloadUrl', 8192)
      if (!attachmentId) return { ok: false, reason: 'UploadSuccessEvent without attachmentId' }
      return { ok: true, frame: downloadUrl ? { class: cls, attachmentId, downloadUrl } : { class: cls, attachmentId } }
    }
    case 'UploadFailureEvent':
    case 'GenerateUrlError': {
      const attachmentId = readString(body, 'attachmentId', 200) ?? ''
      return { ok: true, frame: { class: cls, attachmentId, errorCode: readNumber(body, 'errorCode') ?? 0, errorMessage: readString(body, 'errorMessage', 1000) ?? '' } }
    }
    case 'AttachmentDeletedResponse':
      return { ok: true, frame: { class: cls, attachmentId: readString(body, 'attachmentId', 200) ?? '' } }
    case 'TooManyRequestsErrorMessage':
      return {
        ok: true,
        frame: withTracing({
          class: 'TooManyRequests' as const,
          code,
          retryAfterSeconds: Math.min(3600, Math.max(0, readNumber(body, 'retryAfter') ?? 1)),
          errorMessage: readString(body, 'errorMessage', 1000) ?? '',
        }),
      }
    case 'SessionExpiredEvent':
    case 'SessionClearedEvent':
    case 'LogoutEvent':
      return { ok: true, frame: { class: cls } }
    case 'ConnectionClosedEvent': {
      // the SDK reads `reason`, the schema names it `reasonCode` (PROTOCOL.md §7)
      const reason = readString(body, 'reason', 100) ?? readString(body, 'reasonCode', 100)
      return { ok: true, frame: reason ? { class: cls, reason } : { class: cls } }
    }
    default:
      return { ok: true, frame: { class: 'Unknown', name: cls } }
  }
}

function sessionInfo(b: Fields): SessionInfo {
  const info: SessionInfo = {
    connected: readBoolean(b, 'connected') ?? false,
    newSession: readBoolean(b, 'newSession') ?? false,
    readOnly: readBoolean(b, 'readOnly') ?? false,
    clearedExistingSession: readBoolean(b, 'clearedExistingSession') ?? false,
    blockedExtensions: stringList(readField(b, 'blockedExtensions')),
  }
  const maxCustomDataBytes = readNumber(b, 'maxCustomDataBytes')
  if (maxCustomDataBytes !== undefined) info.maxCustomDataBytes = maxCustomDataBytes
  const durationSeconds = readNumber(b, 'durationSeconds')
  if (durationSeconds !== undefined) info.durationSeconds = durationSeconds
  const expirationDate = readNumber(b, 'expirationDate')
  if (expirationDate !== undefined) info.expirationDate = expirationDate
  const inbound = asObject(readField(asObject(readField(b, 'allowedMedia')) ?? {}, 'inbound'))
  if (inbound) {
    const types = readField(inbound, 'fileTypes')
    const fileTypes = Array.isArray(types) ? types.flatMap((t) => readString(asObject(t) ?? {}, 'type', 200) ?? []) : []
    const maxFileSizeKB = readNumber(inbound, 'maxFileSizeKB')
    info.allowedMedia = maxFileSizeKB === undefined ? { fileTypes } : { fileTypes, maxFileSizeKB }
  }
  return info
}

/** A StructuredMessage body, as pushed on the socket or listed by the history endpoint. */
export function structuredMessage(b: Fields): StructuredMessage | undefined {
  const id = readString(b, 'id', 200)
  const direction = b.direction === 'Inbound' || b.direction === 'Outbound' ? b.direction : undefined
  if (!id || !direction) return undefined
  const channel = asObject(readField(b, 'channel')) ?? {}
  const message: StructuredMessage = {
    id,
    type: readString(b, 'type', 50) ?? 'Text',
    direction,
    content: list(readField(b, 'content'), content),
    events: list(readField(b, 'events'), genesysEvent),
    metadata: stringMap(readField(b, 'metadata')),
  }
  const text = readString(b, 'text', 100_000)
  if (text !== undefined) message.text = text
  const time = readString(channel, 'time', 64)
  if (time !== undefined && !Number.isNaN(Date.parse(time))) message.time = time
  const from = participant(asObject(readField(channel, 'from')))
  if (from) message.from = from
  const entity = readString(b, 'originatingEntity', 50)
  if (entity) message.originatingEntity = entity
  return message
}

function participant(o: Fields | undefined): Participant | undefined {
  if (!o) return undefined
  const nickname = readString(o, 'nickname', 200)?.trim()
  const full = [readString(o, 'firstName', 100), readString(o, 'lastName', 100)].filter(Boolean).join(' ').trim()
  const name = nickname || full || undefined
  const image = readString(o, 'image', 2048)
  const p: Participant = {}
  if (name) p.name = name
  if (image && httpUrl(image)) p.image = image
  return p.name || p.image ? p : undefined
}

function content(x: unknown): Content | undefined {
  const o = asObject(x)
  const kind = o && readString(o, 'contentType', 50)
  if (!o || !kind) return undefined
  const inner = (key: string): Fields => asObject(readField(o, key)) ?? {}
  switch (kind) {
    case 'Attachment': {
      const a = inner('attachment')
      const item: Content = { kind }
      const id = readString(a, 'id', 200)
      const url = readString(a, 'url', 8192)
      const filename = readString(a, 'filename', 500)
      const mime = readString(a, 'mime', 200)
      const mediaType = readString(a, 'mediaType', 50)
      if (id) item.id = id
      if (url && httpUrl(url)) item.url = url
      if (filename) item.filename = filename
      if (mime) item.mime = mime
      if (mediaType) item.mediaType = mediaType
      const fileSize = readField(a, 'fileSize')
      if (typeof fileSize === 'number' && Number.isSafeInteger(fileSize) && fileSize >= 0) item.fileSize = fileSize
      return item
    }
    case 'QuickReply':
    case 'ButtonResponse': {
      const q = inner(kind === 'QuickReply' ? 'quickReply' : 'buttonResponse')
      const text = readString(q, 'text', 1000) ?? ''
      return { kind, text, payload: readString(q, 'payload', 2000) ?? text }
    }
    case 'Card':
      return { kind, card: card(inner('card')) }
    case 'Carousel':
      return { kind, cards: list(readField(inner('carousel'), 'cards'), (c) => card(asObject(c) ?? {})) }
    case 'DatePicker': {
      const d = inner('datePicker')
      const item: Content = {
        kind,
        times: list(readField(d, 'availableTimes'), (t) => {
          const to = asObject(t)
          const dateTime = to && readString(to, 'dateTime', 64)
          if (!to || !dateTime) return undefined
          const duration = readNumber(to, 'duration')
          return duration === undefined ? { dateTime } : { dateTime, duration }
        }),
      }
      const title = readString(d, 'title', 500)
      const subtitle = readString(d, 'subtitle', 500)
      if (title) item.title = title
      if (subtitle) item.subtitle = subtitle
      return item
    }
    default:
      return { kind: 'Unknown', contentType: kind.slice(0, 50) }
  }
}

function card(o: Fields): Card {
  const c: Card = {
    title: readString(o, 'title', 500) ?? '',
    actions: list(readField(o, 'actions'), (x) => {
      const a = asObject(x)
      if (!a) return undefined
      const action: Card['actions'][number] = { type: readString(a, 'type', 50) ?? 'Postback', text: readString(a, 'text', 500) ?? '' }
      const url = readString(a, 'url', 2048)
      const payload = readString(a, 'payload', 2000)
      if (url && httpUrl(url)) action.url = url
      if (payload) action.payload = payload
      return action
    }),
  }
  const description = readString(o, 'description', 2000)
  const image = readString(o, 'image', 2048)
  if (description) c.description = description
  if (image && httpUrl(image)) c.image = image
  return c
}

function genesysEvent(x: unknown): GenesysEvent | undefined {
  const o = asObject(x)
  const eventType = o && readString(o, 'eventType', 50)
  if (!o || !eventType) return undefined
  if (eventType === 'Typing') {
    const t = asObject(readField(o, 'typing')) ?? {}
    const durationMs = readNumber(t, 'duration')
    // the schema knows only "On"; anything else means stop (PROTOCOL.md §3.6)
    const on = readString(t, 'type', 20) === 'On'
    return durationMs === undefined ? { kind: 'Typing', on } : { kind: 'Typing', on, durationMs }
  }
  if (eventType === 'Presence') {
    const presence = readString(asObject(readField(o, 'presence')) ?? {}, 'type', 50)
    return presence ? { kind: 'Presence', presence } : undefined
  }
  return { kind: 'Unknown', eventType: eventType.slice(0, 50) }
}

function readNumber(o: Fields, key: string): number | undefined {
  const v = readField(o, key)
  // durations and dates arrive as strings in echo metadata and some SDK fixtures
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

function stringMap(x: unknown): Record<string, string> {
  const o = asObject(x)
  // no prototype: a key such as `__proto__` from the vendor stays plain data
  const out: Record<string, string> = Object.create(null) as Record<string, string>
  if (!o) return out
  for (const key of Object.keys(o).slice(0, 100)) {
    const v = readString(o, key, 4096)
    if (v !== undefined) out[key] = v
  }
  return out
}

function stringList(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string').slice(0, 500) : []
}

function list<T>(x: unknown, read: (item: unknown) => T | undefined): T[] {
  if (!Array.isArray(x)) return []
  const out: T[] = []
  for (const item of x.slice(0, 200)) {
    const v = read(item)
    if (v !== undefined) out.push(v)
  }
  return out
}

export function httpUrl(value: string): boolean {
  try {
    const u = new URL(value)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    return false
  }
}
