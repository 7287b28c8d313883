/**
 * @module client/outbox
 * Guest messages that are not yet acknowledged, in the order they were written. Kept in storage so a
 * reload resends them; the BFF de-duplicates by `clientMessageId`, so resending is always safe.
 */
import { MAX_ID_LENGTH } from '../protocol'
import { asObject, readId, readOneOf, readString } from '../protocol/read'
import { safeRead, safeWrite, type StorageLike } from './storage'

export interface OutboxItem {
  clientMessageId: string
  text: string
  /** ISO 8601 */
  createdAt: string
  state: 'sending' | 'failed'
  error?: string
}

export interface Outbox {
  add(text: string): OutboxItem
  /** The BFF acknowledged it: forget it. */
  ack(clientMessageId: string): void
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

function restore(raw: unknown): OutboxItem[] {
  if (!Array.isArray(raw)) return []
  const items: OutboxItem[] = []
  for (const x of raw) {
    const o = asObject(x)
    const clientMessageId = o && readId(o, 'clientMessageId', MAX_ID_LENGTH)
    const text = o && readString(o, 'text')
    const createdAt = o && readString(o, 'createdAt', 40)
    const state = o && readOneOf(o, 'state', ['sending', 'failed'] as const)
    if (clientMessageId && text !== undefined && createdAt && state) items.push({ clientMessageId, text, createdAt, state })
  }
  return items
}

export function createOutbox(options: { storage?: StorageLike; key: string; onChange: (items: OutboxItem[]) => void }): Outbox {
  let list = restore(safeRead(options.storage, options.key))
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
    add(text) {
      const item: OutboxItem = { clientMessageId: newClientMessageId(), text, createdAt: new Date().toISOString(), state: 'sending' }
      list = [...list, item]
      changed()
      return item
    },
    ack(id) {
      const before = list.length
      list = list.filter((item) => item.clientMessageId !== id)
      if (list.length !== before) changed()
    },
    fail(id, error) {
      update(id, { state: 'failed', error })
    },
    retry(id) {
      const item = list.find((x) => x.clientMessageId === id)
      if (!item) return undefined
      const { error: _dropped, ...rest } = item
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
