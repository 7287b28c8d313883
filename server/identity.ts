/**
 * @module server/identity
 * Verifies the identity token a host site's backend signs for its signed-in visitor (docs/identity.md).
 * Fails closed: a token that is forged, expired, too long-lived, from another issuer or for another
 * audience, or signed with an algorithm other than the pinned ones, is refused; so is every token while the
 * host's keys cannot be fetched. jose does the cryptography and the remote key set (cached, rate-limited
 * refetch on an unknown `kid`).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { isAttributeName, isEmail, MAX_ATTRIBUTE_VALUE, MAX_DISPLAY_NAME, MAX_EMAIL } from '../src/protocol'
import type { IdentityConfig } from './identity-config'
import type { VerifiedIdentity } from './stores/types'

/** The longest an identity token may live: a leaked one is worth little. */
export const MAX_IDENTITY_LIFETIME_S = 600
/** Clocks of the host and the BFF may differ by this much. */
const CLOCK_TOLERANCE_S = 30
const MAX_SUB = 256
const MAX_ATTRIBUTES = 50
/** HS256 with the shared secret; never an HMAC algorithm with a public key set (no key confusion). */
const SECRET_ALGORITHMS = ['HS256']
const KEY_SET_ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA']

export type IdentityFailure =
  /** Bad signature, wrong algorithm, issuer, audience, claims or lifetime: 401. */
  | 'invalid'
  | 'expired'
  /** The host's keys could not be fetched: refused too (503, try again). */
  | 'unavailable'

export type IdentityResult = { ok: true; identity: VerifiedIdentity } | { ok: false; reason: IdentityFailure }

export interface IdentityVerifier {
  verify(token: string): Promise<IdentityResult>
}

/** The verified claims, or undefined when one of them is not what docs/identity.md describes. */
function readClaims(payload: JWTPayload, now: number): VerifiedIdentity | undefined {
  const { sub, exp, name, email, attributes } = payload
  if (typeof sub !== 'string' || !sub || sub.length > MAX_SUB || /[\u0000-\u001f]/.test(sub)) return undefined
  if (typeof exp !== 'number' || exp - now > MAX_IDENTITY_LIFETIME_S + CLOCK_TOLERANCE_S) return undefined
  if (typeof payload.iat === 'number' && exp - payload.iat > MAX_IDENTITY_LIFETIME_S) return undefined
  const identity: VerifiedIdentity = { sub, verifiedAt: new Date(now * 1000).toISOString() }
  if (name !== undefined) {
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_DISPLAY_NAME) return undefined
    identity.name = name.trim()
  }
  if (email !== undefined) {
    if (typeof email !== 'string' || email.length > MAX_EMAIL || !isEmail(email)) return undefined
    identity.email = email.trim()
  }
  if (attributes !== undefined) {
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return undefined
    const entries = Object.entries(attributes)
    if (entries.length > MAX_ATTRIBUTES) return undefined
    const out: Record<string, string> = {}
    for (const [k, v] of entries) {
      if (!isAttributeName(k) || typeof v !== 'string' || v.length > MAX_ATTRIBUTE_VALUE) return undefined
      out[k] = v
    }
    if (entries.length) identity.attributes = out
  }
  return identity
}

function failure(err: unknown): IdentityFailure {
  if (err instanceof errors.JWTExpired) return 'expired'
  // the key set could not be had (network, timeout, a non-200 answer, not a JWKS): fail closed, but say
  // it is not the token; jose reports a bad answer with its generic error class, a bad token with a subclass
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return 'unavailable'
  if (err instanceof errors.JOSEError) return err.code === errors.JOSEError.code ? 'unavailable' : 'invalid'
  return 'unavailable'
}

export function createIdentityVerifier(config: IdentityConfig, options: { fetchTimeoutMs?: number } = {}): IdentityVerifier {
  const keySet: JWTVerifyGetKey | undefined = config.jwksUrl
    ? createRemoteJWKSet(config.jwksUrl, { timeoutDuration: options.fetchTimeoutMs ?? 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
    : undefined
  const verifyOptions = {
    algorithms: keySet ? KEY_SET_ALGORITHMS : SECRET_ALGORITHMS,
    requiredClaims: ['sub', 'exp'],
    clockTolerance: CLOCK_TOLERANCE_S,
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  }
  async function verify(token: string): Promise<IdentityResult> {
    try {
      const { payload } = keySet
        ? await jwtVerify(token, keySet, verifyOptions)
        : config.secret
          ? await jwtVerify(token, config.secret, verifyOptions)
          : { payload: undefined }
      const identity = payload && readClaims(payload, Math.floor(Date.now() / 1000))
      return identity ? { ok: true, identity } : { ok: false, reason: 'invalid' }
    } catch (err) {
      return { ok: false, reason: failure(err) }
    }
  }
  return { verify }
}
