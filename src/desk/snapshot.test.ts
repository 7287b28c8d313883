import { describe, expect, it } from 'vitest'
import type { ConversationSummary } from '../protocol/desk'
import { mergeSnapshot } from './snapshot'

const row = (id: string, updatedAt: string, guestName = id): ConversationSummary => ({ id, guestName, status: 'open', unread: 0, updatedAt, guestReadSeq: 0 })

describe('mergeSnapshot', () => {
  it('keeps a row that appeared live after the list was read, and a live row newer than the listed one', () => {
    const snapshot = [row('a', '2026-12-06T10:00:00Z', 'old a'), row('b', '2026-12-06T09:00:00Z')]
    const live = new Map([
      ['a', row('a', '2026-12-06T10:05:00Z', 'new a')],
      ['c', row('c', '2026-12-06T10:06:00Z')],
    ])
    const merged = mergeSnapshot(snapshot, live)
    expect(merged.map((c) => c.id)).toEqual(['c', 'a', 'b'])
    expect(merged.find((c) => c.id === 'a')?.guestName).toBe('new a')
  })

  it('lets the list win over an older live row', () => {
    const merged = mergeSnapshot([row('a', '2026-12-06T10:05:00Z', 'listed')], new Map([['a', row('a', '2026-12-06T10:00:00Z', 'stale')]]))
    expect(merged.map((c) => c.guestName)).toEqual(['listed'])
  })
})
