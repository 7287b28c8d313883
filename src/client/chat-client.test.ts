import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TranscriptEntry } from '../protocol'
import type { BffClient } from './bff-http'
import { createChatClient, uploadFile } from './chat-client'
import { fakeBff, memoryStorage } from './fake-bff.test-helper'
import { fakeSocketFactory } from './fake-socket.test-helper'
import type { OutboxItem } from './outbox'

const flush = () => vi.advanceTimersByTimeAsync(0)

/** A started client whose first socket is open and ready; `outbox()` is the last outbox it announced. */
async function readyClient(history: TranscriptEntry[] = [], ready: Record<string, unknown> = {}) {
  const bff = fakeBff(history)
  const { factory, sockets } = fakeSocketFactory()
  const client = createChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: factory })
  let outbox: OutboxItem[] = []
  client.on('outbox', (items) => (outbox = items))
  await client.start()
  await flush()
  const s = sockets[0]
  s?.open()
  s?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: history.length, ...ready })
  await flush()
  return { bff, client, sockets, s, outbox: () => outbox }
}

describe('createChatClient', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('a message written while earlier ones wait out a rate limit goes after them, never before', async () => {
    const { client, s } = await readyClient()
    const sends = () => s?.frames().filter((f): f is { type: 'send'; text: string; clientMessageId: string } => (f as { type: string }).type === 'send') ?? []
    client.send('first')
    s?.receive({ type: 'error', code: 'rate_limited', message: 'slow down', clientMessageId: sends()[0]?.clientMessageId, retryAfterMs: 500 })
    client.send('second')
    // not sent yet: the server would take it before "first"
    expect(sends().map((f) => f.text)).toEqual(['first'])
    await vi.advanceTimersByTimeAsync(500)
    expect(sends().map((f) => f.text)).toEqual(['first', 'first', 'second'])
  })

  it('sends files by id and a quick-reply answer, keeps them in the outbox, and resends them after a reconnect', async () => {
    const { client, s, outbox, sockets } = await readyClient()
    const file = { id: 'f-1', name: 'a.png', type: 'image/png', size: 3 }
    client.send('', { attachments: [file] })
    client.send('Yes', { reply: { kind: 'quick-reply', payload: 'y', messageId: 'm1' } })
    expect(client.send('  ')).toBeUndefined()
    const sends = s?.frames().filter((f) => (f as { type: string }).type === 'send')
    expect(sends).toMatchObject([
      { text: '', attachments: ['f-1'] },
      { text: 'Yes', reply: { kind: 'quick-reply', payload: 'y', messageId: 'm1' } },
    ])
    expect(outbox()).toMatchObject([{ attachments: [file] }, { reply: { payload: 'y' } }])
    s?.serverClose(1012)
    await vi.advanceTimersByTimeAsync(2000)
    const next = sockets.at(-1)
    expect(next).not.toBe(s)
    next?.open()
    next?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 0 })
    await flush()
    expect(next?.frames().filter((f) => (f as { type: string }).type === 'send')).toMatchObject([{ attachments: ['f-1'] }, { reply: { payload: 'y' } }])
  })

  it.each(['rate_limited', 'upstream_unavailable'] as const)('keeps a message "sending" after %s and resends it once the wait is over', async (code) => {
    const { client, s, outbox } = await readyClient()
    client.send('are you there?')
    const sends = () => s?.frames().filter((f): f is { type: 'send'; clientMessageId: string } => (f as { type: string }).type === 'send') ?? []
    const id = sends()[0]?.clientMessageId
    s?.receive({ type: 'error', code, message: 'later', clientMessageId: id, retryAfterMs: 500 })
    await vi.advanceTimersByTimeAsync(499)
    expect(sends()).toHaveLength(1)
    expect(outbox()[0]).toMatchObject({ clientMessageId: id })
    expect(outbox()[0]?.error).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(sends().map((f) => f.clientMessageId)).toEqual([id, id])
    client.stop()
  })

  it('keeps a limit on typing updates (no message id) from the guest, but shows other errors', async () => {
    const { client, s } = await readyClient()
    const errors: string[] = []
    client.on('error', (e) => errors.push(e.code))
    s?.receive({ type: 'error', code: 'rate_limited', message: 'Typing updates are limited.', retryAfterMs: 800 })
    s?.receive({ type: 'error', code: 'internal', message: 'Something went wrong.' })
    await flush()
    expect(errors).toEqual(['internal'])
    client.stop()
  })

  it('creates the session with a pre-chat profile, and forgets it with endChat', async () => {
    const { fetch } = fakeBff()
    const { factory, sockets } = fakeSocketFactory()
    const client = createChatClient({ bffUrl: 'http://bff', fetch, WebSocket: factory })
    const bodies = () =>
      fetch.mock.calls.filter(([url]) => String(url).endsWith('/api/guest-sessions')).map(([, init]) => (init?.body === undefined ? undefined : String(init.body)))
    await client.start({ profile: { displayName: 'Pia', attributes: { orderId: 'A-1' } } })
    await flush()
    expect(bodies()).toEqual([JSON.stringify({ displayName: 'Pia', attributes: { orderId: 'A-1' } })])
    sockets[0]?.open()
    await client.endChat()
    await client.start()
    await flush()
    expect(bodies()).toHaveLength(2)
    expect(bodies()[1]).not.toContain('Pia')
    client.stop()
  })

  it('shows upstream_error as failed', async () => {
    const { client, s, outbox } = await readyClient()
    client.send('hello')
    const id = s?.frames().find((f): f is { type: 'send'; clientMessageId: string } => (f as { type: string }).type === 'send')?.clientMessageId
    s?.receive({ type: 'error', code: 'upstream_error', message: 'The contact centre could not take the message (403).', clientMessageId: id })
    await flush()
    expect(outbox()[0]).toMatchObject({ clientMessageId: id, error: 'The contact centre could not take the message (403).' })
    client.stop()
  })

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

  it('adopts the heartbeat from ready, keeps acked messages as sent until their entry, and refreshes in-band', async () => {
    const { bff, client, sockets, s, outbox } = await readyClient([], { heartbeatMs: 1000 })
    await vi.advanceTimersByTimeAsync(1000)
    expect(s?.frames()).toContainEqual({ type: 'ping' })
    const item = client.send('hello')
    s?.receive({ type: 'ack', clientMessageId: item?.clientMessageId, seq: 1 })
    expect(outbox()).toMatchObject([{ state: 'sent', seq: 1 }])
    s?.receive({ type: 'message', seq: 1, id: 'm1', role: 'guest', text: 'hello', sentAt: 'x', clientMessageId: item?.clientMessageId })
    expect(outbox()).toEqual([])
    // the token is refreshed a minute before it expires; the open socket gets the new one in an auth frame
    for (let t = 0; t < 3_600_000 - 60_000; t += 5_000) {
      s?.receive({ type: 'pong' })
      await vi.advanceTimersByTimeAsync(5_000)
    }
    expect(sockets).toHaveLength(1)
    expect(bff.calls).toContain('POST /api/guest-sessions/refresh')
    expect(s?.frames()).toContainEqual({ type: 'auth', token: 'fresh' })
    // a silent server: dead after 2 heartbeats + 5 s, then a new socket
    await vi.advanceTimersByTimeAsync(2 * 1000 + 5_000)
    expect(sockets.length).toBeGreaterThan(1)
    client.stop()
  })

  it('forgets a message whose late ack points at an entry already shown', async () => {
    const { client, s, outbox } = await readyClient()
    const item = client.send('hello')
    // the entry came by another path (a history page, another socket); the duplicate's ack comes last
    s?.receive({ type: 'message', seq: 1, id: 'm1', role: 'bot', text: 'hi', sentAt: 'x' })
    s?.receive({ type: 'message', seq: 2, id: 'm2', role: 'bot', text: 'there', sentAt: 'x' })
    s?.receive({ type: 'ack', clientMessageId: item?.clientMessageId, seq: 1 })
    expect(outbox()).toEqual([])
    client.stop()
  })

  it('gives listeners each entry once, however often it is replayed', async () => {
    const bff = fakeBff([{ type: 'message', seq: 1, id: 'm1', role: 'bot', text: 'hi', sentAt: 'x' }])
    const { factory, sockets } = fakeSocketFactory()
    const client = createChatClient({ bffUrl: 'http://bff', fetch: bff.fetch, WebSocket: factory })
    const seen: number[] = []
    client.on('entries', (e) => seen.push(...e.map((x) => x.seq)))
    await client.start()
    await flush()
    const s = sockets[0]
    s?.open()
    s?.receive({ type: 'message', seq: 1, id: 'm1', role: 'bot', text: 'hi', sentAt: 'x' })
    s?.receive({ type: 'ready', guestId: 'g1', conversationId: 'c1', epoch: 'e1', lastSeq: 1 })
    await flush()
    s?.receive({ type: 'message', seq: 2, id: 'm2', role: 'bot', text: 'again', sentAt: 'x' })
    s?.receive({ type: 'message', seq: 2, id: 'm2', role: 'bot', text: 'again', sentAt: 'x' })
    expect(seen).toEqual([1, 2])
    client.stop()
  })

  it('a new chat after the end sends the ended conversation\'s token along, so the contact centre can go on with its session', async () => {
    const { bff, client } = await readyClient()
    await client.startNew()
    await flush()
    const creations = bff.fetch.mock.calls.filter(([url, init]) => String(url).endsWith('/api/guest-sessions') && init?.method === 'POST')
    expect(creations).toHaveLength(2)
    expect(new Headers(creations[0]?.[1]?.headers).get('authorization')).toBeNull()
    expect(new Headers(creations[1]?.[1]?.headers).get('authorization')).toBe('Bearer tok1')
    client.stop()
  })

  it('removing a file after its upload finished discards it at the BFF; one still uploading is only cancelled', async () => {
    const discarded: string[] = []
    const cancelled: string[] = []
    const notUsed = (): never => {
      throw new Error('not used')
    }
    let finish: (id: string) => void = () => undefined
    const bff: BffClient = {
      createGuestSession: notUsed,
      refresh: notUsed,
      logout: notUsed,
      fetchMessages: notUsed,
      endSession: notUsed,
      rate: notUsed,
      availability: notUsed,
      leaveOfflineMessage: notUsed,
      upload: (_token, file) => ({ done: new Promise((resolve) => (finish = resolve)), abort: () => void cancelled.push(file.name) }),
      discardUpload: async (token, id) => void discarded.push(`${token}:${id}`),
    }
    const session = Promise.resolve({ guestId: 'g1', conversationId: 'c1', guestToken: 'tok1', refreshToken: 'r', expiresAt: 'x', socketUrl: 'ws://bff' })
    const sent = uploadFile(bff, session, new File(['x'], 'a.png', { type: 'image/png' }))
    await flush()
    finish('att-1')
    expect(await sent.done).toMatchObject({ id: 'att-1' })
    sent.abort()
    await flush()
    expect(discarded).toEqual(['tok1:att-1'])
    const pending = uploadFile(bff, session, new File(['y'], 'b.png', { type: 'image/png' }))
    await flush()
    pending.abort()
    expect(cancelled).toEqual(['b.png'])
    expect(discarded).toEqual(['tok1:att-1'])
  })
})
