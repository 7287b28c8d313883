/**
 * @module server/conversations
 * Transcript writes shared by the guest socket, the desk and the upstreams, so an entry is shaped the
 * same way whoever writes it.
 */
import { randomBytes } from 'node:crypto'
import type { Author, EventKind, MessageFrame, RichContent, Role, TranscriptEntry } from '../src/protocol'
import type { ConversationStore } from './stores/types'

// 12 random bytes per id, cut from a pooled 4 kB buffer: one randomBytes call per 341 ids instead of one per
// message, which cost 7 % of the BFF's CPU under load (docs/benchmarks.md)
let pool = Buffer.alloc(0)
let offset = 0
export const newId = (prefix: string): string => {
  if (offset + 12 > pool.length) {
    pool = randomBytes(4096)
    offset = 0
  }
  offset += 12
  return `${prefix}_${pool.toString('base64url', offset - 12, offset)}`
}

const RICH_KEYS = ['attachments', 'quickReplies', 'buttons', 'cards', 'datePicker', 'reply'] as const satisfies readonly (keyof RichContent)[]

export async function appendMessage(
  store: ConversationStore,
  conversationId: string,
  message: { role: Role; text: string; author?: Author; clientMessageId?: string; sentAt?: string } & RichContent,
  dedupKey?: string | readonly string[],
): Promise<{ entry: MessageFrame; duplicate: boolean }> {
  const entry: Omit<MessageFrame, 'seq'> = {
    type: 'message',
    id: newId('m'),
    role: message.role,
    text: message.text,
    sentAt: message.sentAt ?? new Date().toISOString(),
  }
  if (message.author) entry.author = message.author
  if (message.clientMessageId) entry.clientMessageId = message.clientMessageId
  for (const key of RICH_KEYS) if (message[key] !== undefined) Object.assign(entry, { [key]: message[key] })
  const result = await store.append(conversationId, entry, dedupKey)
  if (result.entry.type !== 'message') throw new Error('dedup key collided with an event')
  return { entry: result.entry, duplicate: result.duplicate }
}

export async function appendEvent(
  store: ConversationStore,
  conversationId: string,
  kind: EventKind,
  author?: Author,
  options: { at?: string; dedupKey?: string } = {},
): Promise<TranscriptEntry> {
  const entry = { type: 'event' as const, kind, id: newId('e'), at: options.at ?? new Date().toISOString() }
  const result = await store.append(conversationId, author ? { ...entry, author } : entry, options.dedupKey)
  return result.entry
}

/** Mark a conversation ended (once) and tell everyone through the transcript. */
export async function endConversation(store: ConversationStore, conversationId: string): Promise<void> {
  const c = await store.getConversation(conversationId)
  if (!c || c.status === 'ended') return
  await store.updateConversation(conversationId, { status: 'ended' })
  await appendEvent(store, conversationId, 'conversation-ended')
}

/**
 * Move a receipt mark forward (never back): `deliveredSeq` once the upstream took a message, `deskReadSeq`
 * once an agent saw it, `guestReadSeq` once the guest saw the agent's.
 */
export async function advanceReceipt(
  store: ConversationStore,
  conversationId: string,
  field: 'deliveredSeq' | 'deskReadSeq' | 'guestReadSeq',
  seq: number,
): Promise<void> {
  const c = await store.getConversation(conversationId)
  const upTo = c && Math.min(seq, c.lastSeq)
  if (!c || upTo === undefined || (c[field] ?? 0) >= upTo) return
  await store.updateConversation(conversationId, { [field]: upTo })
}
