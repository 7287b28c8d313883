import { describe, expect, it } from 'vitest'
import type { StoreEvent } from '../stores/types'
import { createDispatch } from './dispatch'

function fakeStore(): { subscribe(l: (e: StoreEvent) => void): () => void; emit(e: StoreEvent): void; listeners: number } {
  const listeners = new Set<(e: StoreEvent) => void>()
  return {
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    emit: (e) => listeners.forEach((l) => l(e)),
    get listeners() {
      return listeners.size
    },
  }
}

const typing = (conversationId: string): StoreEvent => ({ type: 'signal', conversationId, signal: { type: 'typing', role: 'agent', active: true } })

describe('the guest socket dispatch', () => {
  it('gives each socket the events of its own conversation and its own guest only, from one store subscription', () => {
    const store = fakeStore()
    const dispatch = createDispatch(store)
    const a: string[] = []
    const b: string[] = []
    dispatch.watch('c-a', 'g-a', (e) => a.push(e.type))
    dispatch.watch('c-b', 'g-b', (e) => b.push(e.type))
    store.emit(typing('c-a'))
    store.emit({ type: 'revoked', guestId: 'g-b' })
    store.emit(typing('c-other'))
    expect(a).toEqual(['signal'])
    expect(b).toEqual(['revoked'])
    expect(store.listeners).toBe(1)
  })

  it('reaches every socket of a conversation, stops after unsubscribe, and lets go of the store on close', () => {
    const store = fakeStore()
    const dispatch = createDispatch(store)
    const seen: string[] = []
    const stop1 = dispatch.watch('c', 'g', () => seen.push('tab 1'))
    dispatch.watch('c', 'g', () => seen.push('tab 2'))
    store.emit(typing('c'))
    stop1()
    store.emit(typing('c'))
    expect(seen).toEqual(['tab 1', 'tab 2', 'tab 2'])
    dispatch.close()
    expect(store.listeners).toBe(0)
  })

  it('lets a listener unsubscribe itself while an event is delivered without skipping the others', () => {
    const store = fakeStore()
    const dispatch = createDispatch(store)
    const seen: string[] = []
    const stop = dispatch.watch('c', 'g', () => {
      seen.push('first')
      stop()
    })
    dispatch.watch('c', 'g', () => seen.push('second'))
    store.emit(typing('c'))
    store.emit(typing('c'))
    expect(seen).toEqual(['first', 'second', 'second'])
  })
})
