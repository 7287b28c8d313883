/**
 * @module server/tokens
 * Parley's own guest credentials. The guest token is a short-lived HS256 JWT bound to one guest and one
 * conversation (audience `parley-socket`); the refresh token is an opaque random string, stored only as a
 * hash, that rotates on every use. Replaying a used refresh token revokes its whole family and the
 * guest itself: whoever holds a stolen token loses it, and open sockets close with 4003.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import type { ConversationStore, GuestRecord } from './stores/types'

export const GUEST_AUDIENCE = 'parley-socket'
const ISSUER = 'parley'
const REFRESH_TTL_MS = 24 * 60 * 60 * 1000

export interface GuestClaims {
  guestId: string
  conversationId: string
  /** seconds since the epoch */
  expiresAt: number
}

export type VerifyResult = { ok: true; claims: GuestClaims } | { ok: false; reason: 'expired' | 'invalid' | 'revoked' }

export interface IssuedTokens {
  guestToken: string
  refreshToken: string
  expiresAt: string
}

export interface TokenService {
  issue(guest: GuestRecord, family?: string): Promise<IssuedTokens>
  verify(token: string): Promise<VerifyResult>
  /** Rotate a refresh token: the old one stops working; a replay revokes the family. */
  rotate(refreshToken: string): Promise<{ ok: true; guest: GuestRecord; tokens: IssuedTokens } | { ok: false }>
  /** Log this device out: its refresh-token family stops working; other devices of the guest go on. */
  revoke(refreshToken: string): Promise<GuestRecord | undefined>
}

const hash = (token: string): string => createHash('sha256').update(token).digest('base64url')

/**
 * The family a refresh token belongs to, read from the token itself (`<family>.<secret>`), so refreshes can
 * be limited per family before the store is asked. Not a secret: it only names the chain.
 */
export function refreshFamily(refreshToken: string): string | undefined {
  const dot = refreshToken.indexOf('.')
  const family = dot > 0 ? refreshToken.slice(0, dot) : undefined
  return family && /^[A-Za-z0-9-]{1,64}$/.test(family) ? family : undefined
}

export function createTokenService(deps: { secret: Uint8Array; ttlSeconds: number; store: ConversationStore }): TokenService {
  const { secret, ttlSeconds, store } = deps

  async function issue(guest: GuestRecord, family: string = randomUUID()): Promise<IssuedTokens> {
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds
    const guestToken = await new SignJWT({ cid: guest.conversationId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(guest.guestId)
      .setAudience(GUEST_AUDIENCE)
      .setIssuer(ISSUER)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(secret)
    const refreshToken = `${family}.${randomBytes(32).toString('base64url')}`
    await store.putRefreshToken(hash(refreshToken), {
      guestId: guest.guestId,
      family,
      expiresAt: Date.now() + REFRESH_TTL_MS,
      used: false,
    })
    return { guestToken, refreshToken, expiresAt: new Date(exp * 1000).toISOString() }
  }

  async function verify(token: string): Promise<VerifyResult> {
    try {
      // algorithms pinned: `alg: none` and any other algorithm are refused by jose
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], audience: GUEST_AUDIENCE, issuer: ISSUER })
      const guestId = payload.sub
      const conversationId = payload.cid
      if (typeof guestId !== 'string' || typeof conversationId !== 'string' || typeof payload.exp !== 'number')
        return { ok: false, reason: 'invalid' }
      const guest = await store.getGuest(guestId)
      if (!guest || guest.revoked || guest.conversationId !== conversationId) return { ok: false, reason: 'revoked' }
      return { ok: true, claims: { guestId, conversationId, expiresAt: payload.exp } }
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' }
    }
  }

  async function rotate(refreshToken: string): Promise<{ ok: true; guest: GuestRecord; tokens: IssuedTokens } | { ok: false }> {
    const record = await store.useRefreshToken(hash(refreshToken))
    if (!record) return { ok: false }
    // a logged-out family (or one revoked before) stays dead without taking the guest's other devices along
    if (await store.isFamilyRevoked(record.family)) return { ok: false }
    if (record.used) {
      await store.revokeFamily(record.family)
      // the guest tokens issued from the family die too, not only the refresh tokens
      await store.revokeGuest(record.guestId)
      return { ok: false }
    }
    const guest = await store.getGuest(record.guestId)
    if (!guest || guest.revoked) return { ok: false }
    return { ok: true, guest, tokens: await issue(guest, record.family) }
  }

  async function revoke(refreshToken: string): Promise<GuestRecord | undefined> {
    const record = await store.useRefreshToken(hash(refreshToken))
    if (!record) return undefined
    await store.revokeFamily(record.family)
    return store.getGuest(record.guestId)
  }

  return { issue, verify, rotate, revoke }
}
