/**
 * Redis Cluster failover: three masters with one replica each. Node A keeps appending to a conversation
 * (retrying what failed with the same dedup key, as a guest's client does) while the master holding the
 * conversation's slot is killed with SIGKILL. Once its replica is promoted both nodes carry on, and every
 * append that was acknowledged is there with the seq it was acknowledged with, once, with no gap.
 */
import { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TranscriptEntry } from '../../src/protocol'
import { connectRedis, type RedisLink } from '../../server/redis/link'
import { createRedisStore } from '../../server/redis/store'
import type { ConversationStore } from '../../server/stores/types'
import { redisAvailable, startRedisCluster, testPrefix, type TestRedisCluster } from '../support/redis'
import { until } from '../support/until'

const at = '2026-12-06T10:00:00.000Z'
let cluster: TestRedisCluster | undefined
const links: RedisLink[] = []
const stores: ConversationStore[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  for (const l of links.splice(0)) await l.close()
  await cluster?.close()
})

async function node(prefix: string, nodeId: string): Promise<ConversationStore> {
  const link = await connectRedis({ clusterNodes: cluster?.seeds ?? [], prefix, nodeId, commandTimeoutMs: 1000 })
  const store = createRedisStore(link, { retentionMs: 3_600_000, maxEntriesPerConversation: 5000 })
  links.push(link)
  stores.push(store)
  return store
}

/** The port of the master serving `key`'s slot, asked of a live master (undefined while the cluster is down). */
async function masterOf(key: string): Promise<number | undefined> {
  const [port] = (await cluster?.masters()) ?? []
  if (port === undefined) return undefined
  const admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null })
  admin.on('error', () => undefined)
  try {
    const slot = Number(await admin.cluster('KEYSLOT', key))
    const owner = (await admin.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to)
    return owner?.[2]?.[1]
  } catch {
    return undefined
  } finally {
    admin.disconnect()
  }
}

// the cluster is started here: redis-server is needed even where REDIS_URL names a Redis
const available = redisAvailable(true)

describe.skipIf(!available)('Redis Cluster failover', () => {
  // each test kills a server, so each gets a cluster of its own
  beforeEach(async () => {
    cluster = await startRedisCluster({ replicas: 1 })
  }, 30_000)

  it('a killed master is replaced by its replica; both nodes carry on and nothing acknowledged is lost', async () => {
    const prefix = testPrefix()
    const a = await node(prefix, 'fa')
    const b = await node(prefix, 'fb')
    const id = 'c-failover'
    await a.createGuest({ guestId: 'g-failover', conversationId: id, attributes: {}, createdAt: at, revoked: false }, {
      id, guestId: 'g-failover', guestName: 'Ana', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
      humanJoined: false, upstreamOpened: false, createdAt: at, updatedAt: at,
    })
    const seenOnB: TranscriptEntry[] = []
    b.subscribe((e) => e.type === 'entry' && e.conversationId === id && seenOnB.push(e.entry))
    await b.getConversation(id)

    const acked = new Map<string, number>()
    let failures = 0
    /**
     * One message, retried with the same key until acknowledged, for longer than a promotion may take below
     * (a refused append fails at once, so a count of attempts could run out before the replica took over).
     */
    const send = async (store: ConversationStore, key: string): Promise<void> => {
      const deadline = Date.now() + 30_000
      while (Date.now() < deadline) {
        try {
          const { entry } = await store.append(id, { type: 'message', id: `m-${key}`, role: 'guest', text: key, sentAt: at }, key)
          acked.set(key, entry.seq)
          return
        } catch {
          failures++
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      throw new Error(`${key} was never acknowledged`)
    }

    for (let i = 0; i < 30; i++) await send(a, `before-${i}`)
    const slotKey = `${prefix}c:{${id}}`
    const victim = await masterOf(slotKey)
    if (victim === undefined) throw new Error('no master for the conversation')
    // appends keep going while the master dies and its replica takes over
    let stop = false
    const during = (async () => {
      for (let i = 0; !stop && i < 5000; i++) await send(a, `during-${i}`)
    })()
    await until(() => acked.size >= 40, 5000, 'appends under way')
    await cluster?.kill(victim)
    await until(async () => ![undefined, victim].includes(await masterOf(slotKey)), 20_000, 'a replica to be promoted')
    stop = true
    await during
    for (let i = 0; i < 10; i++) await send(i % 2 ? a : b, `after-${i}`)

    expect(failures).toBeGreaterThan(0)
    const stored = await b.readAfter(id, 0, 1000)
    const byKey = new Map(stored.map((e) => [e.type === 'message' ? e.text : '', e.seq]))
    for (const [key, seq] of acked) expect(byKey.get(key), key).toBe(seq)
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1))
    expect(stored).toHaveLength(acked.size)
    // node B was told of every entry, in order, the failover notwithstanding
    await until(() => seenOnB.length === stored.length, 10_000)
    expect(seenOnB.map((e) => e.seq)).toEqual(stored.map((e) => e.seq))
  }, 60_000)

  it('a node whose subscriber\'s server died still learns of what was appended meanwhile', async () => {
    const prefix = testPrefix()
    const a = await node(prefix, 'sa')
    const b = await node(prefix, 'sb')
    const seenOnB: string[] = []
    b.subscribe((e) => e.type === 'entry' && e.entry.type === 'message' && seenOnB.push(e.entry.text))
    // the server B listens on, found by its subscriber connection's name
    const live = (await cluster?.masters()) ?? []
    const listening = await Promise.all(
      (cluster?.ports ?? []).map(async (port) => {
        const admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null })
        admin.on('error', () => undefined)
        try {
          return String(await admin.client('LIST')).includes('subscriber):parley-sub-sb ') ? port : undefined
        } catch {
          return undefined
        } finally {
          admin.disconnect()
        }
      }),
    )
    const victim = listening.find((p) => p !== undefined)
    if (victim === undefined) throw new Error("B's subscriber was not found")
    // a conversation whose slot another server serves, so appending to it goes on while the victim dies
    let id = ''
    for (let i = 0; !id && i < 100; i++) {
      const owner = await masterOf(`${prefix}c:{c-sub-${i}}`)
      if (owner !== undefined && owner !== victim && live.includes(owner)) id = `c-sub-${i}`
    }
    await a.createGuest({ guestId: `g-${id}`, conversationId: id, attributes: {}, createdAt: at, revoked: false }, {
      id, guestId: `g-${id}`, guestName: 'Ana', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
      humanJoined: false, upstreamOpened: false, createdAt: at, updatedAt: at,
    })
    await b.getConversation(id)
    await a.append(id, { type: 'message', id: 'm-first', role: 'guest', text: 'first', sentAt: at })
    await until(() => seenOnB.length === 1)
    await cluster?.kill(victim)
    // appended while B's subscriber moves to another server: its notification goes nowhere, and nothing
    // comes after it that would reveal the gap
    await a.append(id, { type: 'message', id: 'm-second', role: 'guest', text: 'second', sentAt: at })
    await until(() => seenOnB.length === 2, 20_000, 'B to hear of the second message')
    expect(seenOnB).toEqual(['first', 'second'])
  }, 60_000)
})
