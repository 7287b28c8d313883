/**
 * QUALITY.md §4 B4, B5 and B9: bad and stolen tokens, Origin tricks on HTTP and on the upgrade, and one
 * guest reaching for another's conversation. Every refusal happens before the upstream hears of it.
 */
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  createGuest,
  openGuestSocket,
  openSocket,
  ORIGIN,
  refusal,
  TOKEN_SECRET,
  type CreatedGuest,
  type TestApp,
} from '../../server/test-support'
import { createDeskUpstream } from '../../server/upstreams/desk'
import { abuseApp } from './healthy'

let app: TestApp
let upstreamOpens = 0
abuseApp(
  (a) => {
    app = a
    upstreamOpens = 0
  },
  {},
  {
    upstream: (ctx) => {
      const desk = createDeskUpstream(ctx)
      return {
        ...desk,
        async openConversation(c) {
          upstreamOpens++
          return desk.openConversation(c)
        },
      }
    },
  },
)

const secret = new TextEncoder().encode(TOKEN_SECRET)
type Claims = { sub?: string; cid?: string; aud?: string; iss?: string; exp?: number; nbf?: number; alg?: string; key?: Uint8Array }

/** A token like the BFF's, with one thing changed. */
function sign(guest: CreatedGuest, c: Claims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const jwt = new SignJWT(c.cid === undefined ? { cid: guest.conversationId } : c.cid ? { cid: c.cid } : {})
    .setProtectedHeader({ alg: c.alg ?? 'HS256' })
    .setSubject(c.sub ?? guest.guestId)
    .setAudience(c.aud ?? 'parley-socket')
    .setIssuer(c.iss ?? 'parley')
    .setJti(crypto.randomUUID())
    .setExpirationTime(c.exp ?? now + 300)
  if (c.nbf) jwt.setNotBefore(c.nbf)
  return jwt.sign(c.key ?? secret)
}

async function badTokens(guest: CreatedGuest, other: CreatedGuest): Promise<[string, string][]> {
  const [header, payload] = guest.guestToken.split('.')
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return [
    ['garbage', 'garbage'],
    ['bad signature', `${header}.${payload}.AAAA`],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`],
    ['HS/RS confusion', `${b64({ alg: 'RS256', typ: 'JWT' })}.${payload}.${guest.guestToken.split('.')[2]}`],
    ['other algorithm', await sign(guest, { alg: 'HS512' })],
    ['another key', await sign(guest, { key: new TextEncoder().encode('another-secret-another-secret-another!') })],
    ['expired', await sign(guest, { exp: now - 10 })],
    ['not yet valid', await sign(guest, { nbf: now + 600 })],
    ['wrong audience', await sign(guest, { aud: 'parley-desk' })],
    ['wrong issuer', await sign(guest, { iss: 'someone-else' })],
    ['no conversation', await sign(guest, { cid: '' })],
    ['another guest for this conversation', await sign(guest, { sub: other.guestId })],
    ['this guest for another conversation', await sign(guest, { cid: other.conversationId })],
  ]
}

describe('bad and stolen tokens (B4)', () => {
  it('are refused with 401 on the upgrade and on HTTP, before any upstream call', async () => {
    const guest = await createGuest(app)
    const other = await createGuest(app)
    const url = `${app.wsUrl}/api/socket`
    for (const [name, token] of await badTokens(guest, other)) {
      expect(await refusal(openSocket(url, ['parley.v1', `parley.token.${token}`])), name).toBe(401)
      const res = await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: { origin: ORIGIN, authorization: `Bearer ${token}` } })
      expect(res.statusCode, name).toBe(401)
    }
    // no token, or the token in the wrong place: the query string, a header browsers cannot set, alone without parley.v1
    expect(await refusal(openSocket(url, ['parley.v1']))).toBe(401)
    expect(await refusal(openSocket(`${url}?token=${guest.guestToken}`, ['parley.v1']))).toBe(401)
    expect(await refusal(openSocket(url, [`parley.token.${guest.guestToken}`]))).toBe(401)
    expect(upstreamOpens).toBe(0)
    expect((await app.app.inject({ url: `/api/guest-sessions/current/messages?token=${guest.guestToken}`, headers: { origin: ORIGIN } })).statusCode).toBe(401)
  })

  it('a replayed refresh token revokes the family and the guest: tokens die and open sockets close with 4003', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const refresh = (refreshToken: string) =>
      app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', headers: { origin: ORIGIN }, payload: { refreshToken } })
    const first = await refresh(guest.refreshToken)
    expect(first.statusCode).toBe(200)
    const rotated = first.json<{ guestToken: string; refreshToken: string }>()
    // the thief (or a confused client) replays the old one
    expect((await refresh(guest.refreshToken)).statusCode).toBe(401)
    expect((await s.closed).code).toBe(4003)
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401)
    for (const token of [guest.guestToken, rotated.guestToken]) {
      expect(await refusal(openSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${token}`]))).toBe(401)
      expect((await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401)
    }
  })

  it('"end chat" revokes: the socket closes with 4003 and the tokens stop working', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const end = await app.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
    expect(end.statusCode).toBe(204)
    expect((await s.closed).code).toBe(4003)
    expect(await refusal(openGuestSocket(app, guest))).toBe(401)
    const refreshed = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', headers: { origin: ORIGIN }, payload: { refreshToken: guest.refreshToken } })
    expect(refreshed.statusCode).toBe(401)
  })
})

describe('Origin tricks (B5)', () => {
  const refused = [
    'null',
    'http://evil.example',
    'http://app.test.evil.example',
    'http://evil-app.test',
    'http://app.test.',
    'https://app.test',
    'http://app.test:8080',
    'http://app.test@evil.example',
    'http://app.test/path',
    'file://',
    'javascript:alert(1)',
  ]

  it.each(refused)('%s is refused with 403 on HTTP, on a preflight and on the upgrade', async (origin) => {
    const guest = await createGuest(app)
    const post = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin }, payload: {} })
    expect(post.statusCode).toBe(403)
    expect(post.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await app.app.inject({ method: 'OPTIONS', url: '/api/guest-sessions', headers: { origin, 'access-control-request-method': 'POST' } })
    expect(preflight.statusCode).toBe(403)
    expect(await refusal(openSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${guest.guestToken}`], origin))).toBe(403)
  })

  it('a missing Origin is refused on the upgrade (browsers always send one)', async () => {
    const guest = await createGuest(app)
    expect(await refusal(openSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${guest.guestToken}`], null))).toBe(403)
  })

  it('the allowed origin passes in any letter case, because it is compared after normalising', async () => {
    const guest = await createGuest(app)
    const s = await openSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${guest.guestToken}`], 'HTTP://APP.TEST')
    await s.next('ready')
    s.close()
    const post = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: 'http://App.Test' }, payload: {} })
    expect(post.statusCode).toBe(201)
    expect(post.headers['access-control-allow-origin']).toBe('http://App.Test')
  })
})

describe('cross-conversation access (B9)', () => {
  it('a guest can neither read nor write another guest\'s conversation', async () => {
    const a = await createGuest(app)
    const b = await createGuest(app)
    const sb = await openGuestSocket(app, b)
    const bReady = await sb.next('ready')
    sb.send({ type: 'send', clientMessageId: 'b1', text: 'secret of b' })
    await sb.next('ack')
    // A's token only ever opens A's conversation, whatever A sends
    const sa = await openGuestSocket(app, a)
    const ready = await sa.next('ready')
    expect(ready.conversationId).toBe(a.conversationId)
    sa.send({ type: 'resume', epoch: bReady.epoch, afterSeq: 0, conversationId: b.conversationId })
    await sa.next('reset')
    sa.send({ type: 'send', clientMessageId: 'a1', text: 'from a', conversationId: b.conversationId })
    await sa.next('ack')
    const res = await app.app.inject({ url: `/api/guest-sessions/current/messages?conversationId=${b.conversationId}`, headers: { authorization: `Bearer ${a.guestToken}` } })
    expect(res.statusCode).toBe(200)
    expect(res.body).not.toContain('secret of b')
    const bEntries = (await app.store.readAfter(b.conversationId, 0, 100)).map((e) => (e.type === 'message' ? e.text : ''))
    expect(bEntries).toEqual(['secret of b'])
    expect(JSON.stringify(sa.frames)).not.toContain('secret of b')
    sa.close()
    sb.close()
  })
})
