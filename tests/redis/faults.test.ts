/**
 * QUALITY.md §4 F7: Redis restarted (SIGTERM, SIGKILL) and away for 30 s under a live conversation.
 * The BFF never crashes, reports not ready while Redis is away, refuses new guests with 503 and
 * Retry-After, and recovers by itself; the headless client's messages are all stored once, in order.
 * A lost stream gives a new epoch and a `reset`, never a silent gap.
 */
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createChatClient, type ChatClient } from '../../src/client'
import type { MessageFrame, TranscriptEntry } from '../../src/protocol'
import { createGuest, openGuestSocket, ORIGIN, startTestApp, type TestApp } from '../../server/test-support'
import { redisAvailable, startRedis, testPrefix, type TestRedis } from '../support/redis'
import { until } from '../support/until'

let redis: TestRedis | undefined
let app: TestApp | undefined
let client: ChatClient | undefined
afterEach(async () => {
  client?.stop()
  await app?.app.close()
  app = undefined
})
afterAll(async () => redis?.close())


const ready = async (a: TestApp): Promise<number> => (await fetch(`${a.url}/readyz`)).status
const createStatus = async (a: TestApp): Promise<{ status: number; retryAfter: string | null }> => {
  const res = await fetch(`${a.url}/api/guest-sessions`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' })
  return { status: res.status, retryAfter: res.headers.get('retry-after') }
}

/** A node on the test's Redis with a headless client chatting through it. */
async function chatting(): Promise<{ node: TestApp; chat: ChatClient; conversationId: () => string; unsettled: () => number }> {
  if (!redis) throw new Error('no redis')
  const node = await startTestApp({ REDIS_URL: redis.url, PARLEY_REDIS_PREFIX: testPrefix(), PARLEY_HEARTBEAT_MS: '500' })
  app = node
  let conversationId = ''
  let unsettled = 0
  const chat = createChatClient({
    bffUrl: node.url,
    WebSocket: (url, protocols) => new WebSocket(url, protocols, { origin: ORIGIN }),
    backoff: { baseMs: 100, capMs: 1000 },
  })
  client = chat
  chat.on('outbox', (items) => (unsettled = items.length))
  chat.on('session', (s) => s && (conversationId = s.conversationId))
  await chat.start()
  return { node, chat, conversationId: () => conversationId, unsettled: () => unsettled }
}

async function guestTexts(node: TestApp, conversationId: string): Promise<string[]> {
  const { entries } = await node.store.readBefore(conversationId, undefined, 500)
  return entries.flatMap((e) => (e.type === 'message' && e.role === 'guest' ? [e.text] : []))
}

const available = redisAvailable(true)

describe.skipIf(!available)('Redis faults (F7)', () => {
  beforeAll(async () => {
    redis = await startRedis(true)
  })

  it('survives Redis stopped with SIGTERM and with SIGKILL, and keeps every message once, in order', async () => {
    const { node, chat, unsettled, conversationId } = await chatting()
    const sent: string[] = []
    const say = (text: string): void => {
      sent.push(text)
      chat.send(text)
    }
    say('before 1')
    await until(() => unsettled() === 0, 10_000)
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      // AOF syncs every second: what was acked more than a second ago survives even SIGKILL
      await new Promise((resolve) => setTimeout(resolve, 1200))
      await redis?.stop(signal)
      await until(async () => (await ready(node)) === 503, 5000)
      expect(await createStatus(node)).toEqual({ status: 503, retryAfter: '2' })
      expect(await (await fetch(`${node.url}/metrics`)).text()).toMatch(/^parley_store_up 0$/m)
      say(`during ${signal}`)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      expect(unsettled()).toBe(1)
      await redis?.start()
      await until(async () => (await ready(node)) === 200, 10_000)
      await until(() => unsettled() === 0, 10_000)
      say(`after ${signal}`)
      await until(() => unsettled() === 0, 10_000)
    }
    expect(await guestTexts(node, conversationId())).toEqual(sent)
    expect((await createStatus(node)).status).toBe(201)
  }, 60_000)

  it('stays up through 30 s without Redis: not ready, 503 for new guests, then recovers without a restart', async () => {
    const { node, chat, unsettled, conversationId } = await chatting()
    chat.send('before the outage')
    await until(() => unsettled() === 0, 10_000)
    await new Promise((resolve) => setTimeout(resolve, 1200))
    await redis?.stop('SIGTERM')
    const until30 = Date.now() + 30_000
    const readiness = new Set<number>()
    const creations = new Set<string>()
    let sentDuring = 0
    while (Date.now() < until30) {
      readiness.add(await ready(node))
      const c = await createStatus(node)
      creations.add(`${c.status} ${c.retryAfter}`)
      if (sentDuring < 3) chat.send(`during ${++sentDuring}`)
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    expect([...readiness]).toEqual([503])
    expect([...creations]).toEqual(['503 2'])
    expect(unsettled()).toBe(3)
    await redis?.start()
    await until(async () => (await ready(node)) === 200, 10_000)
    await until(() => unsettled() === 0, 15_000)
    expect(await guestTexts(node, conversationId())).toEqual(['before the outage', 'during 1', 'during 2', 'during 3'])
  }, 90_000)

  it('a lost stream gives the conversation a new epoch: live sockets get `reset`, resumes with the old epoch too', async () => {
    if (!redis) throw new Error('no redis')
    const prefix = testPrefix()
    app = await startTestApp({ REDIS_URL: redis.url, PARLEY_REDIS_PREFIX: prefix, PARLEY_DESK_BOT: 'off' })
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    const first = await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'l-1', text: 'one' })
    await s.next('ack')
    const { Redis } = await import('ioredis')
    const admin = new Redis(redis.url)
    await admin.del(`${prefix}s:${guest.conversationId}`)
    admin.disconnect()
    s.send({ type: 'send', clientMessageId: 'l-2', text: 'two' })
    const reset = await s.next('reset')
    expect(reset.epoch).toBeDefined()
    expect(reset.epoch).not.toBe(first.epoch)
    const two = await s.next('message', (m) => m.clientMessageId === 'l-2')
    expect(two.seq).toBe(2)
    s.close()

    const again = await openGuestSocket(app, guest)
    const r = await again.next('ready')
    expect(r.epoch).toBe(reset.epoch)
    again.send({ type: 'resume', epoch: first.epoch, afterSeq: 1 })
    expect(await again.next('reset')).toEqual({ type: 'reset', epoch: reset.epoch })
    const page = await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: { authorization: `Bearer ${guest.guestToken}`, origin: ORIGIN } })
    expect(page.json<{ messages: TranscriptEntry[] }>().messages.map((m) => (m as MessageFrame).text)).toEqual(['two'])
    again.close()
  })
})
