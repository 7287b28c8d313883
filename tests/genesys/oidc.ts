/**
 * A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1 for the authenticated-messaging tests, and
 * the visitor's side of the authorization code flow with PKCE, driven over HTTP the way a browser follows
 * it (redirects and cookies): sign in as a test user, consent, and take the code from the redirect.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import type { SimIdentityProvider } from './simulator-auth'

export const REDIRECT_URI = 'https://shop.example/signed-in'

export interface TestIdp extends SimIdentityProvider {
  close(): Promise<void>
}

export async function startIdp(): Promise<TestIdp> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const clientSecret = randomBytes(24).toString('base64url')
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'genesys-messenger',
        client_secret: clientSecret,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, name: `Test user ${sub}` }) }),
    features: { devInteractions: { enabled: true } },
  })
  server.on('request', provider.callback())
  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    jwksUri: `${issuer}/jwks`,
    clientId: 'genesys-messenger',
    clientSecret,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** The visitor signs in as `user` and consents; the code and the PKCE verifier the site then holds. */
export async function signInAtIdp(idp: TestIdp, user: string): Promise<{ code: string; redirectUri: string; codeVerifier: string }> {
  const codeVerifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(codeVerifier).digest('base64url')
  const jar = new Map<string, string>()
  const go = async (url: string, form?: Record<string, string>): Promise<string> => {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';')
      const eq = pair.indexOf('=')
      jar.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
    await res.arrayBuffer()
    const location = res.headers.get('location')
    if (!location) throw new Error(`the provider answered ${res.status} without a redirect at ${url}`)
    return new URL(location, url).href
  }
  const auth = new URL(`${idp.issuer}/auth`)
  for (const [k, v] of Object.entries({ client_id: idp.clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state: 's1', nonce: 'n1', code_challenge: challenge, code_challenge_method: 'S256' }))
    auth.searchParams.set(k, v)
  let url = await go(auth.href)
  let loggedIn = false
  for (let step = 0; step < 8 && !url.startsWith(REDIRECT_URI); step++) {
    const interaction = /\/interaction\/([^/?]+)$/.exec(new URL(url).pathname)
    if (!interaction) {
      url = await go(url)
      continue
    }
    // the login form, then the consent form (devInteractions' own submit route)
    url = await go(url, loggedIn ? { prompt: 'consent' } : { prompt: 'login', login: user, password: 'any' })
    loggedIn = true
  }
  const code = new URL(url).searchParams.get('code')
  if (!code) throw new Error(`no code in the redirect: ${url}`)
  return { code, redirectUri: REDIRECT_URI, codeVerifier }
}
