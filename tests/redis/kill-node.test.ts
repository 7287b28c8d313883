/**
 * QUALITY.md §4 F1 with Redis: the node a guest is talking through is killed with SIGKILL between the
 * ack of a message and the bot's answer to it. The load balancer (a TCP proxy) moves to the surviving
 * node; the headless client reconnects there and resumes the same conversation. Nothing acked is lost,
 * nothing is shown twice, and the survivor, once the dead node's lease lapsed, answers what was left.
 * On one Redis and on a three-master Redis Cluster.
 */
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createChatClient, type ChatClient } from '../../src/client'
import type { TranscriptEntry } from '../../src/protocol'
import { ORIGIN } from '../../server/test-support'
import { startBff, type BffProcess } from '../support/bff-process'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy'
import { redisAvailable, startRedis, startRedisCluster, testPrefix, type TestRedis, type TestRedisCluster } from '../support/redis'
import { until } from '../support/until'

const PORT_A = 18300
const PORT_B = 18301

let redis: TestRedis | undefined
let cluster: TestRedisCluster | undefined
const nodes: BffProcess[] = []
let proxy: FaultProxy | undefined
let client: ChatClient | undefined
afterEach(async () => {
  client?.stop()
  for (const n of nodes.splice(0)) {
    n.signal('SIGKILL')
    await n.exited
  }
  await proxy?.close()
})
afterAll(async () => {
  await redis?.close()
  await cluster?.close()
})


const available = redisAvailable()
// a cluster is always started here, so it needs redis-server even where REDIS_URL names a Redis
const clusterAvailable = available && redisAvailable(true)

describe.skipIf(!available)('a node killed mid-conversation (F1, Redis)', () => {
  beforeAll(async () => {
    ;[redis, cluster] = await Promise.all([startRedis(), clusterAvailable ? startRedisCluster() : undefined])
  })

  it.each(clusterAvailable ? ['one Redis', 'a three-master cluster'] : ['one Redis'])('the guest resumes on the surviving node: nothing acked lost, nothing shown twice, every message answered once (%s)', async (backend) => {
    if (!redis) throw new Error('no redis')
    const env = {
      ...(backend === 'one Redis' ? { REDIS_URL: redis.url } : { REDIS_CLUSTER_NODES: cluster?.seeds.join(',') ?? '' }),
      PARLEY_REDIS_PREFIX: testPrefix(),
      PARLEY_ALLOWED_ORIGINS: ORIGIN,
      PARLEY_TOKEN_SECRET: 'kill-node-secret-at-least-32-bytes-long',
      PARLEY_HEARTBEAT_MS: '500',
      PARLEY_LEASE_MS: '1500',
      PARLEY_DESK_BOT_DELAY_MS: '1500',
    }
    const [a, b] = await Promise.all([startBff(PORT_A, { ...env, PARLEY_NODE_ID: 'a' }), startBff(PORT_B, { ...env, PARLEY_NODE_ID: 'b' })])
    nodes.push(a, b)
    proxy = await startFaultProxy({ port: PORT_A })

    const shown: TranscriptEntry[] = []
    const errors: string[] = []
    let unsettled = 0
    client = createChatClient({
      bffUrl: proxy.url,
      WebSocket: (url, protocols) => new WebSocket(url, protocols, { origin: ORIGIN }),
      backoff: { baseMs: 100, capMs: 1000 },
    })
    client.on('entries', (e) => shown.push(...e))
    client.on('reset', (e) => shown.splice(0, shown.length, ...e))
    client.on('error', (e) => errors.push(e.code))
    client.on('outbox', (items) => (unsettled = items.length))
    await client.start()
    const answered = (text: string): number => shown.filter((e) => e.type === 'message' && e.role === 'bot' && e.text.includes(`"${text}"`)).length

    client.send('Is size 44 in stock?')
    await until(() => answered('Is size 44 in stock?') === 1, 10_000)
    client.send('And size 45?')
    await until(() => unsettled === 0, 5000)
    // acked, and the bot is still "typing" its answer: the node dies now
    a.signal('SIGKILL')
    await a.exited
    proxy.retarget(PORT_B)
    client.send('Is anyone still there?')

    await until(() => unsettled === 0 && answered('And size 45?') === 1 && answered('Is anyone still there?') === 1, 20_000)
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const seqs = shown.map((e) => e.seq)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(shown.flatMap((e) => (e.type === 'message' && e.role === 'guest' ? [e.text] : []))).toEqual(['Is size 44 in stock?', 'And size 45?', 'Is anyone still there?'])
    expect(answered('Is size 44 in stock?')).toBe(1)
    expect(answered('And size 45?')).toBe(1)
    expect(answered('Is anyone still there?')).toBe(1)
    expect(errors).not.toContain('session_lost')
  }, 60_000)
})
