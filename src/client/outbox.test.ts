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
    a.ack(first.clientMessageId, 7)
    const b = createOutbox({ storage, key: 'o', onChange: () => undefined })
    expect(b.sending().map((x) => x.text)).toEqual(['two'])
    expect(b.items()[0]).toMatchObject({ text: 'one', state: 'sent', seq: 7 })
  })

  it('tracks an acked message until its entry arrives or a loaded page covers it', () => {
    const o = createOutbox({ key: 'o', onChange: () => undefined })
    const one = o.add('one')
    const two = o.add('two')
    const three = o.add('three')
    o.ack(one.clientMessageId, 3)
    o.ack(two.clientMessageId, 5)
    o.ack(two.clientMessageId, 9) // a duplicate ack never moves the seq
    o.forget(one.clientMessageId)
    expect(o.items().map((x) => [x.text, x.state, x.seq])).toEqual([['two', 'sent', 5], ['three', 'sending', undefined]])
    o.forgetUpTo(5)
    expect(o.items().map((x) => x.text)).toEqual(['three'])
    o.put({ ...three, text: 'other' })
    o.put({ clientMessageId: 'from-tab-2', text: 'hi', createdAt: three.createdAt, state: 'sending' })
    expect(o.sending().map((x) => x.text)).toEqual(['three', 'hi'])
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
