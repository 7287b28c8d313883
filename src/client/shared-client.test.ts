import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TranscriptEntry } from '../protocol'
import { fakeBff, memoryStorage } from './fake-bff.test-helper'
import { fakeSocketFactory, type FakeSocket } from './fake-socket.test-helper'
import type { OutboxItem } from './outbox'
import { createSharedChatClient, type SharedChatClient } from './shared-client'
import type { ChannelLike, LockManagerLike, TabEnv } from './tabs'

/** Web Locks as the spec describes them, for one "browser": FIFO waiters, `ifAvailable`, abortable waits. */
function fakeLocks(): LockManagerLike {
  const held = new Set<string>()
  const waiting = new Map<string, (() => void)[]>()
  const next = (name: string): void => waiting.get(name)?.shift()?.()
  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const run = (): void => {
          held.add(name)
          Promise.resolve(callback({ name }))
            .then(resolve, reject)
            .finally(() => {
              held.delete(name)
              next(name)
            })
        }
        if (!held.has(name)) return run()
        if (options.ifAvailable) return void Promise.resolve(callback(null)).then(resolve, reject)
        const queue = waiting.get(name) ?? []
        queue.push(run)
        waiting.set(name, queue)
        options.signal?.addEventListener('abort', () => {
          queue.splice(queue.indexOf(run), 1)
          reject(new Error('AbortError'))
        })
      })
    },
  }
}

/** BroadcastChannel for one "browser": delivered asynchronously to every other member, as a copy. */
function fakeChannels(): (name: string) => ChannelLike {
  const members = new Set<{ name: string; listeners: ((e: { data: unknown }) => void)[] }>()
  return (name) => {
    const me = { name, listeners: [] as ((e: { data: unknown }) => void)[] }
    members.add(me)
    return {
      postMessage(message) {
        const copy: unknown = JSON.parse(JSON.stringify(message))
        for (const m of members)
          if (m !== me && m.name === name) void Promise.resolve().then(() => m.listeners.forEach((l) => l({ data: copy })))
      },
      addEventListener: (_type, listener) => void me.listeners.push(listener),
      close: () => void members.delete(me),
    }
  }
}

const flush = () => vi.advanceTimersByTimeAsync(0)
const sends = (s: FakeSocket | undefined) =>
  (s?.frames() ?? []).filter((f): f is { type: 'send'; clientMessageId: string; text: string } => (f as { type: string }).type === 'send')
const message = (seq: number, text: string, extra: Partial<TranscriptEntry> = {}) => ({ type: 'message', seq, id: `m${seq}`, role: 'bot', text, sentAt: 'x', ...extra })

describe('createSharedChatClient: one socket for all tabs', () => {
  let env: TabEnv
  let bff: ReturnType<typeof fakeBff>
  let net: ReturnType<typeof fakeSocketFactory>
  const tabs: SharedChatClient[] = []
  const tab = () => {
    // each tab has its own sessionStorage; only the socket factory and the BFF are shared
    const client = createSharedChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: net.factory, storage: memoryStorage(), tabs: env, backoff: { baseMs: 10, capMs: 10 } })
    tabs.push(client)
    return client
  }

  beforeEach(() => {
    vi.useFakeTimers()
    env = { locks: fakeLocks(), channel: fakeChannels() }
    bff = fakeBff([message(1, 'Hello! How can we help?') as TranscriptEntry])
    net = fakeSocketFactory()
  })
  afterEach(() => {
    for (const t of tabs.splice(0)) t.stop()
    vi.useRealTimers()
  })

  it('opens one socket for two tabs; the follower shows history, live entries and its own sends', async () => {
    const a = tab()
    const b = tab()
    await flush()
    expect([a.role, b.role]).toEqual(['leader', 'follower'])
    const seenByB: number[] = []
    let outboxB: OutboxItem[] = []
    b.on('entries', (e) => seenByB.push(...e.map((x) => x.seq)))
    b.on('outbox', (items) => (outboxB = items))
    await b.start()
    await flush()
    expect(net.sockets).toHaveLength(1)
    const s = net.sockets[0]
    s?.open()
    s?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 1 })
    await flush()
    expect(seenByB).toContain(1) // fetched over HTTP once the follower learned the session
    b.send('from tab b')
    await flush()
    expect(outboxB.map((x) => x.text)).toEqual(['from tab b'])
    const [sent] = sends(s)
    expect(sent?.text).toBe('from tab b')
    s?.receive({ type: 'ack', clientMessageId: sent?.clientMessageId, seq: 2 })
    s?.receive(message(2, 'from tab b', { role: 'guest', clientMessageId: sent?.clientMessageId }))
    s?.receive(message(3, 'an answer'))
    await flush()
    expect(seenByB).toEqual(expect.arrayContaining([2, 3]))
    expect(outboxB).toEqual([])
    expect(net.sockets).toHaveLength(1)
    expect(bff.calls.filter((c) => c === 'POST /api/guest-sessions')).toHaveLength(1)
  })

  it('hands over when the leader closes: the next tab resumes the same conversation and resends what was unacked', async () => {
    const a = tab()
    const b = tab()
    await flush()
    await a.start()
    await flush()
    const first = net.sockets[0]
    first?.open()
    first?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 1 })
    first?.receive(message(1, 'Hello! How can we help?'))
    await flush()
    b.send('typed in b, never acked')
    await flush()
    expect(sends(first).map((f) => f.text)).toEqual(['typed in b, never acked'])

    a.stop() // the leading tab closes; the browser hands the lock to b
    await flush()
    expect(b.role).toBe('leader')
    const second = net.sockets[1]
    expect(second?.protocols).toEqual(['parley.v1', 'parley.token.tok1'])
    second?.open()
    second?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 2 })
    await flush()
    expect(second?.frames()).toContainEqual({ type: 'resume', epoch: 'e1', afterSeq: 1 })
    expect(sends(second).map((f) => f.text)).toEqual(['typed in b, never acked'])
    expect(sends(second)[0]?.clientMessageId).toBe(sends(first)[0]?.clientMessageId)
    expect(bff.calls.filter((c) => c === 'POST /api/guest-sessions')).toHaveLength(1)
  })

  it('ignores malformed messages from other scripts on the channel', async () => {
    const a = tab()
    const b = tab()
    await flush()
    await a.start()
    await flush()
    net.sockets[0]?.open()
    const rogue = env.channel('parley:parley')
    const errors: unknown[] = []
    b.on('entries', (e) => errors.push(e))
    for (const junk of [null, 'x', { kind: 'event', event: 'entries', payload: [{ type: 'message', seq: -1 }] }, { kind: 'send', item: { text: 1 } }, { kind: 'event', event: '__proto__' }])
      rogue.postMessage(junk)
    await flush()
    expect(sends(net.sockets[0])).toEqual([])
    expect(errors.flat()).toEqual([])
  })

  it('runs alone where the browser has no Web Locks or BroadcastChannel', async () => {
    const alone = createSharedChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: net.factory, tabs: false })
    tabs.push(alone)
    expect(alone.role).toBe('leader')
    await alone.start()
    await flush()
    expect(net.sockets).toHaveLength(1)
  })
})
