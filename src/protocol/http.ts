/**
 * @module protocol/http
 * Bodies of the BFF's HTTP routes (DESIGN.md §4), with parsers for both directions.
 */
import type { TranscriptEntry } from './frames'
import { isEmail } from './feedback'
import { isAttributeName, MAX_DISPLAY_NAME, MAX_EMAIL, MAX_ATTRIBUTE_VALUE } from './limits'
import { parseTranscriptEntry } from './parse'
import { asObject, readBoolean, readField, readId, readString } from './read'

/** `POST /api/guest-sessions` body. */
export interface CreateGuestSessionBody {
  displayName?: string
  email?: string
  attributes?: Record<string, string>
  /** A short-lived JWT signed by the host site's backend: who the visitor is (docs/identity.md). */
  identityToken?: string
  /** Genesys authenticated messaging: the visitor's OIDC login, which the BFF exchanges for a Genesys JWT (docs/identity.md). */
  genesysLogin?: GenesysLogin
}

/** What the site hands over after its visitor signed in with the identity provider Genesys trusts. */
export type GenesysLogin = { code: string; redirectUri: string; codeVerifier?: string } | { idToken: string; nonce: string }

/** A login from an untrusted body; undefined when it is not one. */
export function readGenesysLogin(raw: unknown): GenesysLogin | undefined {
  const o = asObject(raw)
  if (!o) return undefined
  const code = readString(o, 'code', 2048)
  const redirectUri = readString(o, 'redirectUri', 2048)
  if (code && redirectUri) {
    if (!/^https?:\/\//.test(redirectUri)) return undefined
    if (readField(o, 'codeVerifier') === undefined) return { code, redirectUri }
    // RFC 7636: 43-128 unreserved characters
    const codeVerifier = readString(o, 'codeVerifier', 128)
    return codeVerifier && /^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier) ? { code, redirectUri, codeVerifier } : undefined
  }
  const idToken = readToken(o, 'idToken')
  const nonce = readString(o, 'nonce', 512)
  return idToken && nonce ? { idToken, nonce } : undefined
}

/** `POST /api/guest-sessions/refresh` body; `identityToken` signs an anonymous guest in, in place. */
export interface RefreshBody {
  refreshToken: string
  identityToken?: string
}

/** `201` answer of `POST /api/guest-sessions`. */
export interface GuestSession {
  guestId: string
  conversationId: string
  guestToken: string
  refreshToken: string
  /** ISO 8601 expiry of `guestToken` */
  expiresAt: string
  socketUrl: string
}

/** `POST /api/guest-sessions/refresh` answer. */
export type RefreshedTokens = Pick<GuestSession, 'guestToken' | 'refreshToken' | 'expiresAt'>

/** `GET /api/guest-sessions/current/messages` answer. */
export interface MessagesPage {
  messages: TranscriptEntry[]
  hasMore: boolean
}

export type BodyResult<T> = { ok: true; value: T } | { ok: false; message: string }

const MAX_ATTRIBUTES = 50
const TOKEN_PATTERN = /^[A-Za-z0-9._~-]+$/

function readToken(o: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = readString(o, key, 4096)
  return v !== undefined && TOKEN_PATTERN.test(v) ? v : undefined
}

/** Validate the body of `POST /api/guest-sessions` (an absent body is an empty one). */
export function parseCreateGuestSessionBody(raw: unknown): BodyResult<CreateGuestSessionBody> {
  if (raw === undefined || raw === null) return { ok: true, value: {} }
  const o = asObject(raw)
  if (!o) return { ok: false, message: 'The body must be a JSON object.' }
  const body: CreateGuestSessionBody = {}
  if (readField(o, 'displayName') !== undefined) {
    const v = readString(o, 'displayName', MAX_DISPLAY_NAME)
    if (v === undefined) return { ok: false, message: `"displayName" must be a string of at most ${MAX_DISPLAY_NAME} characters.` }
    body.displayName = v.trim()
  }
  if (readField(o, 'email') !== undefined) {
    const v = readString(o, 'email', MAX_EMAIL)
    if (v === undefined || !isEmail(v))
      return { ok: false, message: '"email" must be an e-mail address.' }
    body.email = v
  }
  const rawAttributes = readField(o, 'attributes')
  if (rawAttributes !== undefined) {
    const a = asObject(rawAttributes)
    if (!a) return { ok: false, message: '"attributes" must be an object of strings.' }
    const keys = Object.keys(a)
    if (keys.length > MAX_ATTRIBUTES) return { ok: false, message: `At most ${MAX_ATTRIBUTES} attributes.` }
    const attributes: Record<string, string> = Object.create(null) as Record<string, string>
    for (const key of keys) {
      const v = readString(a, key, MAX_ATTRIBUTE_VALUE)
      if (!isAttributeName(key) || v === undefined)
        return { ok: false, message: `Attribute names are 1-64 letters, digits, "_", "." or "-"; values are strings of at most ${MAX_ATTRIBUTE_VALUE} characters.` }
      attributes[key] = v
    }
    body.attributes = { ...attributes }
  }
  if (readField(o, 'identityToken') !== undefined) {
    const v = readToken(o, 'identityToken')
    if (v === undefined) return { ok: false, message: '"identityToken" must be a JWT (at most 4096 characters).' }
    body.identityToken = v
  }
  if (readField(o, 'genesysLogin') !== undefined) {
    const login = readGenesysLogin(readField(o, 'genesysLogin'))
    if (!login) return { ok: false, message: '"genesysLogin" must be {code, redirectUri, codeVerifier?} or {idToken, nonce}.' }
    body.genesysLogin = login
  }
  return { ok: true, value: body }
}

/** Validate the body of `POST /api/guest-sessions/refresh`. */
export function parseRefreshBody(raw: unknown): BodyResult<RefreshBody> {
  const o = asObject(raw)
  const refreshToken = o && readToken(o, 'refreshToken')
  if (!o || !refreshToken) return { ok: false, message: 'The body needs a "refreshToken".' }
  if (readField(o, 'identityToken') === undefined) return { ok: true, value: { refreshToken } }
  const identityToken = readToken(o, 'identityToken')
  return identityToken ? { ok: true, value: { refreshToken, identityToken } } : { ok: false, message: '"identityToken" must be a JWT (at most 4096 characters).' }
}

/** Validate the BFF's answer to a guest-session creation (the widget's side). */
export function parseGuestSession(raw: unknown): GuestSession | undefined {
  const o = asObject(raw)
  if (!o) return undefined
  const guestId = readId(o, 'guestId')
  const conversationId = readId(o, 'conversationId')
  const guestToken = readToken(o, 'guestToken')
  const refreshToken = readToken(o, 'refreshToken')
  const expiresAt = readString(o, 'expiresAt', 40)
  const socketUrl = readString(o, 'socketUrl', 2000)
  if (!guestId || !conversationId || !guestToken || !refreshToken || !expiresAt || !socketUrl) return undefined
  if (Number.isNaN(Date.parse(expiresAt))) return undefined
  return { guestId, conversationId, guestToken, refreshToken, expiresAt, socketUrl }
}

/** Validate the BFF's answer to a token refresh. */
export function parseRefreshedTokens(raw: unknown): RefreshedTokens | undefined {
  const o = asObject(raw)
  if (!o) return undefined
  const guestToken = readToken(o, 'guestToken')
  const refreshToken = readToken(o, 'refreshToken')
  const expiresAt = readString(o, 'expiresAt', 40)
  if (!guestToken || !refreshToken || !expiresAt || Number.isNaN(Date.parse(expiresAt))) return undefined
  return { guestToken, refreshToken, expiresAt }
}

/** Validate a page of history. Entries that do not parse are dropped, not trusted. */
export function parseMessagesPage(raw: unknown): MessagesPage | undefined {
  const o = asObject(raw)
  const list = o && readField(o, 'messages')
  const hasMore = o && readBoolean(o, 'hasMore')
  if (!Array.isArray(list) || hasMore === undefined) return undefined
  const messages: TranscriptEntry[] = []
  for (const item of list) {
    const entry = parseTranscriptEntry(item)
    if (entry) messages.push(entry)
  }
  return { messages, hasMore }
}

/** Validate `?before=&limit=` of the history route. */
export function parseHistoryQuery(raw: unknown): BodyResult<{ before?: number; limit: number }> {
  const o = asObject(raw) ?? {}
  const num = (key: string): number | undefined | null => {
    const v = readString(o, key, 16)
    if (v === undefined) return undefined
    return /^\d+$/.test(v) ? Number(v) : null
  }
  const before = num('before')
  const limit = num('limit')
  if (before === null || limit === null) return { ok: false, message: '"before" and "limit" must be whole numbers.' }
  const value: { before?: number; limit: number } = { limit: Math.min(Math.max(limit ?? 50, 1), 200) }
  if (before !== undefined) value.before = before
  return { ok: true, value }
}

/** A parsed problem+json body's code, for clients that want to branch on it. */
export function readProblemCode(raw: unknown): string | undefined {
  const o = asObject(raw)
  return o ? readString(o, 'code', 64) : undefined
}

/** The human-readable `detail` of a problem body, e.g. why a file was refused. */
export function readProblemDetail(raw: unknown): string | undefined {
  const o = asObject(raw)
  return o ? readString(o, 'detail', 500) : undefined
}

/** `201` answer of `POST /api/guest-sessions/current/attachments`. */
export function readAttachmentId(raw: unknown): string | undefined {
  const o = asObject(raw)
  return o ? readId(o, 'attachmentId', 64) : undefined
}
