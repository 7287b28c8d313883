/**
 * QUALITY.md §4 B1–B3 on real sockets: malformed, oversized, deeply nested and binary frames, fragment
 * floods, prototype-pollution keys, and raw frames that break RFC 6455.
 */
import WebSocket from 'ws'
import { describe, expect, it } from 'vitest'
import { createGuest, openGuestSocket, ORIGIN, type TestApp } from '../../server/test-support'
import { openRawSocket, type FrameOptions } from '../support/raw-socket'
import { abuseApp } from './healthy'

let app: TestApp
abuseApp((a) => (app = a))

async function readySocket() {
  const guest = await createGuest(app)
  const s = await openGuestSocket(app, guest)
  await s.next('ready')
  return Object.assign(s, { guest })
}

describe('malformed frames (B1)', () => {
  it('answers each with an error code, forwards nothing, and keeps the socket working', async () => {
    const s = await readySocket()
    const cases: [unknown, string][] = [
      ['{not json', 'bad_json'],
      ['', 'bad_json'],
      ['"just a string"', 'bad_frame'],
      ['[1,2,3]', 'bad_frame'],
      ['null', 'bad_frame'],
      [{ type: 'launch-missiles' }, 'unknown_type'],
      [{ type: 42 }, 'bad_frame'],
      [{ type: 'send', clientMessageId: 'e1', text: '   ' }, 'empty_message'],
      [{ type: 'send', clientMessageId: 'e2', text: 'x'.repeat(4001) }, 'message_too_long'],
      [{ type: 'send', text: 'no id' }, 'bad_frame'],
      [{ type: 'send', clientMessageId: 'e3', text: ['not', 'a', 'string'] }, 'bad_frame'],
      [{ type: 'send', clientMessageId: 'x'.repeat(65), text: 'id too long' }, 'bad_frame'],
      [{ type: 'send', clientMessageId: '<script>', text: 'id with markup' }, 'bad_frame'],
      ['{"type":"resume","epoch":"e","afterSeq":1e400}', 'bad_frame'],
      [{ type: 'resume', epoch: 'e', afterSeq: -1 }, 'bad_frame'],
      [{ type: 'resume', epoch: 'e', afterSeq: 2 ** 60 }, 'bad_frame'],
      [`${'['.repeat(1000)}${']'.repeat(1000)}`, 'bad_json'],
      [`{"type":"ping","x":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`, 'bad_json'],
    ]
    for (const [frame, code] of cases) {
      s.send(frame)
      expect((await s.next('error')).code, JSON.stringify(frame).slice(0, 60)).toBe(code)
    }
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect((await s.next('error')).code).toBe('binary_frame')
    // unknown fields are ignored: the frame still works
    s.send({ type: 'ping', extra: { nested: true }, another: [1, 2] })
    await s.next('pong')
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    // nothing of the refused frames reached the transcript
    expect((await app.store.readAfter(s.guest.conversationId, 0, 100)).filter((e) => e.type === 'message')).toEqual([])
    s.close()
  })

  it('ignores __proto__ and constructor keys: no prototype pollution, the frame still works', async () => {
    const s = await readySocket()
    s.send('{"type":"ping","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}')
    await s.next('pong')
    s.send('{"type":"send","clientMessageId":"p1","text":"hi","__proto__":{"text":"injected"}}')
    expect(await s.next('message', (m) => m.clientMessageId === 'p1')).toMatchObject({ text: 'hi' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    s.close()
  })
})

describe('oversized input (B2)', () => {
  it('accepts a message of exactly the limit and refuses one over it with an error frame, keeping the socket', async () => {
    const s = await readySocket()
    s.send({ type: 'send', clientMessageId: 'over', text: 'a'.repeat(4001) })
    expect(await s.next('error')).toMatchObject({ code: 'message_too_long', clientMessageId: 'over' })
    s.send({ type: 'send', clientMessageId: 'at', text: 'a'.repeat(4000) })
    expect(await s.next('ack')).toMatchObject({ clientMessageId: 'at' })
    s.close()
  })

  it.each([70_000, 1024 * 1024])('closes with 1009 on a frame of %i bytes', async (size) => {
    const s = await readySocket()
    s.send({ type: 'send', clientMessageId: 'big', text: 'x'.repeat(size) })
    expect((await s.closed).code).toBe(1009)
  })

  it('closes with 1009 on a header that declares 100 MiB, without waiting for the bytes', async () => {
    const guest = await createGuest(app)
    const raw = await openRawSocket(Number(new URL(app.url).port), { Origin: ORIGIN, 'Sec-WebSocket-Protocol': `parley.v1, parley.token.${guest.guestToken}` })
    raw.send({ opcode: 1, declaredLength: 100 * 1024 * 1024, payload: Buffer.from('{"type":') })
    expect(await raw.closed).toBe(1009)
  })

  it('closes with 1009 when fragments add up past the frame limit, before buffering them all', async () => {
    const s = await readySocket()
    const piece = 'x'.repeat(8 * 1024)
    // 16 fragments × 8 kB = 128 kB of one message against a 64 kB limit; bounded at 16 sends
    for (let i = 0; i < 16 && s.ws.readyState === WebSocket.OPEN; i++) s.ws.send(piece, { fin: i === 15 })
    expect((await s.closed).code).toBe(1009)
  })
})

describe('protocol violations (B3)', () => {
  it('closes a flood of tiny fragments with 1008 at PARLEY_MAX_FRAGMENTS, on every socket that tries', async () => {
    const port = Number(new URL(app.url).port)
    // 10 sockets, each one 1-byte start frame and up to 1,000 1-byte continuations (bounded)
    const codes = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const guest = await createGuest(app)
        const raw = await openRawSocket(port, { Origin: ORIGIN, 'Sec-WebSocket-Protocol': `parley.v1, parley.token.${guest.guestToken}` })
        raw.send({ opcode: 1, fin: false, payload: Buffer.from('{') })
        for (let i = 0; i < 1000 && !raw.socket.destroyed; i++) raw.send({ opcode: 0, fin: false, payload: Buffer.from(' ') })
        return raw.closed
      }),
    )
    expect(codes).toEqual(Array.from({ length: 10 }, () => 1008))
  })

  const text = (s: string): Buffer => Buffer.from(s, 'utf8')
  const probes: [string, number, FrameOptions[]][] = [
    ['an unmasked client frame', 1002, [{ opcode: 1, payload: text('{"type":"ping"}'), masked: false }]],
    ['invalid UTF-8', 1007, [{ opcode: 1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }]],
    ['RSV1 without an extension', 1002, [{ opcode: 1, rsv1: true, payload: text('{"type":"ping"}') }]],
    ['a 126-byte ping', 1002, [{ opcode: 9, payload: Buffer.alloc(126) }]],
    ['a fragmented ping', 1002, [{ opcode: 9, fin: false, payload: text('a') }]],
    ['an unknown opcode', 1002, [{ opcode: 3, payload: text('x') }]],
    ['a continuation without a start', 1002, [{ opcode: 0, payload: text('x') }]],
    ['close code 1005 on the wire', 1002, [{ opcode: 8, payload: Buffer.from([0x03, 0xed]) }]],
  ]
  it.each(probes)('%s is closed with %i', async (_name, code, frames) => {
    const guest = await createGuest(app)
    const raw = await openRawSocket(Number(new URL(app.url).port), { Origin: ORIGIN, 'Sec-WebSocket-Protocol': `parley.v1, parley.token.${guest.guestToken}` })
    for (const f of frames) raw.send(f)
    expect(await raw.closed).toBe(code)
  })

  it('accepts a 3-byte character split across two fragments', async () => {
    const guest = await createGuest(app)
    const raw = await openRawSocket(Number(new URL(app.url).port), { Origin: ORIGIN, 'Sec-WebSocket-Protocol': `parley.v1, parley.token.${guest.guestToken}` })
    const frame = Buffer.from('{"type":"send","clientMessageId":"split","text":"€"}', 'utf8')
    const cut = frame.indexOf(0xe2) + 1
    raw.send({ opcode: 1, fin: false, payload: frame.subarray(0, cut) })
    raw.send({ opcode: 0, fin: true, payload: frame.subarray(cut) })
    await expect.poll(async () => (await app.store.readAfter(guest.conversationId, 0, 10)).map((e) => (e.type === 'message' ? e.text : ''))).toContain('€')
    raw.socket.destroy()
  })
})
