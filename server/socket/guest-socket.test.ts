import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGuest, openGuestSocket, startTestApp, type TestApp } from '../test-support'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp()
})
afterEach(() => app.app.close())

describe('handshake', () => {
  it('selects parley.v1 and never echoes the token', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    expect(s.ws.protocol).toBe('parley.v1')
    s.close()
  })
})

describe('conversation', () => {
  it('says ready, greets, acks a message with its seq, and the bot answers it', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    const ready = await s.next('ready')
    expect(ready).toMatchObject({ guestId: guest.guestId, conversationId: guest.conversationId, lastSeq: 0 })
    const greeting = await s.next('message', (m) => m.role === 'bot')
    expect(greeting.seq).toBe(1)
    s.send({ type: 'send', clientMessageId: 'c-1', text: 'Where is my order?' })
    const echo = await s.next('message', (m) => m.role === 'guest')
    expect(echo).toMatchObject({ clientMessageId: 'c-1', text: 'Where is my order?', seq: 2 })
    expect(await s.next('ack')).toEqual({ type: 'ack', clientMessageId: 'c-1', seq: 2 })
    expect(await s.next('typing')).toMatchObject({ role: 'bot', active: true })
    const answer = await s.next('message', (m) => m.role === 'bot')
    expect(answer.text).toContain('Where is my order?')
    s.close()
  })

  it('answers a duplicate send with the original seq and appends nothing', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'dup', text: 'once' })
    const first = await s.next('ack')
    await s.next('message', (m) => m.role === 'bot' && m.text.includes('once'))
    s.send({ type: 'send', clientMessageId: 'dup', text: 'once' })
    expect(await s.next('ack')).toEqual(first)
    const { entries } = await app.store.readBefore(guest.conversationId, undefined, 100)
    expect(entries.filter((e) => e.type === 'message' && e.role === 'guest')).toHaveLength(1)
    expect(entries.filter((e) => e.type === 'message' && e.role === 'bot')).toHaveLength(2)
    s.close()
  })

  it('replays exactly what was missed after resume, and resets on a foreign epoch', async () => {
    const guest = await createGuest(app)
    const a = await openGuestSocket(app, guest)
    const ready = await a.next('ready')
    a.send({ type: 'send', clientMessageId: 'r1', text: 'one' })
    await a.next('message', (m) => m.role === 'bot' && m.text.includes('You said: "one"'))
    a.close()
    await a.closed
    const b = await openGuestSocket(app, guest)
    await b.next('ready')
    b.send({ type: 'resume', epoch: ready.epoch, afterSeq: 1 })
    const replayed = [await b.next('message'), await b.next('message')]
    expect(replayed.map((m) => m.seq)).toEqual([2, 3])
    b.send({ type: 'resume', epoch: 'another-epoch', afterSeq: 1 })
    await b.next('reset')
    b.send({ type: 'resume', epoch: ready.epoch, afterSeq: 99 })
    await b.next('reset')
    b.close()
  })
})

describe('shutdown', () => {
  it('closes sockets with 1012 and turns not-ready when draining', async () => {
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    const drained = app.drain()
    expect((await s.closed).code).toBe(1012)
    await drained
  })
})
