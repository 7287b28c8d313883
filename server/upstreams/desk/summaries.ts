/**
 * @module server/upstreams/desk/summaries
 * The conversation list rows the desk shows: unread guest messages and the last message.
 */
import type { ConversationSummary, TranscriptEntry } from '../../../src/protocol'
import type { ConversationRecord, ConversationStore } from '../../stores/types'

const UNREAD_SCAN = 1000

export async function summarize(store: ConversationStore, c: ConversationRecord): Promise<ConversationSummary> {
  const unseen = await store.readAfter(c.id, c.deskReadSeq, UNREAD_SCAN)
  const unread = unseen.filter((e) => e.type === 'message' && e.role === 'guest').length
  const summary: ConversationSummary = {
    id: c.id,
    guestName: c.guestName,
    status: c.status,
    unread,
    updatedAt: c.updatedAt,
    guestReadSeq: c.guestReadSeq ?? 0,
  }
  if (c.offline) summary.offline = true
  if (c.rating) summary.rating = c.rating
  const guest = await store.getGuest(c.guestId)
  if (guest?.email) summary.email = guest.email
  if (guest && Object.keys(guest.attributes).length) summary.attributes = guest.attributes
  const tail: TranscriptEntry[] = unseen.length ? unseen : (await store.readBefore(c.id, undefined, 20)).entries
  for (let i = tail.length - 1; i >= 0; i--) {
    const e = tail[i]
    if (e?.type === 'message') {
      summary.lastMessage = { role: e.role, text: e.text.slice(0, 200), sentAt: e.sentAt }
      break
    }
  }
  return summary
}
