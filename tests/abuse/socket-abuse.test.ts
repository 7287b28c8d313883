/**
 * QUALITY.md §4 B-rows on a real socket: fragment floods, prototype pollution, slowloris handshakes,
 * cross-guest access, and one guest flooding while another keeps its round trip.
 */
import { connect } from 'node:net'
import WebSocket from 'ws'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGuest, openGuestSocket, ORIGIN, startTestApp, type TestApp } from '../../server/test-support'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp({ PARLEY_DESK_BOT: 'off' })
})
afterEach(() => app.app.close())

describe('frames', () => {
  it('closes with 1009 when fragments add up past the frame limit, before buffering them all', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const piece = 'x'.repeat(8 * 1024)
    // 16 fragments × 8 kB = 128 kB of one message against a 64 kB limit; bounded at 16 sends
    for (let i = 0; i < 16 && s.ws.readyState === WebSocket.OPEN; i++) s.ws.send(piece, { fin: i === 15 })
    expect((await s.closed).code).toBe(1009)
  })

  it('ignores __proto__ and constructor keys: no prototype pollution, the frame still works', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    s.send('{"type":"ping","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}')
    await s.next('pong')
    s.send('{"type":"send","clientMessageId":"p1","text":"hi","__proto__":{"text":"injected"}}')
    expect(await s.next('message', (m) => m.clientMessageId === 'p1')).toMatchObject({ text: 'hi' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    s.close()
  })
})

describe('access', () => {
  it('a guest can neither read nor write another guest\'s conversation', async () => {
    const a = await createGuest(app)
    const b = await createGuest(app)
    const sb = await openGuestSocket(app, b)
    await sb.next('ready')
    sb.send({ type: 'send', clientMessageId: 'b1', text: 'secret of b' })
    await sb.next('ack')
    // A's token only ever opens A's conversation, whatever A sends
    const sa = await openGuestSocket(app, a)
    const ready = await sa.next('ready')
    expect(ready.conversationId).toBe(a.conversationId)
    sa.send({ type: 'resume', epoch: ready.epoch, afterSeq: 0 })
    sa.send({ type: 'send', clientMessageId: 'a1', text: 'from a', conversationId: b.conversationId })
    await sa.next('ack')
    const res = await app.app.inject({ method: 'GET', url: `/api/guest-sessions/current/messages?conversationId=${b.conversationId}`, headers: { authorization: `Bearer ${a.guestToken}` } })
    expect(res.body).not.toContain('secret of b')
    const bEntries = (await app.store.readAfter(b.conversationId, 0, 100)).map((e) => (e.type === 'message' ? e.text : ''))
    expect(bEntries).toEqual(['secret of b'])
    expect(sa.frames.some((f) => f.type === 'message' && f.text === 'secret of b')).toBe(false)
    sa.close()
    sb.close()
  })
})

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
    const sample = async (): Promise<number> => {
      const rts: number[] = []
      // 20 round trips, 25 ms apart, so they spread over half a second
      for (let i = 0; i < 20; i++) {
        const t = performance.now()
        calm.send({ type: 'ping' })
        await calm.next('pong')
        rts.push(performance.now() - t)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      return [...rts].sort((a, b) => a - b)[10] ?? 0
    }
    const baseline = await sample()

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
    const during = await sample()
    stop = true
    await flooding
    expect(closes.length).toBeGreaterThan(0)
    expect(closes.every((code) => code === 4008)).toBe(true)
    // a floor of 2 ms keeps a sub-millisecond loopback baseline from turning noise into failure
    expect(during).toBeLessThan(2 * Math.max(baseline, 2))
    calm.close()
  }, 20_000)
})
