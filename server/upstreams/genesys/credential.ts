/**
 * @module server/upstreams/genesys/credential
 * What the BFF keeps about a conversation's Genesys session (`ConversationRecord.upstreamSession`): the
 * session token, which is a credential (anyone holding it can join the session), and the separate random
 * Journey customer id sent in its place.
 */
import { randomUUID } from 'node:crypto'
import { asObject, parseJson, readBoolean, readField, readString } from '../../../src/protocol/read'
import type { GenesysAuth } from './auth'

export interface SessionCredential {
  token: string
  customerId: string
  /** The next configure starts a new conversation on this token (a new chat after read-only). */
  startNew?: true
  /** An authenticated session (the visitor signed in): configured with this JWT, refreshed with its token. */
  auth?: GenesysAuth
}

export function newCredential(): SessionCredential {
  return { token: randomUUID(), customerId: randomUUID() }
}

export function encodeCredential(c: SessionCredential): string {
  return JSON.stringify({ token: c.token, customerId: c.customerId, ...(c.startNew ? { startNew: true } : {}), ...(c.auth ? { auth: c.auth } : {}) })
}

/**
 * The stored form; a bare token (kept by earlier versions) gets a fresh customer id, and `upgraded` says
 * the record should be written again.
 */
export function decodeCredential(stored: string): { credential: SessionCredential; upgraded: boolean } | undefined {
  const parsed = stored.startsWith('{') ? parseJson(stored, 4) : undefined
  const o = parsed?.ok ? asObject(parsed.value) : undefined
  if (o) {
    const token = readString(o, 'token', 2048)
    const customerId = readString(o, 'customerId', 200)
    if (!token || !customerId) return undefined
    const credential: SessionCredential = readBoolean(o, 'startNew') === true ? { token, customerId, startNew: true } : { token, customerId }
    const a = asObject(readField(o, 'auth'))
    const jwt = a && readString(a, 'jwt', 8192)
    const refreshToken = a && readString(a, 'refreshToken', 8192)
    if (jwt && refreshToken) credential.auth = { jwt, refreshToken }
    return { credential, upgraded: false }
  }
  return stored ? { credential: { token: stored, customerId: randomUUID() }, upgraded: true } : undefined
}
