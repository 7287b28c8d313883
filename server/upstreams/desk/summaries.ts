/**
 * @module server/upstreams/desk/summaries
 * The conversation list rows the desk shows: unread guest messages, the last message, who handles it,
 * whether the guest asked for a person and since when they wait. A conversation the guest has not written
 * in yet (the widget was only opened) is not a row at all.
 */
import type { AgentRef, ConversationSummary, TranscriptEntry } from '../../../src/protocol'
import type { ConversationRecord, ConversationStore } from '../../stores/types'
import { lastMessageKind, readableGuestName, triage } from './triage'

const UNREAD_SCAN = 1000
/** Entries read from the end of a transcript for the row. */
const TAIL = 50

export async function summarize(
  store: ConversationStore,
  c: ConversationRecord,
  nameOf: (agentId: string) => Promise<AgentRef>,
): Promise<ConversationSummary | undefined> {
  const { entries: tail, hasMore } = await store.readBefore(c.id, undefined, TAIL)
  const guest = await store.getGuest(c.guestId)
  const t = triage(tail, hasMore, c.humanJoined)
  const told = Boolean(guest && (guest.displayName || guest.email || guest.verified || Object.keys(guest.attributes).length))
  if (!t.guestWrote && !told && !c.offline) return undefined

  const first = tail[0]?.seq ?? c.lastSeq + 1
  const unseen = c.deskReadSeq + 1 >= first ? tail.filter((e) => e.seq > c.deskReadSeq) : await store.readAfter(c.id, c.deskReadSeq, UNREAD_SCAN)
  const summary: ConversationSummary = {
    id: c.id,
    guestName: guest && !guest.displayName && c.guestName === `Guest ${c.guestId.slice(2, 7)}` ? readableGuestName(c.guestId) : c.guestName,
    status: c.status,
    unread: unseen.filter((e) => e.type === 'message' && e.role === 'guest').length,
    updatedAt: c.updatedAt,
    guestReadSeq: c.guestReadSeq ?? 0,
  }
  if (c.offline) summary.offline = true
  if (c.rating) summary.rating = c.rating
  if (guest?.email) summary.email = guest.email
  if (guest?.language) summary.language = guest.language
  if (guest?.device) summary.device = guest.device
  if (guest && Object.keys(guest.attributes).length) summary.attributes = guest.attributes
  if (guest?.verified) {
    const { sub, name, email } = guest.verified
    summary.verified = { sub, ...(name ? { name } : {}), ...(email ? { email } : {}) }
    const others = (await store.guestsOfSub(sub)).filter((id) => id !== guest.guestId)
    const earlier = await Promise.all(others.map(async (id) => (await store.getGuest(id))?.conversationId))
    if (earlier.some(Boolean)) summary.earlier = earlier.filter((id): id is string => Boolean(id))
  }
  if (c.humanJoined) summary.humanJoined = true
  if (c.humanJoined && c.assignedTo) summary.assignee = await nameOf(c.assignedTo)
  if (t.wantsPerson) summary.wantsPerson = true
  if (t.waitingSince && c.status === 'open') summary.waitingSince = t.waitingSince
  if (c.deskReadSeq === 0 && c.status === 'open') summary.isNew = true
  const last = lastMessage(tail)
  if (last) {
    const kind = lastMessageKind(last)
    summary.lastMessage = { role: last.role, text: last.text.slice(0, 200), sentAt: last.sentAt, ...(kind ? { kind } : {}) }
  }
  return summary
}

function lastMessage(tail: readonly TranscriptEntry[]) {
  for (let i = tail.length - 1; i >= 0; i--) {
    const e = tail[i]
    if (e?.type === 'message') return e
  }
  return undefined
}
