/**
 * Issue 24 point 6: `POST /api/guest-sessions/refresh` is limited per address and per token family (200
 * rotations took 0.5 s before), answering 429 with Retry-After, and a refused refresh burns nothing.
 */
import { describe, expect, it } from 'vitest'
import { createGuest, ORIGIN, type TestApp } from '../../server/test-support'
import { abuseApp } from './healthy'

let app: TestApp
abuseApp((a) => (app = a))

const refresh = (refreshToken: string, remoteAddress = '127.0.0.1') =>
  app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', headers: { origin: ORIGIN }, payload: { refreshToken }, remoteAddress })

describe('refresh limits (point 6)', () => {
  it('one family rotates at most PARLEY_REFRESH_FAMILY_RATE times a minute, even from many addresses; the token refused still works later', async () => {
    const guest = await createGuest(app)
    let token = guest.refreshToken
    const statuses: number[] = []
    // a chain of 20 rotations, each from another address; bounded at 20
    for (let i = 0; i < 20; i++) {
      const res = await refresh(token, `198.51.100.${i + 1}`)
      statuses.push(res.statusCode)
      if (res.statusCode === 200) token = res.json<{ refreshToken: string }>().refreshToken
      else {
        expect(res.statusCode).toBe(429)
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(6)
    // the refused token was not used up: the guest was not revoked as if it had been replayed
    expect((await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: { authorization: `Bearer ${guest.guestToken}` } })).statusCode).toBe(200)
    // another guest's family is not affected
    const other = await createGuest(app)
    expect((await refresh(other.refreshToken, '198.51.100.99')).statusCode).toBe(200)
  })

  it('one address gets PARLEY_REFRESH_RATE attempts a minute, then 429 with Retry-After; another address goes on', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => refresh(`unknown-token-${i}`, '203.0.113.50')))
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(30)
    const limited = answers.filter((r) => r.statusCode === 429)
    expect(limited).toHaveLength(10)
    for (const r of limited) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0)
    expect((await refresh('unknown-token-x', '203.0.113.51')).statusCode).toBe(401)
  })
})
