/**
 * "The server stays healthy after the whole suite": every abuse test ends by checking that its server
 * still answers /readyz, still creates a guest that can chat, and that nothing leaked onto
 * Object.prototype.
 */
import { afterEach, beforeEach, expect } from 'vitest'
import { openGuestSocket, ORIGIN, startTestApp, type CreatedGuest, type TestApp, type TestAppOptions, type TestSocket } from '../../server/test-support'

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()

export async function expectHealthy(app: TestApp): Promise<void> {
  expect((await app.app.inject({ url: '/readyz' })).statusCode).toBe(200)
  // from an address of its own, so a test that used up the guest-creation limit does not hide a fault
  const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {}, remoteAddress: '10.99.0.1' })
  expect(res.statusCode).toBe(201)
  const s = await openGuestSocket(app, res.json<CreatedGuest>())
  await s.next('ready')
  s.send({ type: 'send', clientMessageId: 'health', text: 'still here?' })
  await s.next('ack')
  s.close()
  await s.closed
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
}

/**
 * A fresh app (desk bot off) for every test of the file, checked for health and closed after it.
 * `use` receives each new app.
 */
export function abuseApp(use: (app: TestApp) => void, env: Record<string, string> = {}, options: TestAppOptions = {}): void {
  let app: TestApp | undefined
  beforeEach(async () => {
    app = await startTestApp({ PARLEY_DESK_BOT: 'off', ...env }, 5, options)
    use(app)
  })
  afterEach(async () => {
    if (!app) return
    await expectHealthy(app)
    await app.app.close()
  })
}

/**
 * Another guest's round trip while something else runs: the median of 20 pings 25 ms apart on a socket of
 * its own. The abuse tests compare it during an attack with the same measure before it.
 */
export async function roundTrip(socket: TestSocket): Promise<number> {
  const rts: number[] = []
  for (let i = 0; i < 20; i++) {
    const t = performance.now()
    socket.send({ type: 'ping' })
    await socket.next('pong')
    rts.push(performance.now() - t)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return [...rts].sort((a, b) => a - b)[10] ?? 0
}

/** A calm guest's socket, ready, for `roundTrip`. */
export async function calmGuest(app: TestApp): Promise<TestSocket> {
  const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {}, remoteAddress: '10.99.0.2' })
  const s = await openGuestSocket(app, res.json<CreatedGuest>())
  await s.next('ready')
  return s
}

/** "Within 2× the baseline", with a floor of 2 ms so a sub-millisecond loopback baseline does not turn noise into failure. */
export function expectWithinTwice(during: number, baseline: number): void {
  expect(during).toBeLessThan(2 * Math.max(baseline, 2))
}
