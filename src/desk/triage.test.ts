import { describe, expect, it } from 'vitest'
import type { ConversationSummary } from '../protocol'
import { inView, VIEWS } from './triage'

const base: ConversationSummary = { id: 'c', guestName: 'Guest', status: 'open', unread: 0, updatedAt: '2026-01-01T00:00:00Z', guestReadSeq: 0 }
const views = (c: ConversationSummary, me = 'agt_me'): string[] => VIEWS.filter((v) => inView(v.id, c, me)).map((v) => v.id)

describe('desk views', () => {
  it('a conversation the bot handles', () => {
    expect(views(base)).toEqual(['all', 'unassigned', 'bot'])
  })
  it('a request for a person waits, and leaves the bot view', () => {
    expect(views({ ...base, wantsPerson: true })).toEqual(['all', 'waiting', 'unassigned'])
    expect(views({ ...base, offline: true })).toEqual(['all', 'waiting', 'unassigned'])
  })
  it('mine is what I handle; a colleague\'s is in none of the open views but all', () => {
    const mine = { ...base, humanJoined: true, assignee: { id: 'agt_me', name: 'Me' } }
    expect(views(mine)).toEqual(['all', 'mine'])
    expect(views({ ...mine, assignee: { id: 'agt_other', name: 'Other' } })).toEqual(['all'])
  })
  it('ended is only ended', () => {
    expect(views({ ...base, status: 'ended', wantsPerson: true })).toEqual(['all', 'ended'])
  })
})
