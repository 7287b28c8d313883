import { afterEach, describe, expect, it } from 'vitest'
import { createGuest, ORIGIN, startTestApp, type TestApp } from '../test-support'

let app: TestApp | undefined
afterEach(() => app?.app.close())

const post = (a: TestApp, url: string, payload: unknown, token?: string) =>
  a.app.inject({ method: 'POST', url, payload: payload as object, headers: { origin: ORIGIN, ...(token ? { authorization: `Bearer ${token}` } : {}) } })

/** A schedule that is closed now: open only on the weekday three days from today, in UTC. */
function closedNow(): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7]
  return `UTC ${day} 09:00-17:00`
}

describe('availability', () => {
  it('is open without a schedule', async () => {
    app = await startTestApp()
    const res = await app.app.inject({ url: '/api/availability', headers: { origin: ORIGIN } })
    expect(res.json()).toEqual({ open: true, offlineMessages: true, attachments: { maxBytes: 10 * 1024 * 1024, types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'] } })
  })

  it('is closed outside the hours and says when it opens', async () => {
    app = await startTestApp({ PARLEY_BUSINESS_HOURS: closedNow() })
    const body = (await app.app.inject({ url: '/api/availability', headers: { origin: ORIGIN } })).json<{ open: boolean; nextChangeAt: string }>()
    expect(body.open).toBe(false)
    const next = Date.parse(body.nextChangeAt)
    expect(new Date(next).getUTCHours()).toBe(9)
    expect(next - Date.now()).toBeGreaterThan(48 * 3_600_000)
    expect(next - Date.now()).toBeLessThan(72 * 3_600_000 + 9 * 3_600_000)
  })
})

describe('offline messages', () => {
  it('land at the desk as an offline conversation with the e-mail address', async () => {
    app = await startTestApp({ PARLEY_BUSINESS_HOURS: closedNow() })
    const res = await post(app, '/api/offline-messages', { name: 'Dee', email: 'dee@example.com', message: 'Please call me back\r\nabout order 7' })
    expect(res.statusCode).toBe(201)
    const list = await app.store.listConversations()
    expect(list).toHaveLength(1)
    const c = list[0]
    expect(c).toMatchObject({ offline: true, guestName: 'Dee', status: 'open' })
    const { entries } = await app.store.readBefore(c?.id ?? '', undefined, 10)
    // stored like any guest text (CRLF normalised), and no bot answers: nobody is waiting in a widget
    expect(entries).toMatchObject([{ type: 'message', role: 'guest', text: 'Please call me back\nabout order 7', author: { name: 'Dee' } }])
    expect((await app.store.getGuest(c?.guestId ?? ''))?.email).toBe('dee@example.com')
  })

  it.each([
    [{ message: 'hi' }, 'email'],
    [{ email: 'not-an-address', message: 'hi' }, 'email'],
    [{ email: 'a@b.example', message: '   ' }, 'message'],
    [{ email: 'a@b.example', message: 'x'.repeat(4001) }, '4000'],
    [{ email: 'a@b.example', message: 'hi', name: 7 }, 'name'],
    [['an', 'array'], 'JSON object'],
  ])('refuses %j with a clear 400', async (payload, word) => {
    app = await startTestApp()
    const res = await post(app, '/api/offline-messages', payload)
    expect(res.statusCode).toBe(400)
    expect(res.json<{ detail: string }>().detail).toContain(word)
    expect(await app.store.listConversations()).toHaveLength(0)
  })

  it('are rate-limited per address like guest sessions', async () => {
    app = await startTestApp({ PARLEY_GUEST_RATE: '2' })
    const codes: number[] = []
    for (let i = 0; i < 3; i++) codes.push((await post(app, '/api/offline-messages', { email: 'a@b.example', message: `m${i}` })).statusCode)
    expect(codes).toEqual([201, 201, 429])
  })
})

describe('rating', () => {
  it('is stored on the conversation; the last one stands; bad scores and tokens are refused', async () => {
    app = await startTestApp()
    const guest = await createGuest(app)
    expect((await post(app, '/api/guest-sessions/current/rating', { score: 2 }, guest.guestToken)).statusCode).toBe(204)
    expect((await post(app, '/api/guest-sessions/current/rating', { score: 5, comment: 'Sorted!' }, guest.guestToken)).statusCode).toBe(204)
    expect((await app.store.getConversation(guest.conversationId))?.rating).toMatchObject({ score: 5, comment: 'Sorted!' })
    for (const payload of [{ score: 0 }, { score: 6 }, { score: 4.5 }, { score: '5' }, { score: 3, comment: 'x'.repeat(1001) }]) {
      const res = await post(app, '/api/guest-sessions/current/rating', payload, guest.guestToken)
      expect(res.statusCode).toBe(400)
    }
    expect((await post(app, '/api/guest-sessions/current/rating', { score: 3 })).statusCode).toBe(401)
    expect((await app.store.getConversation(guest.conversationId))?.rating?.score).toBe(5)
  })
})
