import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { GuestSession, TranscriptEntry } from '../protocol'
import { createChatClient } from './chat-client'
import { fakeSocketFactory } from './fake-socket.test-helper'
import type { OutboxItem } from './outbox'
import type { StorageLike } from './storage'

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString()
const session = (n: number): GuestSession => ({
  guestId: `g${n}`,
  conversationId: `c${n}`,
  guestToken: `tok${n}`,
  refreshToken: `ref${n}`,
  expiresAt: inAnHour(),
  socketUrl: 'ws://bff/api/socket',
})

function memoryStorage(): StorageLike {
  const data = new Map<string, string>()
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) }
}

/** A fake BFF: creates numbered sessions, refuses refresh tokens it does not know, serves empty history. */
function fakeBff() {
  let created = 0
  const known = new Set<string>()
  const calls: string[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input)
    calls.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`)
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
    if (url.endsWith('/api/guest-sessions')) {
      const s = session(++created)
      known.add(s.refreshToken)
      return json(201, s)
    }
    if (url.endsWith('/refresh')) {
      const { refreshToken } = JSON.parse(String(init?.body)) as { refreshToken: string }
      return known.has(refreshToken) ? json(200, { guestToken: 'fresh', refreshToken: 'ref-fresh', expiresAt: inAnHour() }) : json(401, { code: 'invalid_refresh_token' })
    }
    if (url.includes('/messages')) return json(200, { messages: [], hasMore: false })
    return json(404, { code: 'not_found' })
  })
  return { fetch, calls, forget: () => known.clear() }
}

const flush = () => vi.advanceTimersByTimeAsync(0)

describe('createChatClient', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('creates a session, sends after ready, resumes from the last seq after a reconnect', async () => {
    const bff = fakeBff()
    const { factory, sockets } = fakeSocketFactory()
    const client = createChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: factory, storage: memoryStorage(), backoff: { baseMs: 10, capMs: 10 } })
    const entries: TranscriptEntry[] = []
    client.on('entries', (e) => entries.push(...e))
    await client.start()
    await flush()
    const s1 = sockets[0]
    expect(s1?.protocols).toEqual(['parley.v1', 'parley.token.tok1'])
    s1?.open()
    s1?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 0 })
    await flush()
    client.send('hello')
    const sent = s1?.frames().find((f): f is { type: 'send'; clientMessageId: string } => (f as { type: string }).type === 'send')
    expect(sent).toMatchObject({ text: 'hello' })
    s1?.receive({ type: 'message', seq: 1, id: 'm1', role: 'guest', text: 'hello', sentAt: 'x', clientMessageId: sent?.clientMessageId })
    s1?.receive({ type: 'ack', clientMessageId: sent?.clientMessageId, seq: 1 })
    s1?.receive({ type: 'message', seq: 2, id: 'm2', role: 'bot', text: 'hi', sentAt: 'x' })
    s1?.serverClose(1012)
    await vi.advanceTimersByTimeAsync(20)
    const s2 = sockets[1]
    s2?.open()
    s2?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 2 })
    expect(s2?.frames()).toContainEqual({ type: 'resume', epoch: 'e1', afterSeq: 2 })
    // nothing was left to resend: the ack emptied the outbox
    expect(s2?.frames().filter((f) => (f as { type: string }).type === 'send')).toEqual([])
    expect(entries.map((e) => e.seq)).toEqual([1, 2])
    client.stop()
  })

  it('keeps unacked messages across a lost session: a new session is created and they are resent in order', async () => {
    const bff = fakeBff()
    const { factory, sockets } = fakeSocketFactory()
    const storage = memoryStorage()
    const errors: string[] = []
    let outbox: OutboxItem[] = []
    const client = createChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: factory, storage, backoff: { baseMs: 10, capMs: 10 } })
    client.on('error', (e) => errors.push(e.code))
    client.on('outbox', (items) => (outbox = items))
    await client.start()
    await flush()
    sockets[0]?.open()
    sockets[0]?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 0 })
    await flush()
    // the BFF dies before acknowledging; it comes back knowing nothing (in-memory store)
    sockets[0]?.serverClose(1006)
    client.send('first')
    client.send('second')
    bff.forget()
    await vi.advanceTimersByTimeAsync(20)
    sockets[1]?.serverClose(1006) // the old token is refused before the upgrade
    await vi.advanceTimersByTimeAsync(50)
    expect(bff.calls).toContain('POST /api/guest-sessions/refresh')
    expect(errors).toContain('session_lost')
    const s = sockets.at(-1)
    expect(s?.protocols).toEqual(['parley.v1', 'parley.token.tok2'])
    s?.open()
    s?.receive({ type: 'ready', guestId: 'g2', conversationId: 'c2', epoch: 'e2', lastSeq: 0 })
    await flush()
    const texts = s?.frames().filter((f): f is { type: 'send'; text: string } => (f as { type: string }).type === 'send').map((f) => f.text)
    expect(texts).toEqual(['first', 'second'])
    expect(outbox.map((o) => o.state)).toEqual(['sending', 'sending'])
    client.stop()
  })

  it('restores the session and outbox from storage after a reload', async () => {
    const bff = fakeBff()
    const storage = memoryStorage()
    const a = fakeSocketFactory()
    const first = createChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: a.factory, storage })
    await first.start()
    await flush()
    first.send('kept across reload')
    first.stop()

    const b = fakeSocketFactory()
    const second = createChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: b.factory, storage })
    await second.start()
    await flush()
    expect(bff.calls.filter((c) => c === 'POST /api/guest-sessions')).toHaveLength(1)
    b.sockets[0]?.open()
    b.sockets[0]?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 0 })
    await flush()
    expect(b.sockets[0]?.frames()).toContainEqual(expect.objectContaining({ type: 'send', text: 'kept across reload' }))
    second.stop()
  })
})
