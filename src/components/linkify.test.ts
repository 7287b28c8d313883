import { describe, expect, it } from 'vitest'
import { displayText } from '../protocol/display-text'
import { linkify } from './linkify'

describe('linkify', () => {
  it('links http, https and mailto, leaving trailing punctuation outside', () => {
    expect(linkify('See https://example.com/a?b=1. Or mail help@example.com!')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. Or mail ' },
      { kind: 'link', text: 'help@example.com', href: 'mailto:help@example.com' },
      { kind: 'text', text: '!' },
    ])
  })
  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', 'JaVaScRiPt:alert(1)'])(
    'never links %s',
    (text) => {
      expect(linkify(text).every((p) => p.kind === 'text')).toBe(true)
    },
  )
  it('does not turn markup into anything but text', () => {
    const parts = linkify('<img src=x onerror=alert(1)>')
    expect(parts).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)>' }])
  })
  it('cannot reverse what a link shows: an override inside a URL is gone before linkify', () => {
    const parts = linkify(displayText('https://example.com/\u202Egpj.exe'))
    expect(parts).toEqual([{ kind: 'link', text: 'https://example.com/gpj.exe', href: 'https://example.com/gpj.exe' }])
  })
})
