import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGuest, ORIGIN, startTestApp, type TestApp } from '../test-support'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp()
})
afterEach(() => app.app.close())

describe('POST /api/guest-sessions', () => {
  it('creates a guest with Parley tokens only and a socket URL', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: { displayName: 'Bo', attributes: { plan: 'pro' } }, headers: { origin: ORIGIN } })
    expect(res.statusCode).toBe(201)
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN)
    const body = res.json<Record<string, string>>()
    expect(Object.keys(body).sort()).toEqual(['conversationId', 'expiresAt', 'guestId', 'guestToken', 'refreshToken', 'socketUrl'])
    expect(body.socketUrl).toMatch(/^ws:\/\/.+\/api\/socket$/)
    expect(Date.parse(body.expiresAt ?? '') - Date.now()).toBeGreaterThan(14 * 60_000)
  })

  it.each([
    ['malformed JSON', '{"displayName":', 'application/json'],
    ['an array', '[]', 'application/json'],
    ['a bad e-mail', '{"email":"not-an-address"}', 'application/json'],
    ['non-string attributes', '{"attributes":{"a":1}}', 'application/json'],
  ])('answers %s with 400 problem+json', async (_name, payload, type) => {
    const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload, headers: { 'content-type': type } })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(res.json()).toMatchObject({ status: 400, code: 'bad_request' })
  })

  it('refuses a foreign Origin with 403', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: {}, headers: { origin: 'http://app.test.evil.example' } })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'forbidden_origin' })
  })

  it('limits guest creation per client address with 429 and Retry-After', async () => {
    const limited = await startTestApp({ PARLEY_GUEST_RATE: '3' })
    try {
      const codes: number[] = []
      let retryAfter: string | string[] | undefined
      for (let i = 0; i < 5; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: {} })
        codes.push(res.statusCode)
        if (res.statusCode === 429) retryAfter = res.headers['retry-after']
      }
      expect(codes).toEqual([201, 201, 201, 429, 429])
      expect(Number(retryAfter)).toBeGreaterThan(0)
    } finally {
      await limited.app.close()
    }
  })
})

describe('POST /api/guest-sessions/refresh', () => {
  it('rotates: the new refresh token works, the old one does not, and replay revokes the family', async () => {
    const guest = await createGuest(app)
    const first = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: guest.refreshToken } })
    expect(first.statusCode).toBe(200)
    const rotated = first.json<{ guestToken: string; refreshToken: string }>()
    expect(rotated.refreshToken).not.toBe(guest.refreshToken)

    const replay = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: guest.refreshToken } })
    expect(replay.statusCode).toBe(401)
    expect(replay.json()).toMatchObject({ code: 'invalid_refresh_token' })
    // the replay revoked the family, so even the newest token is dead now
    const next = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: rotated.refreshToken } })
    expect(next.statusCode).toBe(401)
  })

  it('answers a missing token with 400', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: {} })
    expect(res.statusCode).toBe(400)
  })
})

describe('GET /api/guest-sessions/current/messages', () => {
  it('needs a bearer token and returns only this guest\'s transcript, page by page', async () => {
    const guest = await createGuest(app)
    const other = await createGuest(app)
    for (let i = 1; i <= 5; i++) await app.store.append(guest.conversationId, { type: 'message', id: `m${i}`, role: 'bot', text: `t${i}`, sentAt: new Date().toISOString() })
    await app.store.append(other.conversationId, { type: 'message', id: 'x', role: 'bot', text: 'secret', sentAt: new Date().toISOString() })

    expect((await app.app.inject({ url: '/api/guest-sessions/current/messages' })).statusCode).toBe(401)
    const auth = { authorization: `Bearer ${guest.guestToken}` }
    const page1 = (await app.app.inject({ url: '/api/guest-sessions/current/messages?limit=2', headers: auth })).json<{ messages: { seq: number; text: string }[]; hasMore: boolean }>()
    expect(page1.messages.map((m) => m.seq)).toEqual([4, 5])
    expect(page1.hasMore).toBe(true)
    const page2 = (await app.app.inject({ url: '/api/guest-sessions/current/messages?before=4&limit=10', headers: auth })).json<{ messages: { text: string }[]; hasMore: boolean }>()
    expect(page2.messages.map((m) => m.text)).toEqual(['t1', 't2', 't3'])
    expect(page2.hasMore).toBe(false)
    expect(JSON.stringify(page1) + JSON.stringify(page2)).not.toContain('secret')
    expect((await app.app.inject({ url: '/api/guest-sessions/current/messages?before=abc', headers: auth })).statusCode).toBe(400)
  })
})

describe('DELETE /api/guest-sessions/current', () => {
  it('ends the conversation, revokes the tokens and forgets the transcript', async () => {
    const guest = await createGuest(app)
    const auth = { authorization: `Bearer ${guest.guestToken}` }
    expect((await app.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: auth })).statusCode).toBe(204)
    expect(await app.store.getConversation(guest.conversationId)).toBeUndefined()
    expect((await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: auth })).statusCode).toBe(401)
  })
})

describe('health', () => {
  it('answers /healthz and /readyz, and turns not-ready while draining', async () => {
    expect((await app.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await app.app.inject({ url: '/readyz' })).statusCode).toBe(200)
    expect((await app.app.inject({ url: '/api/nope' })).json()).toMatchObject({ status: 404, code: 'not_found' })
  })
})
