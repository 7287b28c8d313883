/**
 * QUALITY.md §4 B8: unicode edge cases travel guest → BFF → desk and back unchanged; the limit is counted
 * in code points the same way everywhere; what cannot be valid is repaired, never crashed on.
 */
import { describe, expect, it } from 'vitest'
import { ROUND_TRIP_TEXTS, textsAtLimit } from '../../src/protocol/text-cases.test-helper'
import { createGuest, openDeskSocket, openGuestSocket, type TestApp } from '../../server/test-support'
import { abuseApp } from './healthy'

let app: TestApp
abuseApp((a) => (app = a), { PARLEY_MSG_BURST: '100' })

async function readyGuest() {
  const guest = await createGuest(app)
  const s = await openGuestSocket(app, guest)
  await s.next('ready')
  return { guest, s }
}

describe('unicode (B8)', () => {
  it('valid text round-trips unchanged: socket echo, history, the desk, and an agent reply back', async () => {
    const { guest, s } = await readyGuest()
    const desk = await openDeskSocket(app)
    for (const [i, [name, text]] of ROUND_TRIP_TEXTS.entries()) {
      s.send({ type: 'send', clientMessageId: `u${i}`, text })
      const echo = await s.next('message', (m) => m.role === 'guest' && m.clientMessageId === `u${i}`)
      expect(echo.text, name).toBe(text)
      const atDesk = await desk.next('entry', (f) => f.type === 'entry' && f.entry.type === 'message' && f.entry.seq === echo.seq)
      expect(atDesk.type === 'entry' && atDesk.entry.type === 'message' ? atDesk.entry.text : undefined, name).toBe(text)
      desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: `r${echo.seq}`, text, agentName: 'Ada' }))
      const reply = await s.next('message', (m) => m.role === 'agent' && m.seq > echo.seq)
      expect(reply.text, name).toBe(text)
    }
    const page = await app.app.inject({ url: '/api/guest-sessions/current/messages?limit=100', headers: { authorization: `Bearer ${guest.guestToken}` } })
    const texts = page.json<{ messages: { type: string; text?: string }[] }>().messages.flatMap((m) => (m.type === 'message' ? [m.text] : []))
    for (const [name, text] of ROUND_TRIP_TEXTS) expect(texts.filter((t) => t === text), name).toHaveLength(2)
    desk.ws.close()
    s.close()
  })

  it('repairs what cannot be valid: lone surrogates become U+FFFD, NUL and other controls go, CRLF becomes LF', async () => {
    const { s } = await readyGuest()
    // raw JSON, because JSON.stringify would escape the surrogates the same way anyway; this is the wire form
    s.send('{"type":"send","clientMessageId":"s1","text":"a\\ud800b\\udc00c\\ud83d"}')
    expect((await s.next('message', (m) => m.clientMessageId === 's1')).text).toBe('a\uFFFDb\uFFFDc\uFFFD')
    s.send({ type: 'send', clientMessageId: 's2', text: 'x\u0000y\u0007z\r\nnext\rlast' })
    expect((await s.next('message', (m) => m.clientMessageId === 's2')).text).toBe('xyz\nnext\nlast')
    s.send({ type: 'send', clientMessageId: 's3', text: '\u0000\u0001' })
    expect(await s.next('error')).toMatchObject({ code: 'empty_message', clientMessageId: 's3' })
    s.close()
  })

  it.each(textsAtLimit(4000))('counts %s: exactly 4,000 passes, one more is refused with an error frame', async (_name, text) => {
    const { s } = await readyGuest()
    s.send({ type: 'send', clientMessageId: 'at', text })
    expect((await s.next('message', (m) => m.clientMessageId === 'at')).text).toBe(text)
    s.send({ type: 'send', clientMessageId: 'over', text: `${text}x` })
    expect(await s.next('error')).toMatchObject({ code: 'message_too_long', clientMessageId: 'over' })
    s.close()
  })

  it('refuses 10,000 combining marks as too long, and the socket carries on', async () => {
    const { s } = await readyGuest()
    s.send({ type: 'send', clientMessageId: 'zalgo', text: `a${'\u0301'.repeat(10_000)}` })
    expect(await s.next('error')).toMatchObject({ code: 'message_too_long' })
    s.send({ type: 'ping' })
    await s.next('pong')
    s.close()
  })
})
