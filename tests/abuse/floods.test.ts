/**
 * QUALITY.md §4 B6 on real sockets: floods of messages, typing, sockets and guest creations, slowloris
 * and oversized handshakes. Limits act with error frames and statuses, and one abuser never slows the others.
 */
import { connect } from 'node:net'
import WebSocket from 'ws'
import { describe, expect, it } from 'vitest'
import { createGuest, HandshakeRefused, openDeskSocket, openGuestSocket, ORIGIN, startTestApp, type TestApp } from '../../server/test-support'
import { abuseApp, expectHealthy, roundTrip } from './healthy'

let app: TestApp
abuseApp((a) => (app = a))

describe('slow and flooding clients', () => {
  it('cuts a slowloris upgrade that never finishes its headers within about 10 s', async () => {
    const port = Number(new URL(app.url).port)
    const sock = connect({ host: '127.0.0.1', port })
    sock.on('error', () => undefined) // the drip may hit the socket the server just cut
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()))
    sock.write(`GET /api/socket HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${ORIGIN}\r\nUpgrade: websocket\r\n`)
    const started = Date.now()
    // one more header line a second, never the blank line that ends them; bounded at 20 lines
    const drip = setInterval(() => !sock.destroyed && sock.write(`X-Drip: ${Date.now()}\r\n`), 1000)
    try {
      await new Promise<void>((resolve) => sock.once('close', () => resolve()))
    } finally {
      clearInterval(drip)
    }
    expect(Date.now() - started).toBeLessThan(13_000)
  }, 20_000)

  it('one guest flooding 1,000 messages/s does not slow another guest\'s round trip past 2× its baseline', async () => {
    const calm = await openGuestSocket(app, await createGuest(app))
    await calm.next('ready')
    const baseline = await roundTrip(calm)

    // the flooder sends 10 frames every 10 ms; cut off with 4008, it reconnects and goes on (at most 2 s)
    const flooderGuest = await createGuest(app)
    let stop = false
    const closes: number[] = []
    const flooding = (async () => {
      const until = Date.now() + 2000
      while (!stop && Date.now() < until) {
        const f = await openGuestSocket(app, flooderGuest)
        let n = 0
        const timer = setInterval(() => {
          for (let i = 0; i < 10 && f.ws.readyState === WebSocket.OPEN; i++) f.send({ type: 'send', clientMessageId: `f${n++}`, text: 'flood' })
        }, 10)
        closes.push((await f.closed).code)
        clearInterval(timer)
      }
    })()
    const during = await roundTrip(calm)
    stop = true
    await flooding
    expect(closes.length).toBeGreaterThan(0)
    expect(closes.every((code) => code === 4008)).toBe(true)
    // a floor of 2 ms keeps a sub-millisecond loopback baseline from turning noise into failure
    expect(during).toBeLessThan(2 * Math.max(baseline, 2))
    calm.close()
  }, 20_000)

  it('rate-limits a flooding guest with retryAfterMs, then closes with 4008 on sustained abuse', async () => {
    const limited = await startTestApp({ PARLEY_MSG_RATE: '1', PARLEY_MSG_BURST: '2', PARLEY_DESK_BOT: 'off' })
    try {
      const s = await openGuestSocket(limited, await createGuest(limited))
      await s.next('ready')
      for (let i = 0; i < 3; i++) s.send({ type: 'send', clientMessageId: `f${i}`, text: `flood ${i}` })
      const err = await s.next('error')
      expect(err).toMatchObject({ code: 'rate_limited', clientMessageId: 'f2' })
      expect(err.retryAfterMs).toBeGreaterThan(0)
      for (let i = 0; i < 60; i++) s.send({ type: 'send', clientMessageId: `g${i}`, text: 'again' })
      expect((await s.closed).code).toBe(4008)
    } finally {
      await expectHealthy(limited)
      await limited.app.close()
    }
  })

  it('limits typing at 100/s to PARLEY_TYPING_RATE with retryAfterMs, and forwards only what passed', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const desk = await openDeskSocket(app)
    let forwarded = 0
    desk.ws.on('message', (data: Buffer) => {
      if (data.toString('utf8').includes('"guest-typing"')) forwarded++
    })
    // 100 typing frames within a second; bounded at 100
    for (let i = 0; i < 100; i++) {
      s.send({ type: 'typing', active: i % 2 === 0 })
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const closed = await Promise.race([s.closed, new Promise<undefined>((resolve) => setTimeout(resolve, 300))])
    const errors = s.frames.filter((f) => f.type === 'error')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((e) => e.type === 'error' && e.code === 'rate_limited' && (e.retryAfterMs ?? 0) > 0)).toBe(true)
    // PARLEY_TYPING_RATE 1/s with a burst of 2: a second of typing lets at most 2 + 1 through
    expect(forwarded).toBeLessThanOrEqual(4)
    expect(closed?.code ?? 4008).toBe(4008)
    desk.ws.close()
  })

  it('caps sockets per guest: of 50 attempts only PARLEY_SOCKETS_PER_GUEST open, the rest get 429', async () => {
    const guest = await createGuest(app)
    const attempts = await Promise.allSettled(Array.from({ length: 50 }, () => openGuestSocket(app, guest)))
    const opened = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []))
    const statuses = attempts.flatMap((a) => (a.status === 'rejected' && a.reason instanceof HandshakeRefused ? [a.reason.status] : []))
    expect(opened).toHaveLength(5)
    expect(statuses).toEqual(Array.from({ length: 45 }, () => 429))
    for (const s of opened) s.close()
    await Promise.all(opened.map((s) => s.closed))
    // closing frees the places again
    const again = await openGuestSocket(app, guest)
    await again.next('ready')
    again.close()
  })

  it('a guest-creation burst from one address gets PARLEY_GUEST_RATE through, then 429 with Retry-After; other addresses go on', async () => {
    const burst = await Promise.all(
      Array.from({ length: 60 }, () =>
        app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {}, remoteAddress: '198.51.100.7' }),
      ),
    )
    const created = burst.filter((r) => r.statusCode === 201)
    const limited = burst.filter((r) => r.statusCode === 429)
    expect(created).toHaveLength(30)
    expect(limited).toHaveLength(30)
    for (const r of limited) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0)
      expect(r.json()).toMatchObject({ code: 'rate_limited' })
    }
    const neighbour = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {}, remoteAddress: '198.51.100.8' })
    expect(neighbour.statusCode).toBe(201)
  })

  it('answers a handshake with 2,000 headers with an error status and keeps serving', async () => {
    const port = Number(new URL(app.url).port)
    const sock = connect({ host: '127.0.0.1', port })
    sock.on('error', () => undefined)
    const headers = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${'v'.repeat(20)}`).join('\r\n')
    sock.write(`GET /api/socket HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${ORIGIN}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n\r\n`)
    let answer = ''
    sock.on('data', (d: Buffer) => (answer += d.toString('latin1')))
    await new Promise<void>((resolve) => sock.once('close', () => resolve()))
    expect(answer).toMatch(/^HTTP\/1\.1 (431|400)/)
  })
})
