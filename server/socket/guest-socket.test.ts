import { SignJWT } from 'jose'
import WebSocket from 'ws'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createGuest,
  HandshakeRefused,
  openGuestSocket,
  openSocket,
  startTestApp,
  type TestApp,
} from '../test-support'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp()
})
afterEach(() => app.app.close())

async function refusal(promise: Promise<unknown>): Promise<number> {
  try {
    await promise
  } catch (err) {
    if (err instanceof HandshakeRefused) return err.status
    throw err
  }
  throw new Error('the handshake was accepted')
}

describe('handshake', () => {
  it('selects parley.v1 and never echoes the token', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    expect(s.ws.protocol).toBe('parley.v1')
    s.close()
  })

  it('refuses missing, forged, re-signed, other-algorithm and expired tokens with 401 before upgrading', async () => {
    const guest = await createGuest(app)
    const url = `${app.wsUrl}/api/socket`
    const [header, payload] = guest.guestToken.split('.')
    const secret = new TextEncoder().encode('test-secret-test-secret-test-secret!')
    const otherAlg = await new SignJWT({ cid: guest.conversationId }).setProtectedHeader({ alg: 'HS512' }).setSubject(guest.guestId).setAudience('parley-socket').setIssuer('parley').setExpirationTime('5m').sign(secret)
    const expired = await new SignJWT({ cid: guest.conversationId }).setProtectedHeader({ alg: 'HS256' }).setSubject(guest.guestId).setAudience('parley-socket').setIssuer('parley').setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(secret)
    const wrongKey = await new SignJWT({ cid: guest.conversationId }).setProtectedHeader({ alg: 'HS256' }).setSubject(guest.guestId).setAudience('parley-socket').setIssuer('parley').setExpirationTime('5m').sign(new TextEncoder().encode('another-secret-another-secret-another!'))
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`
    for (const protocols of [
      ['parley.v1'],
      ['parley.v1', 'parley.token.garbage'],
      ['parley.v1', `parley.token.${header}.${payload}.AAAA`],
      ['parley.v1', `parley.token.${none}`],
      ['parley.v1', `parley.token.${otherAlg}`],
      ['parley.v1', `parley.token.${expired}`],
      ['parley.v1', `parley.token.${wrongKey}`],
      [`parley.token.${guest.guestToken}`],
    ])
      expect(await refusal(openSocket(url, protocols))).toBe(401)
  })

  it('refuses a missing, null, foreign, suffix-trick, other-scheme or other-port Origin with 403', async () => {
    const guest = await createGuest(app)
    const url = `${app.wsUrl}/api/socket`
    const protocols = ['parley.v1', `parley.token.${guest.guestToken}`]
    for (const origin of [null, 'null', 'http://evil.example', 'http://app.test.evil.example', 'https://app.test', 'http://app.test:8080', 'http://app.test/path'])
      expect(await refusal(openSocket(url, protocols, origin))).toBe(403)
  })
})

describe('conversation', () => {
  it('says ready, greets, acks a message with its seq, and the bot answers it', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    const ready = await s.next('ready')
    expect(ready).toMatchObject({ guestId: guest.guestId, conversationId: guest.conversationId, lastSeq: 0 })
    const greeting = await s.next('message', (m) => m.role === 'bot')
    expect(greeting.seq).toBe(1)
    s.send({ type: 'send', clientMessageId: 'c-1', text: 'Where is my order?' })
    const echo = await s.next('message', (m) => m.role === 'guest')
    expect(echo).toMatchObject({ clientMessageId: 'c-1', text: 'Where is my order?', seq: 2 })
    expect(await s.next('ack')).toEqual({ type: 'ack', clientMessageId: 'c-1', seq: 2 })
    expect(await s.next('typing')).toMatchObject({ role: 'bot', active: true })
    const answer = await s.next('message', (m) => m.role === 'bot')
    expect(answer.text).toContain('Where is my order?')
    s.close()
  })

  it('answers a duplicate send with the original seq and appends nothing', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'dup', text: 'once' })
    const first = await s.next('ack')
    await s.next('message', (m) => m.role === 'bot' && m.text.includes('once'))
    s.send({ type: 'send', clientMessageId: 'dup', text: 'once' })
    expect(await s.next('ack')).toEqual(first)
    const { entries } = await app.store.readBefore(guest.conversationId, undefined, 100)
    expect(entries.filter((e) => e.type === 'message' && e.role === 'guest')).toHaveLength(1)
    expect(entries.filter((e) => e.type === 'message' && e.role === 'bot')).toHaveLength(2)
    s.close()
  })

  it('replays exactly what was missed after resume, and resets on a foreign epoch', async () => {
    const guest = await createGuest(app)
    const a = await openGuestSocket(app, guest)
    const ready = await a.next('ready')
    a.send({ type: 'send', clientMessageId: 'r1', text: 'one' })
    await a.next('message', (m) => m.role === 'bot' && m.text.includes('one'))
    a.close()
    await a.closed
    const b = await openGuestSocket(app, guest)
    await b.next('ready')
    b.send({ type: 'resume', epoch: ready.epoch, afterSeq: 1 })
    const replayed = [await b.next('message'), await b.next('message')]
    expect(replayed.map((m) => m.seq)).toEqual([2, 3])
    b.send({ type: 'resume', epoch: 'another-epoch', afterSeq: 1 })
    await b.next('reset')
    b.send({ type: 'resume', epoch: ready.epoch, afterSeq: 99 })
    await b.next('reset')
    b.close()
  })
})

describe('bad input', () => {
  it('answers every malformed frame with an error code and keeps the socket working', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const cases: [unknown, string][] = [
      ['{not json', 'bad_json'],
      [{ type: 'launch-missiles' }, 'unknown_type'],
      [{ type: 'send', clientMessageId: 'e1', text: '   ' }, 'empty_message'],
      [{ type: 'send', clientMessageId: 'e2', text: 'x'.repeat(4001) }, 'message_too_long'],
      [{ type: 'send', text: 'no id' }, 'bad_frame'],
      [`${'['.repeat(500)}${']'.repeat(500)}`, 'bad_json'],
    ]
    for (const [frame, code] of cases) {
      s.send(frame)
      expect((await s.next('error')).code).toBe(code)
    }
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect((await s.next('error')).code).toBe('binary_frame')
    // exactly at the limit, counted in code points (an emoji is one)
    s.send({ type: 'send', clientMessageId: 'ok', text: '😀'.repeat(4000) })
    expect(await s.next('ack')).toMatchObject({ clientMessageId: 'ok' })
    s.send({ type: 'ping' })
    await s.next('pong')
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.close()
  })

  it('closes with 1009 on a frame over PARLEY_MAX_FRAME_BYTES', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'big', text: 'x'.repeat(70_000) })
    expect((await s.closed).code).toBe(1009)
  })

  it('rate-limits a flooding guest with retryAfterMs, then closes with 4008 on sustained abuse', async () => {
    const limited = await startTestApp({ PARLEY_MSG_RATE: '1', PARLEY_MSG_BURST: '2' })
    try {
      const guest = await createGuest(limited)
      const s = await openGuestSocket(limited, guest)
      await s.next('ready')
      for (let i = 0; i < 3; i++) s.send({ type: 'send', clientMessageId: `f${i}`, text: `flood ${i}` })
      const err = await s.next('error')
      expect(err).toMatchObject({ code: 'rate_limited', clientMessageId: 'f2' })
      expect(err.retryAfterMs).toBeGreaterThan(0)
      for (let i = 0; i < 60; i++) s.send({ type: 'send', clientMessageId: `g${i}`, text: 'again' })
      expect((await s.closed).code).toBe(4008)
    } finally {
      await limited.app.close()
    }
  })
})

describe('shutdown', () => {
  it('closes sockets with 1012 and turns not-ready when draining', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const drained = app.drain()
    expect((await s.closed).code).toBe(1012)
    await drained
  })
})
