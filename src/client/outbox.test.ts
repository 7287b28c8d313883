import { describe, expect, it } from 'vitest'
import { createOutbox, type OutboxItem } from './outbox'
import type { StorageLike } from './storage'

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) }
}

describe('createOutbox', () => {
  it('keeps unacked messages in order across a reload', () => {
    const storage = memoryStorage()
    const a = createOutbox({ storage, key: 'o', onChange: () => undefined })
    const first = a.add('one')
    a.add('two')
    a.ack(first.clientMessageId)
    const b = createOutbox({ storage, key: 'o', onChange: () => undefined })
    expect(b.sending().map((x) => x.text)).toEqual(['two'])
  })

  it('marks failures, retries them, and forgets everything on clear', () => {
    const storage = memoryStorage()
    let seen: OutboxItem[] = []
    const o = createOutbox({ storage, key: 'o', onChange: (items) => (seen = items) })
    const item = o.add('x')
    o.fail(item.clientMessageId, 'too long')
    expect(seen[0]).toMatchObject({ state: 'failed', error: 'too long' })
    expect(o.sending()).toEqual([])
    o.retry(item.clientMessageId)
    expect(o.sending()).toHaveLength(1)
    expect(seen[0]?.error).toBeUndefined()
    o.clear()
    expect(storage.data.has('o')).toBe(false)
  })

  it('ignores garbage left in storage', () => {
    const storage = memoryStorage()
    storage.setItem('o', '[{"clientMessageId":"<bad>","text":1},"x",null]')
    expect(createOutbox({ storage, key: 'o', onChange: () => undefined }).items()).toEqual([])
  })
})
