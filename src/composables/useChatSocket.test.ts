import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { createChatClient } from '../client'
import { fakeBff } from '../client/fake-bff.test-helper'
import { fakeSocketFactory } from '../client/fake-socket.test-helper'
import { useChatStore } from '../stores/chat'
import { useChatSocket } from './useChatSocket'

describe('useChatSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
  })
  afterEach(() => vi.useRealTimers())

  it("shows the agent's typing with their name and clears it after 30 s without news", async () => {
    const { fetch } = fakeBff()
    const { factory, sockets } = fakeSocketFactory()
    const client = createChatClient({ bffUrl: 'http://bff', fetch, WebSocket: factory })
    const scope = effectScope()
    scope.run(() => useChatSocket(client))
    const chat = useChatStore()
    await client.start()
    await vi.advanceTimersByTimeAsync(0)
    const s = sockets[0]
    s?.open()
    s?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 0 })
    s?.receive({ type: 'typing', role: 'agent', active: true, author: { name: 'Ada' } })
    expect(chat.typing).toEqual({ role: 'agent', author: { name: 'Ada' } })
    await vi.advanceTimersByTimeAsync(29_000)
    // news within the 30 s starts the wait again
    s?.receive({ type: 'typing', role: 'agent', active: true, author: { name: 'Ada' } })
    await vi.advanceTimersByTimeAsync(29_000)
    expect(chat.typing).toEqual({ role: 'agent', author: { name: 'Ada' } })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(chat.typing).toBeUndefined()
    scope.stop()
    client.stop()
  })
})
