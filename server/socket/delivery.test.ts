import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createGuest, HandshakeRefused, openDeskSocket, openGuestSocket, openSocket, signGuestToken, startTestApp, type TestApp } from '../test-support'

let app: TestApp | undefined
afterEach(async () => {
  await app?.app.close()
  app = undefined
})

/** The TCP socket under a `ws` client, to stop reading from it (a half-open or slow peer). */
function tcpOf(ws: object): Socket {
  const s: unknown = '_socket' in ws ? ws._socket : undefined
  if (!s || typeof s !== 'object' || !('pause' in s)) throw new Error('no TCP socket under this WebSocket')
  // `_socket` is ws's own field for the net.Socket it wraps; checked above to be stream-like
  return s as Socket
}

describe('receipts', () => {
  it('says delivered once the upstream took a message and read once an agent opened the conversation', async () => {
    app = await startTestApp()
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'r-1', text: 'hello' })
    const { seq } = await s.next('ack')
    expect(await s.next('receipt', (r) => r.status === 'delivered')).toEqual({ type: 'receipt', status: 'delivered', upToSeq: seq })
    const desk = await openDeskSocket(app)
    desk.ws.send(JSON.stringify({ type: 'open', conversationId: guest.conversationId }))
    const read = await s.next('receipt', (r) => r.status === 'read')
    expect(read.upToSeq).toBeGreaterThanOrEqual(seq)
    desk.ws.close()
    // a socket opened later learns both marks at once
    s.close()
    const again = await openGuestSocket(app, guest)
    await again.next('ready')
    expect((await again.next('receipt', (r) => r.status === 'delivered')).upToSeq).toBeGreaterThanOrEqual(seq)
    expect((await again.next('receipt', (r) => r.status === 'read')).upToSeq).toBe(read.upToSeq)
    again.close()
  })
})

describe('tokens on an open socket', () => {
  it('refuses an `auth` frame with another guest\'s or a broken token, and keeps the socket', async () => {
    app = await startTestApp()
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const other = await createGuest(app)
    s.send({ type: 'auth', token: other.guestToken })
    expect(await s.next('error')).toMatchObject({ code: 'unauthorized' })
    s.send({ type: 'auth', token: 'not-a-token' })
    expect(await s.next('error')).toMatchObject({ code: 'unauthorized' })
    s.send({ type: 'ping' })
    await s.next('pong')
    s.close()
  })

  it('closes with 4001 at expiry, unless an `auth` frame brought a fresh token first', async () => {
    app = await startTestApp()
    const guest = await createGuest(app)
    const shortLived = await signGuestToken(guest, 2)
    const stale = await openSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${shortLived}`])
    const fresh = await openSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${shortLived}`])
    await stale.next('ready')
    await fresh.next('ready')
    const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: guest.refreshToken } })
    expect(res.statusCode).toBe(200)
    fresh.send({ type: 'auth', token: res.json<{ guestToken: string }>().guestToken })
    expect((await stale.closed).code).toBe(4001)
    fresh.send({ type: 'ping' })
    await fresh.next('pong')
    expect(fresh.frames.filter((f) => f.type === 'error')).toEqual([])
    fresh.close()
  })
})

describe('liveness', () => {
  it('terminates a socket that stops answering pings within two heartbeat intervals', async () => {
    app = await startTestApp({ PARLEY_HEARTBEAT_MS: '150' })
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    expect((await s.next('ready')).heartbeatMs).toBe(150)
    expect(app.app.server.listening).toBe(true)
    const started = Date.now()
    // a half-open peer: nothing it is sent is read, so no pong ever comes back
    tcpOf(s.ws).pause()
    await until(() => hubCount(app) === 0, 2000)
    expect(Date.now() - started).toBeLessThan(2 * 150 + 250)
    s.ws.terminate()
  })

  it('pings every one of 600 sockets each round although a round is split into slices, and cuts the silent one among them', async () => {
    const started = await startTestApp({ PARLEY_HEARTBEAT_MS: '200', PARLEY_DESK_BOT: 'off', PARLEY_GUEST_RATE: '100000' })
    app = started
    const sockets = await Promise.all(Array.from({ length: 600 }, async () => openGuestSocket(started, await createGuest(started))))
    await Promise.all(sockets.map((s) => s.next('ready')))
    const pinged = new Set<number>()
    sockets.forEach((s, i) => s.ws.on('ping', () => pinged.add(i)))
    const silent = sockets[599]
    if (!silent) throw new Error('no socket')
    tcpOf(silent.ws).pause()
    await until(() => pinged.size === 599 && hubCount(started) === 599, 5000)
    expect(hubCount(started)).toBe(599)
    for (const s of sockets) s.ws.terminate()
  })

  it('closes a consumer that stops reading with 4010 once its buffer passes the cap, and it can resume', async () => {
    app = await startTestApp({ PARLEY_SLOW_CONSUMER_BYTES: '65536', PARLEY_DESK_BOT: 'off' })
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    const ready = await s.next('ready')
    tcpOf(s.ws).pause()
    const closed = new Promise<number>((resolve) => s.ws.once('close', resolve))
    // an agent floods the conversation: 2,000 × 4 kB = 8 MB, far past the cap and the kernel's buffers
    for (let i = 0; i < 2000; i++)
      await app.store.append(guest.conversationId, { type: 'message', id: `flood-${i}`, role: 'agent', text: 'x'.repeat(4000), sentAt: new Date().toISOString() })
    // the guest reads again: it finds what was buffered up to the cap, then the close frame
    tcpOf(s.ws).resume()
    expect(await closed).toBe(4010)
    expect(s.frames.length).toBeLessThan(2000)
    const after = await openGuestSocket(app, guest)
    await after.next('ready')
    const lastSeen = Math.max(0, ...s.frames.flatMap((f) => (f.type === 'message' ? [f.seq] : [])))
    after.send({ type: 'resume', epoch: ready.epoch, afterSeq: lastSeen })
    // what it missed comes back from its last seq; a gap past the replay window is a `reset` (refetch over HTTP)
    if (2000 - lastSeen > 500) await after.next('reset')
    else expect((await after.next('message')).seq).toBe(lastSeen + 1)
    after.close()
  })
})

describe('graceful restart', () => {
  it('refuses new sockets while draining and closes open ones with 1012 spread over the window', async () => {
    app = await startTestApp({ PARLEY_DRAIN_MS: '600' })
    const started = Date.now()
    const sockets = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const guest = await createGuest(app as TestApp)
        const s = await openGuestSocket(app as TestApp, guest)
        await s.next('ready')
        return { s, guest }
      }),
    )
    const closedAt = sockets.map(({ s }) => s.closed.then((c) => ({ code: c.code, at: Date.now() - started })))
    const drained = app.drain()
    const ready = await app.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    const first = sockets[0]
    if (!first) throw new Error('no sockets opened')
    const late = await openGuestSocket(app, first.guest).then(
      () => 0,
      (err: unknown) => (err instanceof HandshakeRefused ? err.status : -1),
    )
    expect(late).toBe(503)
    const closes = await Promise.all(closedAt)
    await drained
    expect(closes.every((c) => c.code === 1012)).toBe(true)
    const times = closes.map((c) => c.at).sort((a, b) => a - b)
    // spread, not all at once: the first and last close are apart by a good part of the window
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThan(150)
    app = undefined
  })
})

function hubCount(a: TestApp | undefined): number {
  return a?.guestSockets() ?? 0
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
