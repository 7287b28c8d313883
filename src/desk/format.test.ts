import { describe, expect, it } from 'vitest'
import { dayLabel, initials, newDay, previewText, since } from './format'

describe('desk previews', () => {
  it('reads the formatting instead of showing its markers', () => {
    expect(previewText('Here is order **A-12345**: _shipped_ and `on time`')).toBe('Here is order A-12345: shipped and on time')
    expect(previewText('See [the page](https://example.com/x) now')).toBe('See the page now')
  })
  it('joins lists and paragraphs on one line', () => {
    expect(previewText('Plans:\n- fast\n- cheap')).toBe('Plans: · fast · cheap')
  })
  it('keeps markup as text', () => {
    expect(previewText('<b>hi</b>')).toBe('<b>hi</b>')
  })
})

describe('desk times', () => {
  const now = new Date('2026-03-10T15:00:00')
  it('labels today, yesterday and older days', () => {
    expect(dayLabel('2026-03-10T09:00:00', now)).toBe('Today')
    expect(dayLabel('2026-03-09T23:59:00', now)).toBe('Yesterday')
    expect(dayLabel('2026-03-01T12:00:00', now)).toMatch(/1/)
    expect(dayLabel('2025-03-01T12:00:00', now)).toMatch(/2025/)
  })
  it('puts a separator between days only', () => {
    expect(newDay(undefined, '2026-03-10T09:00:00')).toBe(true)
    expect(newDay('2026-03-10T09:00:00', '2026-03-10T23:00:00')).toBe(false)
    expect(newDay('2026-03-10T09:00:00', '2026-03-11T00:01:00')).toBe(true)
  })
  it('says how long a guest has waited', () => {
    const t = Date.parse('2026-03-10T15:00:00Z')
    expect(since('2026-03-10T14:59:40Z', t)).toBe('now')
    expect(since('2026-03-10T14:55:00Z', t)).toBe('5 min')
    expect(since('2026-03-10T12:00:00Z', t)).toBe('3 h')
    expect(since('2026-03-07T12:00:00Z', t)).toBe('3 d')
  })
  it('makes initials for avatars', () => {
    expect(initials('Ada Lovelace')).toBe('AL')
    expect(initials('grace')).toBe('G')
    expect(initials('  ')).toBe('?')
  })
})
