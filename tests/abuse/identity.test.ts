/**
 * Issue 25 in the abuse suite: forged, expired, unsigned (`alg: none`), wrong-key, wrong-issuer and
 * wrong-audience identity tokens are refused with 401 before the upstream hears of anything, and nobody
 * takes over another `sub`'s conversation.
 */
import { generateKeyPair } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openGuestSocket, ORIGIN, type CreatedGuest, type TestApp } from '../../server/test-support'
import { createDeskUpstream } from '../../server/upstreams/desk'
import type { Upstream } from '../../server/upstreams/types'
import { HS256_ENV, IDENTITY_AUDIENCE, IDENTITY_ISSUER, signIdentity, startHostKeys, unsignedIdentity, type HostKeys } from '../../server/identity.test-helper'
import { abuseApp } from './healthy'

let upstreamCalls = 0
/** The desk upstream, counting every call the BFF makes into it. */
function countingUpstream(desk: Upstream): Upstream {
  return new Proxy(desk, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || prop === 'ready' || prop === 'close' || prop === 'start') return value
      return (...args: unknown[]) => {
        upstreamCalls++
        return Reflect.apply(value, target, args)
      }
    },
  })
}

async function post(app: TestApp, payload: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload, headers: { origin: ORIGIN } })
  return { status: res.statusCode, body: res.json() }
}

describe('identity tokens with a shared secret (HS256)', () => {
  let app: TestApp
  abuseApp(
    (a) => {
      app = a
      upstreamCalls = 0
    },
    HS256_ENV,
    { upstream: (ctx) => countingUpstream(createDeskUpstream(ctx)) },
  )

  it('refuses every bad token with 401 invalid_identity, before any upstream call and without a guest', async () => {
    const other = await generateKeyPair('ES256')
    const victim = { sub: 'victim', name: 'Victim' }
    const bad: [string, string][] = [
      ['forged (another secret)', await signIdentity(victim, { key: new TextEncoder().encode('not-the-host-secret-not-the-host-secret') })],
      ['expired', await signIdentity(victim, { expiresIn: -120 })],
      ['alg: none', unsignedIdentity(victim)],
      ['wrong key (ES256 where HS256 is pinned)', await signIdentity(victim, { alg: 'ES256', key: other.privateKey })],
      ['HS512 with the right secret (algorithm not pinned)', await signIdentity(victim, { alg: 'HS512' })],
      ['wrong audience', await signIdentity(victim, { aud: 'another-widget' })],
      ['wrong issuer', await signIdentity(victim, { iss: 'https://evil.example' })],
      ['living longer than 10 minutes', await signIdentity(victim, { expiresIn: 24 * 3600 })],
      ['a tampered payload', tamper(await signIdentity({ sub: 'attacker' }), victim)],
    ]
    for (const [name, identityToken] of bad) {
      const res = await post(app, { identityToken, displayName: 'Victim' })
      expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 401, code: 'invalid_identity' })
    }
    expect(upstreamCalls).toBe(0)
    expect(await app.store.guestsOfSub('victim')).toEqual([])
    expect(await app.store.listConversations()).toEqual([])
  })

  it('refuses a bad token on refresh without touching the session (the refresh token still works)', async () => {
    const anon = (await post(app, {})).body as unknown as CreatedGuest
    const forged = await signIdentity({ sub: 'victim' }, { key: new TextEncoder().encode('not-the-host-secret-not-the-host-secret') })
    const refused = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: anon.refreshToken, identityToken: forged } })
    expect(refused.statusCode).toBe(401)
    expect((await app.store.getGuest(anon.guestId))?.verified).toBeUndefined()
    const plain = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: anon.refreshToken } })
    expect(plain.statusCode).toBe(200)
  })

  it('does not let anyone take over another sub\'s conversation', async () => {
    const victim = (await post(app, { identityToken: await signIdentity({ sub: 'victim', name: 'Victim' }) })).body as unknown as CreatedGuest
    // a look-alike sub is another person: a conversation of its own
    for (const sub of ['Victim', 'victim ', ' victim', 'victim\u200b']) {
      const res = await post(app, { identityToken: await signIdentity({ sub }) })
      expect(res.status).toBe(201)
      expect(res.body.conversationId).not.toBe(victim.conversationId)
    }
    // a signed-in attacker cannot switch their session over to the victim by refreshing with a stolen-looking token
    const attacker = (await post(app, { identityToken: await signIdentity({ sub: 'attacker' }) })).body as unknown as CreatedGuest
    const forged = await signIdentity({ sub: 'victim' }, { key: new TextEncoder().encode('guessed-secret-guessed-secret-guessed!!') })
    const viaRefresh = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: attacker.refreshToken, identityToken: forged } })
    expect(viaRefresh.statusCode).toBe(401)
    // nor by creating a session with their own valid token and the victim's guest token along
    const withBearer = await app.app.inject({
      method: 'POST',
      url: '/api/guest-sessions',
      payload: { identityToken: await signIdentity({ sub: 'attacker-2' }) },
      headers: { origin: ORIGIN, authorization: `Bearer ${victim.guestToken}` },
    })
    expect(withBearer.json<{ conversationId: string }>().conversationId).not.toBe(victim.conversationId)
    expect(await app.store.guestsOfSub('victim')).toEqual([victim.guestId])
    expect((await app.store.getGuest(victim.guestId))?.verified?.sub).toBe('victim')
  })
})

describe('identity tokens from the host\'s key set (ES256)', () => {
  let app: TestApp
  let keys: HostKeys
  beforeEach(async () => {
    keys = await startHostKeys()
  })
  afterEach(() => keys.close())
  abuseApp(
    (a) => {
      app = a
      upstreamCalls = 0
    },
    // the JWKS URL is only known once the key server listens: a getter keeps the env lazy
    lazyEnv(() => ({ PARLEY_IDENTITY_JWKS_URL: keys.url, PARLEY_IDENTITY_ISSUER: IDENTITY_ISSUER, PARLEY_IDENTITY_AUDIENCE: IDENTITY_AUDIENCE })),
    { upstream: (ctx) => countingUpstream(createDeskUpstream(ctx)) },
  )

  it('refuses a token signed with another key, with the public key as an HMAC secret, or without a signature', async () => {
    const other = await generateKeyPair('ES256')
    const bad: [string, string][] = [
      ['another key, same kid', await signIdentity({ sub: 'victim' }, { alg: 'ES256', kid: keys.kid, key: other.privateKey })],
      ['another key, unknown kid', await signIdentity({ sub: 'victim' }, { alg: 'ES256', kid: 'nope', key: other.privateKey })],
      ['HS256 keyed with the public JWK', await signIdentity({ sub: 'victim' }, { key: new TextEncoder().encode(JSON.stringify(keys.publicJwk)) })],
      ['alg: none', unsignedIdentity({ sub: 'victim' })],
      ['wrong audience', await signIdentity({ sub: 'victim' }, { alg: 'ES256', kid: keys.kid, key: keys.privateKey, aud: 'x' })],
    ]
    for (const [name, identityToken] of bad) {
      const res = await post(app, { identityToken })
      expect({ name, status: res.status }).toEqual({ name, status: 401 })
    }
    expect(upstreamCalls).toBe(0)
    expect(await app.store.guestsOfSub('victim')).toEqual([])
    const good = await post(app, { identityToken: await signIdentity({ sub: 'victim' }, { alg: 'ES256', kid: keys.kid, key: keys.privateKey }) })
    expect(good.status).toBe(201)
    // the counter does count: the verified guest's first message reaches the upstream
    const s = await openGuestSocket(app, good.body as unknown as CreatedGuest)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'c-1', text: 'hello' })
    await s.next('ack')
    expect(upstreamCalls).toBeGreaterThan(0)
    s.close()
  })
})

/** The payload of a signed token replaced, the signature kept. */
function tamper(token: string, claims: object): string {
  const [header, payload, signature] = token.split('.')
  const original = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as object
  return `${header}.${Buffer.from(JSON.stringify({ ...original, ...claims })).toString('base64url')}.${signature}`
}

/** An env object whose values are read when the app starts (after `beforeEach` hooks registered earlier). */
function lazyEnv(read: () => Record<string, string>): Record<string, string> {
  const keysOf = ['PARLEY_IDENTITY_JWKS_URL', 'PARLEY_IDENTITY_ISSUER', 'PARLEY_IDENTITY_AUDIENCE']
  const env: Record<string, string> = {}
  for (const k of keysOf) Object.defineProperty(env, k, { enumerable: true, get: () => read()[k] ?? '' })
  return env
}
