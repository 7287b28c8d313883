/**
 * @module client/outbox
 * Guest messages that are not yet acknowledged, in the order they were written. Kept in storage so a
 * reload resends them; the BFF de-duplicates by `clientMessageId`, so resending is always safe.
 */
import { parseOutboxItems, type Draft, type OutboxItem } from '../protocol'
import { safeRead, safeWrite, type StorageLike } from './storage'

export { parseOutboxItems, type OutboxItem }

export interface Outbox {
  add(text: string, draft?: Draft): OutboxItem
  /** Adopt an item made elsewhere (another tab); one already known is left as it is. */
  put(item: OutboxItem): void
  /** The BFF acknowledged it: it is durable and will come back as a transcript entry. */
  ack(clientMessageId: string, seq: number): void
  /** Its transcript entry arrived: nothing left to track. */
  forget(clientMessageId: string): void
  /** Forget every acknowledged item at or below `seq` (they are in a transcript page just loaded). */
  forgetUpTo(seq: number): void
  fail(clientMessageId: string, error: string): void
  retry(clientMessageId: string): OutboxItem | undefined
  /** Items still to be sent, oldest first. */
  sending(): OutboxItem[]
  items(): OutboxItem[]
  clear(): void
}

const newClientMessageId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

/** A new item in the `sending` state with a fresh id. */
export function newOutboxItem(text: string, draft: Draft = {}): OutboxItem {
  return { ...draft, clientMessageId: newClientMessageId(), text, createdAt: new Date().toISOString(), state: 'sending' }
}


export function createOutbox(options: { storage?: StorageLike; key: string; onChange: (items: OutboxItem[]) => void }): Outbox {
  let list = parseOutboxItems(safeRead(options.storage, options.key))
  const changed = (): void => {
    safeWrite(options.storage, options.key, list.length ? list : undefined)
    options.onChange([...list])
  }
  const update = (id: string, patch: Partial<OutboxItem>): OutboxItem | undefined => {
    let found: OutboxItem | undefined
    list = list.map((item) => (item.clientMessageId === id ? (found = { ...item, ...patch }) : item))
    if (found) changed()
    return found
  }

  return {
    add(text, draft) {
      const item = newOutboxItem(text, draft)
      list = [...list, item]
      changed()
      return item
    },
    put(item) {
      if (list.some((x) => x.clientMessageId === item.clientMessageId)) return
      list = [...list, item]
      changed()
    },
    ack(id, seq) {
      const item = list.find((x) => x.clientMessageId === id)
      if (!item || item.state === 'sent') return
      const { error: _dropped, ...rest } = item
      list = list.map((x) => (x === item ? { ...rest, state: 'sent' as const, seq } : x))
      changed()
    },
    forget(id) {
      const before = list.length
      list = list.filter((item) => item.clientMessageId !== id)
      if (list.length !== before) changed()
    },
    forgetUpTo(seq) {
      const before = list.length
      list = list.filter((item) => item.state !== 'sent' || (item.seq ?? 0) > seq)
      if (list.length !== before) changed()
    },
    fail(id, error) {
      update(id, { state: 'failed', error })
    },
    retry(id) {
      const item = list.find((x) => x.clientMessageId === id)
      if (!item) return undefined
      const { error: _error, seq: _seq, ...rest } = item
      list = list.map((x) => (x.clientMessageId === id ? { ...rest, state: 'sending' as const } : x))
      changed()
      return list.find((x) => x.clientMessageId === id)
    },
    sending: () => list.filter((item) => item.state === 'sending'),
    items: () => [...list],
    clear() {
      list = []
      changed()
    },
  }
}
