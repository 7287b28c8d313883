/**
 * Issue 24 point 4: under event-loop pressure new guest sessions and guest socket upgrades are shed with
 * 503 and Retry-After (@fastify/under-pressure), while a guest already chatting goes on; once the pressure
 * is gone, new guests are taken again.
 */
import { describe, expect, it } from 'vitest'
import { createGuest, HandshakeRefused, openGuestSocket, ORIGIN, startTestApp } from '../../server/test-support'
import { expectHealthy } from './healthy'

/** Keeps the event loop busy in 100 ms slices (a turn between them) until `stop` is called; at most 10 s. */
function pressure(): () => void {
  let on = true
  const until = Date.now() + 10_000
  const slice = (): void => {
    const end = Date.now() + 100
    while (Date.now() < end) {
      // busy: this is the pressure
    }
    if (on && Date.now() < until) setTimeout(slice, 1)
  }
  setTimeout(slice, 1)
  return () => {
    on = false
  }
}

describe('load shedding (point 4)', () => {
  it('sheds new guests and upgrades with 503 + Retry-After under pressure, keeps an open socket, recovers after', async () => {
    const app = await startTestApp({ PARLEY_MAX_EVENT_LOOP_DELAY_MS: '30', PARLEY_DESK_BOT: 'off' })
    try {
      const chatting = await openGuestSocket(app, await createGuest(app))
      await chatting.next('ready')
      const waiting = await createGuest(app)
      const stop = pressure()
      try {
        const create = () => app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {} })
        await expect.poll(async () => (await create()).statusCode, { timeout: 5000, interval: 100 }).toBe(503)
        const shed = await create()
        expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0)
        expect(shed.json()).toMatchObject({ code: 'unavailable' })
        const upgrade = await openGuestSocket(app, waiting).then(
          (s) => (s.close(), 101),
          (err: unknown) => (err instanceof HandshakeRefused ? err.status : 0),
        )
        expect(upgrade).toBe(503)
        // the guest already chatting is not shed
        chatting.send({ type: 'send', clientMessageId: 'under-pressure', text: 'still here' })
        expect(await chatting.next('ack', undefined, 10_000)).toMatchObject({ clientMessageId: 'under-pressure' })
      } finally {
        stop()
      }
      await expect.poll(async () => (await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {} })).statusCode, { timeout: 5000, interval: 200 }).toBe(201)
      chatting.close()
      await expectHealthy(app)
    } finally {
      await app.app.close()
    }
  }, 30_000)
})
