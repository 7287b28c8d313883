/**
 * Issue 24 point 3, and the socket-count points of 11: every frame type has a per-socket budget (20
 * `resume` frames of about 1 kB drew 3.6 MiB of replay), over it the guest gets an error frame and, when it
 * goes on, 4008; parallel upgrades cannot open more than PARLEY_SOCKETS_PER_GUEST sockets, and upgrades
 * that never become sockets leave nothing behind.
 */
import { connect } from 'node:net'
import WebSocket from 'ws'
import { describe, expect, it } from 'vitest'
import { createGuest, openGuestSocket, ORIGIN, type TestApp } from '../../server/test-support'
import { abuseApp, calmGuest, expectWithinTwice, roundTrip } from './healthy'

let app: TestApp
abuseApp((a) => (app = a))

const ENTRIES = 100

async function guestWithHistory() {
  const guest = await createGuest(app)
  for (let i = 0; i < ENTRIES; i++)
    await app.store.append(guest.conversationId, { type: 'message', id: `m${i}`, role: 'agent', text: `${i} ${'x'.repeat(1000)}`, sentAt: new Date().toISOString() })
  const s = await openGuestSocket(app, guest)
  const ready = await s.next('ready')
  return { guest, s, epoch: ready.epoch }
}

/** Frames that stop arriving: resolves once none came for `quietMs` (bounded by `maxMs`). */
async function settle(count: () => number, quietMs = 300, maxMs = 5000): Promise<void> {
  const until = Date.now() + maxMs
  let last = -1
  while (Date.now() < until && count() !== last) {
    last = count()
    await new Promise((resolve) => setTimeout(resolve, quietMs))
  }
}

describe('per-socket frame budgets (point 3)', () => {
  it('20 resume frames replay the history about twice, not 20 times; others keep their latency', async () => {
    const calm = await calmGuest(app)
    const baseline = await roundTrip(calm)
    const { s, epoch } = await guestWithHistory()
    let replayed = 0
    s.ws.on('message', (data: Buffer) => {
      if (data.toString('utf8').startsWith('{"type":"message"')) replayed++
    })
    for (let i = 0; i < 20; i++) s.send({ type: 'resume', epoch, afterSeq: 0 })
    const during = await roundTrip(calm)
    await settle(() => replayed)
    // the budget's burst is 2 resumes
    expect(replayed).toBeLessThanOrEqual(2 * ENTRIES)
    const refused = s.frames.filter((f) => f.type === 'error')
    expect(refused.length).toBeGreaterThanOrEqual(18)
    expect(refused.every((f) => f.type === 'error' && f.code === 'rate_limited' && (f.retryAfterMs ?? 0) > 0)).toBe(true)
    expectWithinTwice(during, baseline)
    s.close()
    calm.close()
  })

  const floods: [string, (epoch: string, token: string) => unknown][] = [
    ['resume', (epoch) => ({ type: 'resume', epoch, afterSeq: 0 })],
    ['auth', (_epoch, token) => ({ type: 'auth', token })],
    ['read', () => ({ type: 'read', upToSeq: 1 })],
    ['ping', () => ({ type: 'ping' })],
    ['malformed', () => '{"type":'],
  ]
  it.each(floods)('a flood of 200 %s frames gets error frames, then 4008', async (_type, frame) => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    const { epoch } = await s.next('ready')
    for (let i = 0; i < 200 && s.ws.readyState === WebSocket.OPEN; i++) s.send(frame(epoch, guest.guestToken))
    expect((await s.closed).code).toBe(4008)
    expect(s.frames.some((f) => f.type === 'error' && f.code === 'rate_limited')).toBe(true)
  })
})

/** Opens a raw upgrade and resolves with the status line's code (101 when it became a socket). */
function rawUpgrade(port: number, token: string, key = 'dGhlIHNhbXBsZSBub25jZQ=='): Promise<{ status: number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port })
    sock.on('error', reject)
    let head = ''
    sock.on('data', (d: Buffer) => {
      head += d.toString('latin1')
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head)
      if (m) resolve({ status: Number(m[1]), close: () => sock.destroy() })
    })
    sock.on('close', () => resolve({ status: 0, close: () => undefined }))
    const keyHeader = key ? `Sec-WebSocket-Key: ${key}\r\n` : ''
    sock.write(
      `GET /api/socket HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${ORIGIN}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Version: 13\r\n${keyHeader}Sec-WebSocket-Protocol: parley.v1, parley.token.${token}\r\n\r\n`,
    )
  })
}

const tracked = async (target: TestApp): Promise<number | undefined> => {
  const text = (await target.app.inject({ url: '/metrics' })).body
  const line = text.split('\n').find((l) => l.startsWith('parley_guest_limits_tracked '))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}

describe('sockets per guest (point 11)', () => {
  it('30 upgrades written at once open at most PARLEY_SOCKETS_PER_GUEST sockets', async () => {
    const guest = await createGuest(app)
    const port = Number(new URL(app.url).port)
    const attempts = await Promise.all(Array.from({ length: 30 }, () => rawUpgrade(port, guest.guestToken)))
    const statuses = attempts.map((a) => a.status)
    expect(statuses.filter((s) => s === 101)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(25)
    for (const a of attempts) a.close()
  })

  it('requests that never become sockets (no upgrade, a handshake ws refuses) leave no per-guest entry behind', async () => {
    const port = Number(new URL(app.url).port)
    const guests = await Promise.all(Array.from({ length: 10 }, () => createGuest(app)))
    for (const g of guests) {
      const plain = await app.app.inject({ url: '/api/socket', headers: { origin: ORIGIN, 'sec-websocket-protocol': `parley.v1, parley.token.${g.guestToken}` } })
      expect(plain.statusCode).toBe(404)
      const bad = await rawUpgrade(port, g.guestToken, '')
      expect(bad.status).toBe(400)
      bad.close()
    }
    await expect.poll(() => tracked(app), { timeout: 3000 }).toBe(0)
    // and the places are free: each guest can still open its sockets
    const s = await openGuestSocket(app, guests[0] ?? (await createGuest(app)))
    await s.next('ready')
    expect(await tracked(app)).toBe(1)
    s.close()
    await s.closed
    await expect.poll(() => tracked(app), { timeout: 3000 }).toBe(0)
  })
})
