import { describe, expect, it } from 'vitest'
import type { MessageFrame, TranscriptEntry } from '../../../src/protocol'
import { readableGuestName, triage } from './triage'

let seq = 0
const msg = (role: MessageFrame['role'], text: string, extra: Partial<MessageFrame> = {}): MessageFrame => ({
  type: 'message', seq: ++seq, id: `m${seq}`, role, text, sentAt: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`, ...extra,
})
const left = (): TranscriptEntry => ({ type: 'event', kind: 'agent-left', seq: ++seq, id: `e${seq}`, at: '2026-01-01T00:01:00Z' })

describe('desk triage', () => {
  it('a greeting alone is not a conversation to list', () => {
    expect(triage([msg('bot', 'Hi!')], false, false)).toEqual({ guestWrote: false, wantsPerson: false })
    expect(triage([msg('bot', 'Hi!')], true, false).guestWrote).toBe(true)
  })
  it('"Talk to a person" (the choice or in words) waits since it was asked', () => {
    const ask = msg('guest', 'Talk to a person', { reply: { kind: 'quick-reply', payload: 'talk-to-person' } })
    expect(triage([msg('bot', 'Hi!'), ask, msg('bot', "I've asked the team")], false, false)).toEqual({ guestWrote: true, wantsPerson: true, waitingSince: ask.sentAt })
    const words = msg('guest', 'can I speak to a human please')
    expect(triage([words], false, false)).toMatchObject({ wantsPerson: true, waitingSince: words.sentAt })
    // a choice labelled otherwise is not read as words
    expect(triage([msg('guest', 'Agent pricing', { reply: { kind: 'button', payload: 'pricing' } })], false, false).wantsPerson).toBe(false)
  })
  it('no longer waits for a person once one joined, or after one left it to the bot', () => {
    const ask = msg('guest', 'a person please')
    expect(triage([ask], false, true).wantsPerson).toBe(false)
    expect(triage([ask, left(), msg('guest', 'thanks')], false, false).wantsPerson).toBe(false)
  })
  it('with a person on it, the guest waits from their first message after the agent last wrote', () => {
    const first = msg('guest', 'one')
    expect(triage([msg('agent', 'hello'), first, msg('guest', 'two')], false, true).waitingSince).toBe(first.sentAt)
    expect(triage([first, msg('agent', 'answer')], false, true).waitingSince).toBeUndefined()
  })
  it('names an anonymous guest readably, the same each time', () => {
    const name = readableGuestName('g_wI3J9abc')
    expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{2}$/)
    expect(readableGuestName('g_wI3J9abc')).toBe(name)
    const many = new Set(Array.from({ length: 200 }, (_, i) => readableGuestName(`g_${i}`)))
    expect(many.size).toBeGreaterThan(190)
  })
})
