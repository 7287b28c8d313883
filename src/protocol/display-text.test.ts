import { describe, expect, it } from 'vitest'
import { authorName, displayText } from './display-text'

describe('displayText', () => {
  it('drops bidi overrides, embeddings and isolates', () => {
    expect(displayText('a\u202Eb\u202Dc\u202Ad\u202Be\u202Cf\u2066g\u2067h\u2068i\u2069j')).toBe('abcdefghij')
  })
  it('keeps right-to-left text, the implicit marks, emoji and joiners as they are', () => {
    const text = 'שלום \u200Fعربي\u200E \u061C 👩‍👩‍👧 e\u0301'
    expect(displayText(text)).toBe(text)
  })
  it('names the author, else the role, without bidi controls', () => {
    expect(authorName({ role: 'agent', author: { name: 'Ada\u202E' } })).toBe('Ada')
    expect(authorName({ role: 'bot' })).toBe('Bot')
    expect(authorName({ role: 'agent' })).toBe('Agent')
  })
})
