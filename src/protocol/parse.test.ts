import { describe, expect, it } from 'vitest'
import { parseClientFrame, parseServerFrame } from './parse'

describe('parseClientFrame', () => {
  it('accepts every client frame of parley.v1', () => {
    expect(parseClientFrame('{"type":"ping"}')).toEqual({ ok: true, value: { type: 'ping' } })
    expect(parseClientFrame({ type: 'typing', active: true })).toEqual({ ok: true, value: { type: 'typing', active: true } })
    expect(parseClientFrame({ type: 'read', upToSeq: 4 })).toEqual({ ok: true, value: { type: 'read', upToSeq: 4 } })
    expect(parseClientFrame({ type: 'resume', epoch: 'e1', afterSeq: 0 })).toEqual({
      ok: true,
      value: { type: 'resume', epoch: 'e1', afterSeq: 0 },
    })
    expect(parseClientFrame({ type: 'send', clientMessageId: 'a-1', text: '', attachments: ['5b0f3c4e-9d2a'] })).toEqual({
      ok: true,
      value: { type: 'send', clientMessageId: 'a-1', text: '', attachments: ['5b0f3c4e-9d2a'] },
    })
    expect(parseClientFrame({ type: 'send', clientMessageId: 'a-1', text: 'hi', extra: 1 })).toEqual({
      ok: true,
      value: { type: 'send', clientMessageId: 'a-1', text: 'hi' },
    })
  })

  it.each([
    ['not json', '{nope', 'bad_json'],
    ['an array', '[1,2]', 'bad_frame'],
    ['no type', '{}', 'bad_frame'],
    ['an unknown type', '{"type":"launch"}', 'unknown_type'],
    ['send without id', '{"type":"send","text":"x"}', 'bad_frame'],
    ['send with an id that is not an id', '{"type":"send","clientMessageId":"<script>","text":"x"}', 'bad_frame'],
    ['send with a number text', '{"type":"send","clientMessageId":"a","text":5}', 'bad_frame'],
    ['send with attachments that are not ids', '{"type":"send","clientMessageId":"a","text":"x","attachments":["../x"]}', 'bad_frame'],
    ['send with too many attachments', `{"type":"send","clientMessageId":"a","text":"x","attachments":${JSON.stringify(Array.from({ length: 11 }, (_, i) => `a${i}`))}}`, 'bad_frame'],
    ['send with attachments that are not a list', '{"type":"send","clientMessageId":"a","text":"x","attachments":"a"}', 'bad_frame'],
    ['a negative seq', '{"type":"read","upToSeq":-1}', 'bad_frame'],
    ['a fractional seq', '{"type":"resume","epoch":"e","afterSeq":1.5}', 'bad_frame'],
    ['deep nesting', `${'['.repeat(100)}${']'.repeat(100)}`, 'bad_json'],
  ])('refuses %s with a stable code', (_name, raw, code) => {
    const r = parseClientFrame(raw)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.code).toBe(code)
  })

  it('ignores __proto__ keys without polluting prototypes', () => {
    const r = parseClientFrame('{"type":"ping","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}')
    expect(r.ok).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('parseServerFrame', () => {
  it('parses a message with an author and keeps only known fields', () => {
    const r = parseServerFrame({
      type: 'message',
      seq: 3,
      id: 'm_1',
      role: 'agent',
      author: { name: 'Ada', evil: true },
      text: 'Hello',
      sentAt: '2026-01-01T00:00:00.000Z',
      html: '<b>x</b>',
    })
    expect(r).toEqual({
      ok: true,
      value: { type: 'message', seq: 3, id: 'm_1', role: 'agent', author: { name: 'Ada' }, text: 'Hello', sentAt: '2026-01-01T00:00:00.000Z' },
    })
  })

  it('refuses a message with an unknown role or a missing seq', () => {
    expect(parseServerFrame({ type: 'message', seq: 1, id: 'm', role: 'admin', text: '', sentAt: 'x' }).ok).toBe(false)
    expect(parseServerFrame({ type: 'message', id: 'm', role: 'bot', text: '', sentAt: 'x' }).ok).toBe(false)
  })

  it('maps unknown error codes to internal but keeps the message', () => {
    expect(parseServerFrame({ type: 'error', code: 'from_the_future', message: 'm' })).toEqual({
      ok: true,
      value: { type: 'error', code: 'internal', message: 'm' },
    })
  })
})
