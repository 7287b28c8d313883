import { describe, expect, it } from 'vitest'
import type { ChatItem } from '../stores/chat'
import { dayLabel, listRows, timedKeys } from './list-rows'

const msg = (seq: number, sentAt: string, role: 'guest' | 'agent' = 'agent'): ChatItem => ({ kind: 'message', key: `s${seq}`, role, text: `m${seq}`, sentAt, seq })

describe('listRows', () => {
  const now = new Date(2026, 10, 21, 15, 0)

  it('puts a separator where the local day changes, with Today and Yesterday', () => {
    const items = [msg(1, new Date(2026, 10, 19, 23, 50).toISOString()), msg(2, new Date(2026, 10, 20, 0, 10).toISOString()), msg(3, new Date(2026, 10, 21, 9).toISOString()), msg(4, new Date(2026, 10, 21, 10).toISOString())]
    const rows = listRows(items, { now, locale: 'en-GB' })
    expect(rows.map((r) => (r.kind === 'day' ? r.label : r.key))).toEqual([expect.stringMatching(/^Thursday,? 19 November 2026$/), 's1', 'Yesterday', 's2', 'Today', 's3', 's4'])
  })

  it('says Today and Yesterday in the reader\'s language, through Intl', () => {
    expect(dayLabel(new Date(2026, 10, 21, 9), now, 'de')).toBe('Heute')
    expect(dayLabel(new Date(2026, 10, 20, 9), now, 'de')).toBe('Gestern')
    expect(dayLabel(new Date(2026, 10, 21, 9), now, 'he')).toBe('היום')
    expect(dayLabel(new Date(2026, 10, 19, 9), now, 'fr')).toBe('jeudi 19 novembre 2026')
  })

  it('puts the "new messages" divider above the first message from the team after the mark', () => {
    const t = new Date(2026, 10, 21, 9).toISOString()
    const rows = listRows([msg(1, t), msg(2, t, 'guest'), msg(3, t, 'guest'), msg(4, t), msg(5, t)], { now, newAfterSeq: 2 })
    expect(rows.map((r) => r.key)).toEqual([expect.stringMatching(/^day-/), 's1', 's2', 's3', 'new-messages', 's4', 's5'])
    // nothing new: no divider
    expect(listRows([msg(1, t)], { now, newAfterSeq: 1 }).some((r) => r.kind === 'divider')).toBe(false)
    expect(listRows([msg(1, t)], { now }).some((r) => r.kind === 'divider')).toBe(false)
  })

  it("names older days in full, in the reader's locale", () => {
    expect(dayLabel(new Date(2025, 11, 31, 12), now, 'en-GB')).toMatch(/^Wednesday,? 31 December 2025$/)
    expect(dayLabel(new Date(2026, 10, 17, 12), now, 'de-DE')).toBe('Dienstag, 17. November 2026')
  })
})

describe('timedKeys', () => {
  const by = (key: string, role: 'guest' | 'agent', sentAt: string): ChatItem => ({ kind: 'message', key, role, text: key, sentAt })
  it('one time per run of messages within a minute', () => {
    const items = [
      by('a', 'guest', '2026-12-06T10:00:05Z'),
      by('b', 'guest', '2026-12-06T10:00:40Z'),
      by('c', 'agent', '2026-12-06T10:00:50Z'),
      by('d', 'agent', '2026-12-06T10:01:02Z'),
      by('e', 'agent', '2026-12-06T10:01:30Z'),
    ]
    expect([...timedKeys(items)]).toEqual(['c', 'e'])
  })
})
