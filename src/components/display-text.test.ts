import { describe, expect, it } from 'vitest'
import { displayText } from './display-text'
import { linkify } from './linkify'

describe('displayText', () => {
  it('drops bidi overrides, embeddings and isolates', () => {
    expect(displayText('a\u202Eb\u202Dc\u202Ad\u202Be\u202Cf\u2066g\u2067h\u2068i\u2069j')).toBe('abcdefghij')
  })
  it('keeps right-to-left text, the implicit marks, emoji and joiners as they are', () => {
    const text = 'שלום \u200Fعربي\u200E \u061C 👩‍👩‍👧 e\u0301'
    expect(displayText(text)).toBe(text)
  })
  it('cannot reverse what a link shows: an override inside a URL is gone before linkify', () => {
    const parts = linkify(displayText('https://example.com/\u202Egpj.exe'))
    expect(parts).toEqual([{ kind: 'link', text: 'https://example.com/gpj.exe', href: 'https://example.com/gpj.exe' }])
  })
})
