/**
 * Host-signed identity at `POST /api/guest-sessions` and on refresh (issue 25), on a real BFF on 127.0.0.1
 * with real sockets: the guest is bound to `sub`, verified fields win, the same person continues on
 * another device, and an anonymous guest who signs in is upgraded in place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreatedGuest, TestApp, TestSocket } from '../test-support'
import { createGuest, openDeskSocket, openGuestSocket, ORIGIN, startTestApp } from '../test-support'
import { HS256_ENV, signIdentity, startHostKeys, type HostKeys } from '../identity.test-helper'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp({ ...HS256_ENV, PARLEY_DESK_BOT: 'off' })
})
afterEach(() => app.app.close())

async function post(a: TestApp, payload: object, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await a.app.inject({ method: 'POST', url: '/api/guest-sessions', payload, headers: { origin: ORIGIN, ...headers } })
  return { status: res.statusCode, body: res.json() }
}

async function refresh(refreshToken: string, identityToken?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken, ...(identityToken ? { identityToken } : {}) }, headers: { origin: ORIGIN } })
  return { status: res.statusCode, body: res.json() }
}

/** Every message frame (by seq) a socket got, after it has seen `lastSeq`. */
async function messagesUpTo(s: TestSocket, lastSeq: number): Promise<number[]> {
  await s.next('message', (m) => m.seq === lastSeq)
  return s.frames.flatMap((f) => (f.type === 'message' ? [f.seq] : []))
}

describe('a verified guest (HS256)', () => {
  it('is bound to sub; the verified name and e-mail win over the typed ones, typed attributes stay beside verified ones', async () => {
    const identityToken = await signIdentity({ sub: 'user-1', name: 'Ada Lovelace', email: 'ada@shop.example', attributes: { tier: 'gold' } })
    const { status, body } = await post(app, { identityToken, displayName: 'Mallory', email: 'mallory@evil.example', attributes: { tier: 'free', page: '/cart' } })
    expect(status).toBe(201)
    const guest = await app.store.getGuest(String(body.guestId))
    expect(guest).toMatchObject({ displayName: 'Ada Lovelace', email: 'ada@shop.example', attributes: { tier: 'gold', page: '/cart' }, verified: { sub: 'user-1' } })
    expect((await app.store.getConversation(String(body.conversationId)))?.guestName).toBe('Ada Lovelace')
    expect(await app.store.guestsOfSub('user-1')).toEqual([body.guestId])
    // nothing of the identity token comes back to the browser
    expect(Object.keys(body).sort()).toEqual(['conversationId', 'expiresAt', 'guestId', 'guestToken', 'refreshToken', 'socketUrl'])
  })

  it('continues on a second device: the open conversation and its transcript, and both devices see every message once', async () => {
    const laptop = (await post(app, { identityToken: await signIdentity({ sub: 'user-2', name: 'Bo' }) })).body as unknown as CreatedGuest
    const a = await openGuestSocket(app, laptop)
    await a.next('ready')
    a.send({ type: 'send', clientMessageId: 'm-1', text: 'from the laptop' })
    await a.next('ack')

    const phone = (await post(app, { identityToken: await signIdentity({ sub: 'user-2', name: 'Bo' }) })).body as unknown as CreatedGuest
    expect(phone.conversationId).toBe(laptop.conversationId)
    expect(phone.refreshToken).not.toBe(laptop.refreshToken)
    const history = await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: { authorization: `Bearer ${phone.guestToken}` } })
    expect(history.json<{ messages: { text: string }[] }>().messages.map((m) => m.text)).toEqual(['from the laptop'])

    const b = await openGuestSocket(app, phone)
    await b.next('ready')
    b.send({ type: 'send', clientMessageId: 'm-2', text: 'from the phone' })
    const { seq: phoneSeq } = await b.next('ack')
    const desk = await openDeskSocket(app)
    desk.ws.send(JSON.stringify({ type: 'reply', conversationId: laptop.conversationId, clientMessageId: 'd-1', text: 'hello both' }))
    const agent = await a.next('message', (m) => m.role === 'agent')
    const onPhone = await b.next('message', (m) => m.role === 'agent')
    expect(onPhone.seq).toBe(agent.seq)
    expect(agent.seq).toBeGreaterThan(phoneSeq)
    // the phone's message reached the laptop (once); the laptop's own frames hold no duplicate
    const seen = [...(await messagesUpTo(a, phoneSeq)), agent.seq]
    expect(new Set(seen).size).toBe(seen.length)
    expect(b.frames.filter((f) => f.type === 'message' && f.seq === agent.seq)).toHaveLength(0)
    desk.ws.close()
    a.close()
    b.close()
  })

  it('starts a new conversation once the open one ended, and keeps the earlier one on record', async () => {
    const identityToken = await signIdentity({ sub: 'user-3' })
    const first = (await post(app, { identityToken })).body
    await app.store.updateConversation(String(first.conversationId), { status: 'ended' })
    const second = (await post(app, { identityToken: await signIdentity({ sub: 'user-3' }) })).body
    expect(second.conversationId).not.toBe(first.conversationId)
    expect(await app.store.guestsOfSub('user-3')).toEqual([second.guestId, first.guestId])
  })

  it('upgrades an anonymous guest in place on refresh, and the desk sees the switch', async () => {
    const anon = await createGuest(app, { displayName: 'typed name' })
    const s = await openGuestSocket(app, anon)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'x', text: 'before signing in' })
    await s.next('ack')
    const desk = await openDeskSocket(app)
    const upgraded = await refresh(anon.refreshToken, await signIdentity({ sub: 'user-4', name: 'Cy', email: 'cy@shop.example' }))
    expect(upgraded.status).toBe(200)
    const row = await desk.next('conversation', (f) => f.type === 'conversation' && f.conversation.id === anon.conversationId && f.conversation.guestName === 'Cy')
    expect(row.type).toBe('conversation')
    expect(await app.store.getGuest(anon.guestId)).toMatchObject({ conversationId: anon.conversationId, email: 'cy@shop.example', verified: { sub: 'user-4' } })
    // the same person on another device now finds this conversation
    const other = (await post(app, { identityToken: await signIdentity({ sub: 'user-4' }) })).body
    expect(other.conversationId).toBe(anon.conversationId)
    desk.ws.close()
    s.close()
  })

  it('refuses to switch a verified session to another sub on refresh (403), and the tokens it would have issued are dead', async () => {
    const mine = (await post(app, { identityToken: await signIdentity({ sub: 'user-5' }) })).body as unknown as CreatedGuest
    const res = await refresh(mine.refreshToken, await signIdentity({ sub: 'user-6' }))
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('identity_mismatch')
    expect((await app.store.getGuest(mine.guestId))?.verified?.sub).toBe('user-5')
    expect(await app.store.guestsOfSub('user-6')).toEqual([])
  })

  it('keeps a verified guest verified on a plain refresh, and takes a newer name on a refresh with a token', async () => {
    const g = (await post(app, { identityToken: await signIdentity({ sub: 'user-7', name: 'Old' }) })).body as unknown as CreatedGuest
    const plain = await refresh(g.refreshToken)
    expect(plain.status).toBe(200)
    const renamed = await refresh(String(plain.body.refreshToken), await signIdentity({ sub: 'user-7', name: 'New' }))
    expect(renamed.status).toBe(200)
    expect((await app.store.getConversation(g.conversationId))?.guestName).toBe('New')
  })

  it.each([
    ['no exp', { exp: false } as const],
    ['an exp more than 10 minutes ahead', { expiresIn: 3600 }],
  ])('refuses a token with %s (401, no guest)', async (_name, options) => {
    const res = await post(app, { identityToken: await signIdentity({ sub: 'user-8' }, options) })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe('invalid_identity')
    expect(await app.store.guestsOfSub('user-8')).toEqual([])
  })

  it.each([
    ['a sub that is not a string', { sub: 42 as unknown as string }],
    ['an e-mail that is not one', { sub: 'u', email: 'nope' }],
    ['attributes with a non-string value', { sub: 'u', attributes: { a: 1 } }],
  ])('refuses claims with %s (401)', async (_name, claims) => {
    expect((await post(app, { identityToken: await signIdentity(claims) })).status).toBe(401)
  })
})

describe('a BFF without identity settings', () => {
  it('refuses identity tokens with 401 instead of ignoring them', async () => {
    const plain = await startTestApp()
    try {
      const res = await post(plain, { identityToken: await signIdentity({ sub: 'user-9' }) })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('invalid_identity')
    } finally {
      await plain.app.close()
    }
  })
})

describe('a verified guest (ES256, the host\'s JWKS on 127.0.0.1)', () => {
  let keys: HostKeys
  let jwksApp: TestApp
  beforeEach(async () => {
    keys = await startHostKeys()
    jwksApp = await startTestApp({ PARLEY_IDENTITY_JWKS_URL: keys.url, PARLEY_IDENTITY_ISSUER: HS256_ENV.PARLEY_IDENTITY_ISSUER, PARLEY_IDENTITY_AUDIENCE: HS256_ENV.PARLEY_IDENTITY_AUDIENCE })
  })
  afterEach(async () => {
    await jwksApp.app.close()
    await keys.close()
  })

  it('accepts a token signed with the host key, fetching the key set once for many tokens', async () => {
    for (const sub of ['e-1', 'e-2', 'e-3']) {
      const res = await post(jwksApp, { identityToken: await signIdentity({ sub }, { alg: 'ES256', kid: keys.kid, key: keys.privateKey }) })
      expect(res.status).toBe(201)
    }
    expect(keys.fetches()).toBe(1)
  })

  it('refuses an HS256 token (even one keyed with the public JWK) with 401', async () => {
    const asSecret = new TextEncoder().encode(JSON.stringify(keys.publicJwk))
    expect((await post(jwksApp, { identityToken: await signIdentity({ sub: 'e-4' }, { key: asSecret }) })).status).toBe(401)
  })

  it('fails closed while the key set cannot be fetched: 503 with Retry-After, no guest', async () => {
    keys.setDown(true)
    const res = await jwksApp.app.inject({
      method: 'POST',
      url: '/api/guest-sessions',
      headers: { origin: ORIGIN },
      payload: { identityToken: await signIdentity({ sub: 'e-5' }, { alg: 'ES256', kid: keys.kid, key: keys.privateKey }) },
    })
    expect(res.statusCode).toBe(503)
    expect(res.headers['retry-after']).toBe('5')
    expect(await jwksApp.store.guestsOfSub('e-5')).toEqual([])
  })
})

describe('POST /api/guest-sessions/logout', () => {
  it('ends this device\'s tokens only: the refresh token dies, another device of the same sub goes on', async () => {
    const laptop = (await post(app, { identityToken: await signIdentity({ sub: 'user-10' }) })).body as unknown as CreatedGuest
    const phone = (await post(app, { identityToken: await signIdentity({ sub: 'user-10' }) })).body as unknown as CreatedGuest
    const out = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/logout', payload: { refreshToken: laptop.refreshToken }, headers: { origin: ORIGIN } })
    expect(out.statusCode).toBe(204)
    expect((await refresh(laptop.refreshToken)).status).toBe(401)
    expect((await refresh(phone.refreshToken)).status).toBe(200)
    // an unknown token is not an error worth telling: the device is logged out either way
    const again = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/logout', payload: { refreshToken: 'x.unknown' }, headers: { origin: ORIGIN } })
    expect(again.statusCode).toBe(204)
  })
})
