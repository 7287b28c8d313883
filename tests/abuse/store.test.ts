/**
 * Issue 24 point 1: the in-memory store does not grow without bound. At PARLEY_MAX_GUESTS (and
 * PARLEY_MAX_STORE_BYTES) with nothing idle to evict, new guests get 503 with Retry-After; the guests
 * already there keep chatting, and "end and forget" frees a place (the guest record goes too).
 * Retention and eviction by idleness are in server/stores/memory.test.ts with a clock.
 */
import { describe, expect, it } from 'vitest'
import { openGuestSocket, ORIGIN, startTestApp, type CreatedGuest } from '../../server/test-support'

describe('memory store caps (point 1)', () => {
  it('refuses new guests past PARLEY_MAX_GUESTS with 503 + Retry-After, never crashes, and frees a place on "end chat"', async () => {
    const app = await startTestApp({ PARLEY_MAX_GUESTS: '10', PARLEY_DESK_BOT: 'off' })
    try {
      const create = (i: number) => app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {}, remoteAddress: `198.51.100.${i + 1}` })
      const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => create(i)))
      expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(10)
      const refused = answers.filter((r) => r.statusCode === 503)
      expect(refused).toHaveLength(5)
      for (const r of refused) {
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0)
        expect(r.json()).toMatchObject({ code: 'unavailable' })
      }
      const first = answers[0]?.json<CreatedGuest>()
      if (!first) throw new Error('no guest')
      // a guest already in keeps chatting
      const s = await openGuestSocket(app, first)
      await s.next('ready')
      s.send({ type: 'send', clientMessageId: 'full', text: 'still works' })
      await s.next('ack')
      s.close()
      await s.closed
      expect((await app.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: ORIGIN, authorization: `Bearer ${first.guestToken}` } })).statusCode).toBe(204)
      expect((await create(100)).statusCode).toBe(201)
      expect((await app.app.inject({ url: '/readyz' })).statusCode).toBe(200)
    } finally {
      await app.app.close()
    }
  })
})
