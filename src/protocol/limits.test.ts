import { describe, expect, it } from 'vitest'
import { countChars, hasContent, normalizeText } from './limits'

describe('countChars', () => {
  it('counts code points, so an emoji is one and a CJK character is one', () => {
    expect(countChars('abc')).toBe(3)
    expect(countChars('😀')).toBe(1)
    expect(countChars('日本語')).toBe(3)
    expect(countChars('👩‍💻')).toBe(3) // woman, zero-width joiner, laptop
    expect(countChars('\uD800')).toBe(1)
  })
  it('agrees with the spread operator on mixed text', () => {
    const text = 'héllo 😀 wörld \uD83D 𝄞'
    expect(countChars(text)).toBe([...text].length)
  })
})

describe('normalizeText', () => {
  it('replaces lone surrogates, unifies line breaks and drops control characters', () => {
    expect(normalizeText('a\uD800b')).toBe('a\uFFFDb')
    expect(normalizeText('a\uDC00')).toBe('a\uFFFD')
    expect(normalizeText('x\r\ny\rz')).toBe('x\ny\nz')
    expect(normalizeText('a\u0000b\u0007c\td')).toBe('abc\td')
  })
  it('keeps valid surrogate pairs and ordinary text unchanged', () => {
    expect(normalizeText('😀 ok')).toBe('😀 ok')
  })
  it('knows empty from blank', () => {
    expect(hasContent('  \n\t')).toBe(false)
    expect(hasContent(' x ')).toBe(true)
  })
})
