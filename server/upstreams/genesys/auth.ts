/**
 * @module server/upstreams/genesys/auth
 * Genesys authenticated messaging over REST (PROTOCOL.md §3.16; the SDK's `WebMessagingApi.fetchAuthJwt`,
 * `refreshAuthJwt`, `logoutFromAuthenticatedSession`): the visitor's OIDC authorization code (or id token)
 * from the site is exchanged for a Genesys JWT and refresh token, refreshed, and revoked. Both stay in the
 * BFF (in the conversation's stored upstream credential); the browser never sees them.
 */
import type { GenesysLogin } from '../../../src/protocol'
import { asObject, readString } from '../../../src/protocol/read'

export type { GenesysLogin }

export interface GenesysAuth {
  jwt: string
  refreshToken: string
}

export type AuthResult<T> = { ok: true; value: T } | { ok: false; status: number; message: string }

interface AuthDeps {
  apiUrl: string
  deploymentId: string
  origin: string
  fetch: typeof fetch
  timeoutMs?: number
}

const MAX_TOKEN = 8192

async function call(d: AuthDeps, path: string, init: RequestInit): Promise<AuthResult<unknown>> {
  let res: Response
  try {
    res = await d.fetch(`${d.apiUrl}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', accept: 'application/json', origin: d.origin, ...init.headers },
      signal: AbortSignal.timeout(d.timeoutMs ?? 10_000),
    })
  } catch {
    return { ok: false, status: 0, message: 'Genesys could not be reached.' }
  }
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const o = asObject(body)
    const message = (o && readString(o, 'message', 500)) || `HTTP ${res.status}`
    return { ok: false, status: res.status, message }
  }
  return { ok: true, value: body }
}

function readAuth(body: unknown, previousRefresh?: string): GenesysAuth | undefined {
  const o = asObject(body)
  const jwt = o && readString(o, 'jwt', MAX_TOKEN)
  const refreshToken = (o && readString(o, 'refreshToken', MAX_TOKEN)) ?? previousRefresh
  return jwt && refreshToken ? { jwt, refreshToken } : undefined
}

/** `POST /api/v2/webdeployments/token/oauthcodegrantjwtexchange`. */
export async function exchangeLogin(d: AuthDeps, login: GenesysLogin): Promise<AuthResult<GenesysAuth>> {
  const r = await call(d, '/api/v2/webdeployments/token/oauthcodegrantjwtexchange', {
    method: 'POST',
    body: JSON.stringify({ deploymentId: d.deploymentId, oauth: login }),
  })
  if (!r.ok) return r
  const auth = readAuth(r.value)
  return auth ? { ok: true, value: auth } : { ok: false, status: 502, message: 'Genesys answered the exchange without a JWT.' }
}

/** `POST /api/v2/webdeployments/token/refresh`; Genesys may keep the refresh token (the SDK keeps the old one then). */
export async function refreshAuth(d: AuthDeps, auth: GenesysAuth): Promise<AuthResult<GenesysAuth>> {
  const r = await call(d, '/api/v2/webdeployments/token/refresh', { method: 'POST', body: JSON.stringify({ refreshToken: auth.refreshToken }) })
  if (!r.ok) return r
  const next = readAuth(r.value, auth.refreshToken)
  return next ? { ok: true, value: next } : { ok: false, status: 502, message: 'Genesys answered the refresh without a JWT.' }
}

/** `DELETE /api/v2/webdeployments/token/revoke` with the JWT: Genesys then sends the session a LogoutEvent. */
export async function revokeAuth(d: AuthDeps, auth: GenesysAuth): Promise<AuthResult<undefined>> {
  const r = await call(d, '/api/v2/webdeployments/token/revoke', { method: 'DELETE', headers: { authorization: `Bearer ${auth.jwt}` } })
  return r.ok ? { ok: true, value: undefined } : r
}
