/**
 * Issue 24, "done when": another guest's round trip stays within 2× its baseline while each new attack runs
 * (the pattern of floods.test.ts): refresh floods, uploads with a bogus bearer, floods of cheap frames,
 * guest creation against the store's cap.
 */
import WebSocket from 'ws'
import { describe, it } from 'vitest'
import { createGuest, openGuestSocket, ORIGIN, type TestApp } from '../../server/test-support'
import { abuseApp, calmGuest, expectWithinTwice, roundTrip } from './healthy'

let app: TestApp
abuseApp((a) => (app = a), { PARLEY_MAX_GUESTS: '50' })

/** Runs `attack` (bounded by itself) while a calm guest measures its round trip; compares with before. */
async function calmDuring(attack: () => Promise<unknown>): Promise<void> {
  const calm = await calmGuest(app)
  const baseline = await roundTrip(calm)
  const running = attack()
  const during = await roundTrip(calm)
  await running
  expectWithinTwice(during, baseline)
  calm.close()
}

describe('other guests keep their latency during the attacks', () => {
  it('a refresh flood of 300 requests from one address', async () => {
    await calmDuring(() =>
      Promise.all(Array.from({ length: 300 }, (_, i) => app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', headers: { origin: ORIGIN }, payload: { refreshToken: `x.${i}` }, remoteAddress: '203.0.113.7' }))),
    )
  })

  it('100 uploads of 256 kB with a bogus bearer', async () => {
    const body = Buffer.alloc(256 * 1024)
    await calmDuring(() =>
      Promise.all(Array.from({ length: 100 }, () => app.app.inject({ method: 'POST', url: '/api/guest-sessions/current/attachments', headers: { origin: ORIGIN, authorization: 'Bearer bogus', 'content-type': 'image/png', 'x-parley-file-name': 'a.png' }, payload: body }))),
    )
  })

  it('a flood of ping, read and malformed frames until the socket is closed', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    await calmDuring(async () => {
      for (let i = 0; i < 600 && s.ws.readyState === WebSocket.OPEN; i++) s.send(i % 3 === 0 ? { type: 'ping' } : i % 3 === 1 ? { type: 'read', upToSeq: 1 } : '{"type":')
      await s.closed
    })
  })

  it('guest creation past PARLEY_MAX_GUESTS', async () => {
    let created: { guestToken: string }[] = []
    await calmDuring(async () => {
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: {}, remoteAddress: `198.51.100.${(i % 200) + 1}` })))
      created = answers.filter((r) => r.statusCode === 201).map((r) => r.json<{ guestToken: string }>())
    })
    // "end chat" frees the places again, for the health check after the test
    for (const g of created) await app.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: ORIGIN, authorization: `Bearer ${g.guestToken}` } })
  })
})
