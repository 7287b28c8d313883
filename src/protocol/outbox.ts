/**
 * @module protocol/outbox
 * A guest message waiting for its ack, as the widget keeps it in storage and as tabs pass it to each other
 * over their BroadcastChannel. The chat store shows these items as pending rows.
 */
import { MAX_ID_LENGTH } from './limits'
import { asObject, readId, readOneOf, readSeq, readString } from './read'
import { readRichContent, type RichContent } from './rich'

/** What a guest message may carry besides its text: uploaded files, or the quick reply / button it answers. */
export type Draft = Pick<RichContent, 'attachments' | 'reply'>

export interface OutboxItem extends Draft {
  clientMessageId: string
  text: string
  /** ISO 8601 */
  createdAt: string
  /** `sent`: the BFF acknowledged it with `seq`; kept until its transcript entry arrives. */
  state: 'sending' | 'sent' | 'failed'
  seq?: number
  error?: string
}

/** Parse outbox items from storage or another tab; malformed items are dropped. */
export function parseOutboxItems(raw: unknown): OutboxItem[] {
  if (!Array.isArray(raw)) return []
  const items: OutboxItem[] = []
  for (const x of raw) {
    const o = asObject(x)
    const clientMessageId = o && readId(o, 'clientMessageId', MAX_ID_LENGTH)
    const text = o && readString(o, 'text')
    const createdAt = o && readString(o, 'createdAt', 40)
    const state = o && readOneOf(o, 'state', ['sending', 'sent', 'failed'] as const)
    const seq = o && readSeq(o, 'seq')
    const error = o && readString(o, 'error', 1000)
    if (!clientMessageId || text === undefined || !createdAt || !state || (state === 'sent' && seq === undefined)) continue
    const item: OutboxItem = { clientMessageId, text, createdAt, state }
    if (seq !== undefined) item.seq = seq
    if (error !== undefined) item.error = error
    const { attachments, reply } = readRichContent(o)
    if (attachments) item.attachments = attachments
    if (reply) item.reply = reply
    items.push(item)
  }
  return items
}
