/**
 * Logs never hold tokens, message text or e-mail addresses, even when an error quotes them.
 */
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGuest, DESK_TOKEN, openDeskSocket, openGuestSocket, ORIGIN, startTestApp, type TestApp } from '../../server/test-support'
import { createDeskUpstream } from '../../server/upstreams/desk'
import { maskEmails, scrub } from '../../server/log'

const TEXT = 'MARKER-7f3a my card is 4111 1111 1111 1111'
const EMAIL = 'alice.secret@example.com'

let app: TestApp
let log = ''
beforeEach(async () => {
  log = ''
  const stream = new PassThrough()
  stream.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
  app = await startTestApp({ LOG_LEVEL: 'trace', PARLEY_DESK_BOT: 'off' }, 5, {
    logStream: stream,
    // an upstream whose errors quote what they were given, as careless libraries do
    upstream: (ctx) => ({
      ...createDeskUpstream(ctx),
      async guestMessage(_c, message) {
        throw new Error(`upstream refused "${message.text}" from ${EMAIL}`)
      },
    }),
  })
})
afterEach(() => app.app.close())

describe('logs', () => {
  it('hold no token, message text or e-mail address after a conversation full of errors', async () => {
    const guest = await createGuest(app, { displayName: 'Alice', email: EMAIL, attributes: { note: TEXT } })
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'm1', text: `${TEXT} mail ${EMAIL}` })
    await s.next('ack')
    await s.next('error', (e) => e.code === 'internal')
    s.send(`{"type":"send","text":"${TEXT}"`) // not JSON
    await s.next('error', (e) => e.code === 'bad_json')
    s.send({ type: 'auth', token: `${guest.guestToken}x` })
    await s.next('error', (e) => e.code === 'unauthorized')
    await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', headers: { origin: ORIGIN }, payload: { refreshToken: guest.refreshToken } })
    await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: ORIGIN }, payload: { email: `${EMAIL}@@` } })
    await app.app.inject({ method: 'GET', url: '/api/guest-sessions/current/messages', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
    const desk = await openDeskSocket(app)
    desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: 'd1', text: TEXT, agentName: 'Ada' }))
    await desk.next('entry')
    desk.ws.close()
    s.close()
    await s.closed

    // the entries we expect are there, so the test reads a real log
    expect(log).toContain('guest frame failed')
    expect(log).toContain("\"statusCode\":200")
    expect(log).toContain('[email]')
    for (const secret of [TEXT, 'MARKER-7f3a', EMAIL, guest.guestToken, guest.refreshToken, DESK_TOKEN]) expect(log).not.toContain(secret)
  })
})

describe('scrub', () => {
  it('masks e-mail addresses in strings, nested values and errors, and stops at depth', () => {
    const err = new Error(`no such user ${EMAIL}`)
    const out = JSON.stringify(scrub({ a: [`to ${EMAIL}`], err, deep: { b: { c: EMAIL } } }))
    expect(out).not.toContain(EMAIL)
    expect(out).toContain('no such user [email]')
    expect(maskEmails('write to a+b@x.co.uk, thanks')).toBe('write to [email], thanks')
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => scrub(cycle)).not.toThrow()
  })
})
