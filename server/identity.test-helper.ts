/**
 * Identity tokens as a host site's backend signs them (HS256 with a shared secret, or ES256 with the
 * host's own key whose public half is served as a JWKS on 127.0.0.1), for the BFF and abuse tests.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'

export const IDENTITY_SECRET = 'host-identity-secret-host-identity-secret'
export const IDENTITY_ISSUER = 'https://shop.example'
export const IDENTITY_AUDIENCE = 'parley'
/** The settings of a BFF that takes HS256 identities from the shop. */
export const HS256_ENV = { PARLEY_IDENTITY_SECRET: IDENTITY_SECRET, PARLEY_IDENTITY_ISSUER: IDENTITY_ISSUER, PARLEY_IDENTITY_AUDIENCE: IDENTITY_AUDIENCE }

export interface IdentityClaims {
  sub?: string
  name?: string
  email?: string
  attributes?: Record<string, unknown>
}

export interface SignOptions {
  /** Seconds from now; may be negative. @default 300 */
  expiresIn?: number
  /** `false`: no `exp` at all. */
  exp?: false
  iss?: string
  aud?: string
  alg?: string
  kid?: string
  /** @default the shared secret */
  key?: Uint8Array | CryptoKey
}

export function signIdentity(claims: IdentityClaims, o: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: o.alg ?? 'HS256', typ: 'JWT', ...(o.kid ? { kid: o.kid } : {}) })
    .setIssuer(o.iss ?? IDENTITY_ISSUER)
    .setAudience(o.aud ?? IDENTITY_AUDIENCE)
    .setIssuedAt()
  if (o.exp !== false) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (o.expiresIn ?? 300))
  return jwt.sign(o.key ?? new TextEncoder().encode(IDENTITY_SECRET))
}

/** An unsigned token (`alg: none`): what a forger sends when hoping the verifier skips the signature. */
export function unsignedIdentity(claims: IdentityClaims): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, iss: IDENTITY_ISSUER, aud: IDENTITY_AUDIENCE, iat: now, exp: now + 300 })}.`
}

export interface HostKeys {
  /** The JWKS URL (`PARLEY_IDENTITY_JWKS_URL`). */
  url: string
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
  /** Requests the JWKS endpoint has answered. */
  fetches(): number
  /** Answer 500 from now on (`true`) or serve the keys again. */
  setDown(down: boolean): void
  close(): Promise<void>
}

/** The host's ES256 key pair, its public key served as a JWKS on 127.0.0.1. */
export async function startHostKeys(): Promise<HostKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const kid = `k-${crypto.randomUUID().slice(0, 8)}`
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }
  let down = false
  let fetches = 0
  const server: Server = createServer((_req, res) => {
    fetches++
    if (down) return void res.writeHead(500).end()
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    kid,
    privateKey,
    publicJwk,
    fetches: () => fetches,
    setDown: (d) => void (down = d),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
