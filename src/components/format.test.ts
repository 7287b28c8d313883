import { describe, expect, it } from 'vitest'
import { formatText, inline } from './format'
import { HOSTILE } from './hostile.test-helper'

describe('formatText', () => {
  it('reads bold, italic, code and links', () => {
    expect(inline('**Hi** *there* _you_ `a*b*c` [docs](https://example.com/d)')).toEqual([
      { t: 'b', c: [{ t: 'text', v: 'Hi' }] },
      { t: 'text', v: ' ' },
      { t: 'i', c: [{ t: 'text', v: 'there' }] },
      { t: 'text', v: ' ' },
      { t: 'i', c: [{ t: 'text', v: 'you' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: 'a*b*c' },
      { t: 'text', v: ' ' },
      { t: 'link', v: 'docs', href: 'https://example.com/d' },
    ])
  })

  it('nests emphasis and autolinks inside it', () => {
    expect(inline('**see https://example.com**')).toEqual([{ t: 'b', c: [{ t: 'text', v: 'see ' }, { t: 'link', v: 'https://example.com', href: 'https://example.com/' }] }])
  })

  it('leaves arithmetic, snake_case and lone markers alone', () => {
    for (const text of ['2 * 3 * 4', 'my_var_name', 'a ** b', 'price: 5*']) expect(inline(text)).toEqual([{ t: 'text', v: text }])
  })

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '//evil.example'])('keeps a [link](%s) as text', (url) => {
    const parts = inline(`[click](${url})`)
    expect(parts.some((p) => p.t === 'link' && p.v === 'click')).toBe(false)
    expect(parts.map((p) => ('v' in p ? p.v : '')).join('')).toContain('[click]')
  })

  it('groups list lines into lists between paragraphs', () => {
    expect(formatText('Options:\n- one\n* two\n1. first\n2) second\nThanks')).toEqual([
      { t: 'p', c: [{ t: 'text', v: 'Options:' }] },
      { t: 'ul', items: [[{ t: 'text', v: 'one' }], [{ t: 'text', v: 'two' }]] },
      { t: 'ol', items: [[{ t: 'text', v: 'first' }], [{ t: 'text', v: 'second' }]] },
      { t: 'p', c: [{ t: 'text', v: 'Thanks' }] },
    ])
  })

  it('keeps line breaks of a paragraph', () => {
    expect(formatText('a\n\nb')).toEqual([{ t: 'p', c: [{ t: 'text', v: 'a\n\nb' }] }])
  })

  it.each(HOSTILE)('never turns markup into anything but text or a safe link: %s', (xss) => {
    const walk = (nodes: ReturnType<typeof inline>): boolean =>
      nodes.every((n) => (n.t === 'link' ? /^(https?|mailto):/.test(n.href) : n.t === 'b' || n.t === 'i' ? walk(n.c) : true))
    for (const block of formatText(xss)) expect(block.t === 'p' ? walk(block.c) : block.items.every(walk)).toBe(true)
  })
})
