/**
 * Two BFF nodes on two ports sharing one real Redis (issue 5): a guest on one node and an agent on the
 * other converse, a guest resumes on the other node, the desk bot answers once whichever node a message
 * came through, and the guest-creation limit counts across nodes — on one Redis and on a three-master
 * Redis Cluster.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MessageFrame, ServerFrame } from '../../src/protocol'
import { runDeskCli } from '../../server/cli/desk-cli'
import { createGuest, openDeskSocket, openGuestSocket, ORIGIN, refusal, startTestApp, type TestApp, type TestSocket } from '../../server/test-support'
import { Cluster, Redis } from 'ioredis'
import { createDeskUpstream, SIGN_IN_FAILURES } from '../../server/upstreams/desk'
import { redisAvailable, startRedis, startRedisCluster, testPrefix, type TestRedis, type TestRedisCluster } from '../support/redis'
import { until } from '../support/until'

let redis: TestRedis | undefined
let cluster: TestRedisCluster | undefined
const apps: TestApp[] = []
const sockets: { close(): void }[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  for (const a of apps.splice(0)) await a.app.close()
})
afterAll(async () => {
  await redis?.close()
  await cluster?.close()
})

type Backend = 'one Redis' | 'a three-master cluster'
/** How the nodes reach the Redis under test. */
function backendEnv(backend: Backend): Record<string, string> {
  if (!redis) throw new Error('no redis')
  return backend === 'one Redis' ? { REDIS_URL: redis.url } : { REDIS_CLUSTER_NODES: cluster?.seeds.join(',') ?? '' }
}

/** Two nodes on one Redis (or one cluster), with a key prefix of their own. */
async function twoNodes(env: Record<string, string> = {}, botDelayMs = 5, backend: Backend = 'one Redis'): Promise<[TestApp, TestApp]> {
  const shared = { ...backendEnv(backend), PARLEY_REDIS_PREFIX: testPrefix(), PARLEY_LEASE_MS: '1500', ...env }
  const a = await startTestApp({ ...shared, PARLEY_NODE_ID: 'node-a' }, botDelayMs)
  const b = await startTestApp({ ...shared, PARLEY_NODE_ID: 'node-b' }, botDelayMs)
  apps.push(a, b)
  return [a, b]
}

async function guestSocket(app: TestApp, guest: Awaited<ReturnType<typeof createGuest>>): Promise<TestSocket> {
  const s = await openGuestSocket(app, guest)
  sockets.push(s)
  return s
}

const isMessage = (f: ServerFrame): f is MessageFrame => f.type === 'message'


const available = redisAvailable()
// a cluster is always started here, so it needs redis-server even where REDIS_URL names a Redis
const clusterAvailable = available && redisAvailable(true)

describe.skipIf(!available)('two nodes, one Redis', () => {
  beforeAll(async () => {
    ;[redis, cluster] = await Promise.all([startRedis(), clusterAvailable ? startRedisCluster() : undefined])
  })

  describe.each(clusterAvailable ? (['one Redis', 'a three-master cluster'] as const) : (['one Redis'] as const))('on %s', (backend) => {
    it('a guest on node A and an agent on node B converse', async () => {
      const [a, b] = await twoNodes({ PARLEY_DESK_BOT: 'off', PARLEY_DESK_ADMIN_NAME: 'Sam' }, 5, backend)
      const guest = await createGuest(a, { displayName: 'Ana' })
      const s = await guestSocket(a, guest)
      await s.next('ready')
      const desk = await openDeskSocket(b)
      sockets.push(desk.ws)
      const listed = await desk.next('conversations')
      expect(listed.type === 'conversations' && listed.conversations.map((c) => c.id)).toContain(guest.conversationId)

      s.send({ type: 'send', clientMessageId: 'n-1', text: 'Is size 44 in stock?' })
      await s.next('ack')
      const onDesk = await desk.next('entry', (f) => f.type === 'entry' && f.entry.type === 'message' && f.entry.role === 'guest')
      expect(onDesk.type === 'entry' && onDesk.entry.type === 'message' && onDesk.entry.text).toBe('Is size 44 in stock?')

      desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: 'agent-1', text: 'Yes, two left.', agentName: 'Sam' }))
      const reply = await s.next('message', (m) => m.role === 'agent')
      expect(reply).toMatchObject({ text: 'Yes, two left.', author: { name: 'Sam' } })

      desk.ws.send(JSON.stringify({ type: 'typing', conversationId: guest.conversationId, active: true, agentName: 'Sam' }))
      expect(await s.next('typing')).toMatchObject({ role: 'agent', active: true })
      s.send({ type: 'typing', active: true })
      expect(await desk.next('guest-typing')).toMatchObject({ conversationId: guest.conversationId, active: true })
    })

    it('a guest that reconnects to the other node resumes from where it was, nothing missed or repeated', async () => {
      const [a, b] = await twoNodes({ PARLEY_DESK_BOT: 'off' }, 5, backend)
      const guest = await createGuest(a)
      const first = await guestSocket(a, guest)
      const ready = await first.next('ready')
      first.send({ type: 'send', clientMessageId: 'r-1', text: 'first' })
      const { seq } = await first.next('ack')
      first.close()

      // while the guest is away, the agent answers through node B
      const desk = await openDeskSocket(b)
      sockets.push(desk.ws)
      for (const n of [1, 2, 3])
        desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: `away-${n}`, text: `away ${n}`, agentName: 'Sam' }))
      await until(async () => ((await b.store.getConversation(guest.conversationId))?.lastSeq ?? 0) >= seq + 3)

      const second = await guestSocket(b, guest)
      const again = await second.next('ready')
      expect(again.epoch).toBe(ready.epoch)
      second.send({ type: 'resume', epoch: ready.epoch, afterSeq: seq })
      const missed = await b.store.readAfter(guest.conversationId, seq, 100)
      await until(() => second.frames.filter((f) => f.type === 'message' || f.type === 'event').length >= missed.length)
      expect(second.frames.filter((f) => f.type === 'message' || f.type === 'event')).toEqual(missed)
      expect(missed.filter(isMessage).map((m) => m.text)).toEqual(['away 1', 'away 2', 'away 3'])
      // a resend of the first message through node B is answered with its original seq, not stored twice
      second.send({ type: 'send', clientMessageId: 'r-1', text: 'first' })
      expect(await second.next('ack')).toEqual({ type: 'ack', clientMessageId: 'r-1', seq })
      expect((await b.store.readAfter(guest.conversationId, 0, 100)).filter((e) => e.type === 'message' && e.role === 'guest')).toHaveLength(1)
    })

    it('the desk bot greets once and answers each message once, with the guest on both nodes', async () => {
      const [a, b] = await twoNodes({}, 50, backend)
      const guest = await createGuest(a)
      const onA = await guestSocket(a, guest)
      const onB = await guestSocket(b, guest)
      await onA.next('ready')
      await onB.next('ready')
      const texts = ['one', 'two', 'three', 'four', 'five', 'six']
      for (const [i, text] of texts.entries()) {
        const s = i % 2 ? onB : onA
        s.send({ type: 'send', clientMessageId: `b-${i}`, text: `Question ${text}?` })
        await s.next('ack')
      }
      const botAnswers = async (): Promise<MessageFrame[]> =>
        (await a.store.readAfter(guest.conversationId, 0, 500)).filter((e): e is MessageFrame => isMessage(e) && e.role === 'bot')
      await until(async () => (await botAnswers()).length >= texts.length + 1)
      await new Promise((resolve) => setTimeout(resolve, 500))
      const answers = await botAnswers()
      expect(answers.filter((m) => /demo bot/.test(m.text))).toHaveLength(1)
      for (const text of texts) expect(answers.filter((m) => m.text.includes(`"Question ${text}?"`))).toHaveLength(1)
      expect(answers).toHaveLength(texts.length + 1)
    })

    it('a node lets go of a conversation no guest socket watches any more', async () => {
      const prefix = testPrefix()
      const node = await startTestApp({ ...backendEnv(backend), PARLEY_REDIS_PREFIX: prefix, PARLEY_NODE_ID: 'idle-node' }, 5, {
        upstream: (ctx) => createDeskUpstream({ ...ctx, botDelayMs: 5, idleReleaseMs: 200 }),
      })
      apps.push(node)
      const guest = await createGuest(node)
      const s = await openGuestSocket(node, guest)
      await s.next('ready')
      const onCluster = backend !== 'one Redis'
      const admin = onCluster ? new Cluster(cluster?.seeds ?? []) : new Redis(redis?.url ?? '')
      // on a cluster the lease sits in its conversation's slot
      const lease = onCluster ? `${prefix}lease:{${guest.conversationId}}` : `${prefix}lease:${guest.conversationId}`
      try {
        await until(async () => (await admin.get(lease)) === 'idle-node', 5000, 'the lease')
        s.close()
        await until(async () => (await admin.exists(lease)) === 0, 5000, 'the lease to be released')
      } finally {
        admin.disconnect()
      }
    })

    it('counts guest creations against one limit across nodes', async () => {
      const [a, b] = await twoNodes({ PARLEY_GUEST_RATE: '3' }, 5, backend)
      const post = (app: TestApp) => app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: {}, headers: { origin: ORIGIN } })
      expect((await post(a)).statusCode).toBe(201)
      expect((await post(b)).statusCode).toBe(201)
      expect((await post(a)).statusCode).toBe(201)
      const refused = await post(b)
      expect(refused.statusCode).toBe(429)
      expect(refused.json()).toMatchObject({ code: 'rate_limited' })
    })
  })

  it('desk accounts written by the CLI to Redis sign in on every node; a revocation closes the socket on the other node; failed sign-ins count across nodes', async () => {
    const prefix = testPrefix()
    const [a, b] = await twoNodes({ PARLEY_DESK_BOT: 'off', PARLEY_REDIS_PREFIX: prefix })
    // the CLI as an operator runs it: the nodes' Redis settings, no desk token
    const env = { REDIS_URL: redis?.url ?? '', PARLEY_REDIS_PREFIX: prefix, PARLEY_TOKEN_SECRET: 'x'.repeat(32) }
    const out: string[] = []
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) }
    expect(await runDeskCli(['agent', 'add', 'Ada Lovelace'], env, io)).toBe(0)
    const token = decodeURIComponent(/#token=(\S+)/.exec(out.join('\n'))?.[1] ?? '')
    const desk = await openDeskSocket(b, token)
    sockets.push(desk.ws)
    const hello = await desk.next('hello')
    const id = hello.type === 'hello' ? hello.agent.id : ''
    expect(hello).toMatchObject({ agent: { name: 'Ada Lovelace', role: 'agent' } })
    const closed = new Promise<number>((resolve) => desk.ws.once('close', (code) => resolve(code)))
    expect(await runDeskCli(['agent', 'revoke', id], env, io)).toBe(0)
    expect(await closed).toBe(4003)
    await expect(openDeskSocket(a, token)).rejects.toMatchObject({ status: 401 })

    // guesses spread over both nodes share one counter
    const statuses: number[] = []
    for (let i = 0; i < SIGN_IN_FAILURES + 2; i++) statuses.push(await refusal(openDeskSocket(i % 2 ? a : b, `agt_guess${i}.wrong`)))
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.filter((s) => s === 401).length).toBeLessThan(SIGN_IN_FAILURES)
  })
})
