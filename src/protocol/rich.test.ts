import { describe, expect, it } from 'vitest'
import { parseClientFrame, parseServerFrame } from './parse'
import { readRichContent, safeUrl, typeAllowed } from './rich'

describe('rich content', () => {
  it.each(['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:image/png;base64,AAAA', '//evil.example/x', 'https://a b', '/api/files/x?c=1', `https://x/${'a'.repeat(2000)}`])(
    'refuses the URL %s',
    (url) => expect(safeUrl(url, true)).toBeUndefined(),
  )

  it('keeps usable items and leaves out the rest, field by field', () => {
    expect(
      readRichContent({
        quickReplies: [{ text: 'Yes' }, { text: '' }, { payload: 'no-text' }, 'x'],
        cards: [{ title: 'T', imageUrl: 'javascript:x', actions: [{ type: 'link', text: 'Go', url: 'ftp://x' }, { type: 'postback', text: 'Pick' }] }, { description: 'no title' }],
        buttons: [{ type: 'link', text: 'Mail', url: 'mailto:a@b.example' }],
        attachments: [{ id: 'a1', name: 'x.png', type: 'image/png', size: 3, url: 'javascript:alert(1)' }, { id: '../x', name: 'y', type: 'y', size: 1 }],
        datePicker: { title: 'When', slots: [{ dateTime: 'not a date' }, { dateTime: '2030-01-01T10:00:00Z', durationSeconds: 60 }] },
      }),
    ).toEqual({
      quickReplies: [{ text: 'Yes', payload: 'Yes' }],
      cards: [{ title: 'T', actions: [{ type: 'postback', text: 'Pick', payload: 'Pick' }] }],
      buttons: [{ type: 'link', text: 'Mail', url: 'mailto:a@b.example' }],
      attachments: [{ id: 'a1', name: 'x.png', type: 'image/png', size: 3 }],
      datePicker: { title: 'When', slots: [{ dateTime: '2030-01-01T10:00:00Z', durationSeconds: 60 }] },
    })
  })

  it('refuses a list longer than 10 entirely', () => {
    expect(readRichContent({ quickReplies: Array.from({ length: 11 }, (_, i) => ({ text: `q${i}` })) })).toEqual({})
  })

  it('carries rich fields in message frames and replies in send frames', () => {
    const m = parseServerFrame({ type: 'message', seq: 1, id: 'm1', role: 'bot', text: 'Hi', sentAt: '2030-01-01T00:00:00Z', quickReplies: [{ text: 'A', payload: 'a' }] })
    expect(m).toMatchObject({ ok: true, value: { quickReplies: [{ text: 'A', payload: 'a' }] } })
    expect(parseClientFrame({ type: 'send', clientMessageId: 'c1', text: 'A', reply: { kind: 'quick-reply', payload: 'a', messageId: 'm1' } })).toEqual({
      ok: true,
      value: { type: 'send', clientMessageId: 'c1', text: 'A', reply: { kind: 'quick-reply', payload: 'a', messageId: 'm1' } },
    })
    expect(parseClientFrame({ type: 'send', clientMessageId: 'c1', text: 'A', reply: { kind: 'quick-reply', payload: 'x'.repeat(1001) } })).toMatchObject({ ok: false, code: 'bad_frame' })
  })

  it('matches MIME patterns', () => {
    expect(typeAllowed('image/png', ['image/*'])).toBe(true)
    expect(typeAllowed('application/pdf', ['*/*'])).toBe(true)
    expect(typeAllowed('image/svg+xml', ['image/png'])).toBe(false)
  })
})
