/**
 * The simulator's authenticated messaging (PROTOCOL.md §3.16), as Genesys does it: the site's OIDC
 * authorization code is exchanged at the identity provider Genesys is configured with (here a real
 * `oidc-provider` on 127.0.0.1, its id token verified against the provider's keys), then a Genesys JWT and
 * refresh token are issued; `configureAuthenticatedSession` takes the JWT (401 once expired or revoked),
 * `token/refresh` issues a new one, and `token/revoke` sends the sessions configured with it a LogoutEvent.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { asObject, parseJson, readField, readString } from '../../src/protocol/read'

/** The identity provider Genesys trusts (its "Authenticated Web Messaging" integration). */
export interface SimIdentityProvider {
  issuer: string
  tokenEndpoint: string
  jwksUri: string
  clientId: string
  clientSecret: string
}

interface IssuedJwt {
  sub: string
  expiresAt: number
  revoked: boolean
}

export class SimAuth {
  /** JWT → who it is for and until when. */
  readonly jwts = new Map<string, IssuedJwt>()
  private readonly refreshTokens = new Map<string, string>()
  /** Session token → the JWT it was configured with. */
  readonly configuredWith = new Map<string, string>()
  /** REST calls taken: `exchange`, `refresh`, `revoke`. */
  readonly calls: string[] = []
  jwtTtlMs = 15 * 60_000
  /** Answer every refresh with 401 (the refresh token expired, 24 h). */
  refuseRefresh = false

  constructor(
    private readonly idp: SimIdentityProvider | undefined,
    private readonly deploymentId: string,
    private readonly deliver: (token: string, frame: object) => void,
  ) {}

  /** Every JWT issued so far is expired from now on (the next configure with one gets 401). */
  expireAll(): void {
    for (const j of this.jwts.values()) j.expiresAt = 0
  }

  /** `configureAuthenticatedSession`: the JWT's subject, or undefined (→ 401) when it is unknown, expired or revoked. */
  check(jwt: string | undefined, token: string): string | undefined {
    const j = jwt === undefined ? undefined : this.jwts.get(jwt)
    if (!jwt || !j || j.revoked || j.expiresAt <= Date.now()) return undefined
    this.configuredWith.set(token, jwt)
    return j.sub
  }

  /** The REST routes; false when the request is not one of them. */
  async handle(req: IncomingMessage, path: string, json: (status: number, body: unknown) => void): Promise<boolean> {
    if (path === '/api/v2/webdeployments/token/oauthcodegrantjwtexchange' && req.method === 'POST') {
      this.calls.push('exchange')
      const body = asObject(await readBody(req))
      const oauth = body && asObject(readField(body, 'oauth'))
      if (!body || readString(body, 'deploymentId') !== this.deploymentId || !oauth) return json(400, { message: 'Bad request' }), true
      const sub = await this.exchange(oauth)
      return sub ? json(200, this.issue(sub)) : json(401, { message: 'Unauthorized' }), true
    }
    if (path === '/api/v2/webdeployments/token/refresh' && req.method === 'POST') {
      this.calls.push('refresh')
      const body = asObject(await readBody(req))
      const refresh = body && readString(body, 'refreshToken')
      const sub = refresh ? this.refreshTokens.get(refresh) : undefined
      if (!refresh || !sub || this.refuseRefresh) return json(401, { message: 'Unauthorized' }), true
      this.refreshTokens.delete(refresh)
      return json(200, this.issue(sub)), true
    }
    if (path === '/api/v2/webdeployments/token/revoke' && req.method === 'DELETE') {
      this.calls.push('revoke')
      const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
      const j = bearer ? this.jwts.get(bearer) : undefined
      if (!bearer || !j) return json(401, { message: 'Unauthorized' }), true
      j.revoked = true
      for (const [token, jwt] of this.configuredWith) if (jwt === bearer) this.deliver(token, { type: 'message', class: 'LogoutEvent', code: 200, body: {} })
      return json(204, undefined), true
    }
    return false
  }

  /** Genesys redeems the code at the provider with its own client credentials, and reads `sub` from the id token. */
  private async exchange(oauth: Readonly<Record<string, unknown>>): Promise<string | undefined> {
    const idp = this.idp
    const code = readString(oauth, 'code')
    const redirectUri = readString(oauth, 'redirectUri')
    if (!idp || !code || !redirectUri) return undefined
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri })
    const verifier = readString(oauth, 'codeVerifier')
    if (verifier) form.set('code_verifier', verifier)
    const res = await fetch(idp.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString('base64')}` },
      body: form,
    })
    const tokens = asObject(await res.json().catch(() => undefined))
    const idToken = res.ok && tokens ? readString(tokens, 'id_token') : undefined
    if (!idToken) return undefined
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(idp.jwksUri)), { issuer: idp.issuer, audience: idp.clientId })
    return typeof payload.sub === 'string' ? payload.sub : undefined
  }

  private issue(sub: string): { jwt: string; refreshToken: string } {
    const jwt = `gjwt.${randomUUID()}`
    const refreshToken = `grt.${randomUUID()}`
    this.jwts.set(jwt, { sub, expiresAt: Date.now() + this.jwtTtlMs, revoked: false })
    this.refreshTokens.set(refreshToken, sub)
    return { jwt, refreshToken }
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const parsed = parseJson(Buffer.concat(chunks).toString('utf8'))
  return parsed.ok ? parsed.value : undefined
}
