/**
 * The Redis store against a real redis-server, side by side with the in-memory store where they must
 * agree (seqs, dedup, paging, refresh tokens), plus what only Redis does: notifications between nodes,
 * gap filling after a dropped subscriber (QUALITY.md §4 F8), trimming and a lost stream's new epoch.
 * The contract and the two-node ordering run on a three-master Redis Cluster too.
 */
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TranscriptEntry } from '../../src/protocol'
import { connectRedis, type RedisLink } from '../../server/redis/link'
import { createRedisStore } from '../../server/redis/store'
import { createMemoryStore } from '../../server/stores/memory'
import type { ConversationRecord, ConversationStore, GuestRecord, StoreEvent } from '../../server/stores/types'
import { redisAvailable, startRedis, startRedisCluster, testPrefix, type TestRedis, type TestRedisCluster } from '../support/redis'
import { until } from '../support/until'

const at = '2026-11-21T10:00:00.000Z'
const guest = (id: string): GuestRecord => ({ guestId: `g${id}`, conversationId: `c${id}`, attributes: { plan: 'gold' }, createdAt: at, revoked: false, displayName: 'Ana' })
const conversation = (id: string): ConversationRecord => ({
  id: `c${id}`, guestId: `g${id}`, guestName: 'Ana', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
  humanJoined: false, upstreamOpened: false, createdAt: at, updatedAt: at,
})
const message = (text: string) => ({ type: 'message' as const, id: `m-${text}`, role: 'guest' as const, text, sentAt: at })

let redis: TestRedis | undefined
let cluster: TestRedisCluster | undefined
const links: RedisLink[] = []
const stores: ConversationStore[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  for (const l of links.splice(0)) await l.close()
})
afterAll(async () => {
  await redis?.close()
  await cluster?.close()
})

async function redisNode(prefix: string, nodeId: string, options: { maxEntries?: number; cluster?: boolean } = {}): Promise<{ store: ConversationStore; link: RedisLink }> {
  if (!redis) throw new Error('no redis')
  const link = await connectRedis({ ...(options.cluster ? { clusterNodes: cluster?.seeds ?? [] } : { url: redis.url }), prefix, nodeId })
  const store = createRedisStore(link, { retentionMs: 3_600_000, maxEntriesPerConversation: options.maxEntries ?? 5000 })
  links.push(link)
  stores.push(store)
  return { store, link }
}


const available = redisAvailable()
// a cluster is always started here, so it needs redis-server even where REDIS_URL names a Redis
const clusterAvailable = available && redisAvailable(true)

describe.skipIf(!available)('Redis store', () => {
  beforeAll(async () => {
    ;[redis, cluster] = await Promise.all([startRedis(), clusterAvailable ? startRedisCluster() : undefined])
  })

  const makers: [string, () => Promise<ConversationStore>][] = [
    ['memory', async () => createMemoryStore()],
    ['redis', async () => (await redisNode(testPrefix(), 'n1')).store],
  ]
  if (clusterAvailable) makers.push(['redis cluster', async () => (await redisNode(testPrefix(), 'n1', { cluster: true })).store])
  describe.each(makers)('the %s store keeps the store contract', (_name, make) => {
    it('hands out dense seqs, de-duplicates by any of an entry\'s keys and pages both ways', async () => {
      const store = await make()
      await store.createGuest(guest('1'), conversation('1'))
      expect(await store.append('c1', message('one'), 'k1')).toMatchObject({ duplicate: false, entry: { seq: 1, text: 'one' } })
      expect(await store.append('c1', message('two'), ['k2', 'up-2'])).toMatchObject({ duplicate: false, entry: { seq: 2 } })
      expect(await store.append('c1', message('two again'), ['other', 'up-2'])).toMatchObject({ duplicate: true, entry: { seq: 2, text: 'two' } })
      for (let i = 3; i <= 10; i++) await store.append('c1', message(`m${i}`))
      expect((await store.findByKey('c1', 'k2'))?.seq).toBe(2)
      expect(await store.findByKey('c1', 'nope')).toBeUndefined()
      expect((await store.readAfter('c1', 7, 100)).map((e) => e.seq)).toEqual([8, 9, 10])
      expect((await store.readAfter('c1', 0, 3)).map((e) => e.seq)).toEqual([1, 2, 3])
      const newest = await store.readBefore('c1', undefined, 4)
      expect(newest.entries.map((e) => e.seq)).toEqual([7, 8, 9, 10])
      expect(newest.hasMore).toBe(true)
      const oldest = await store.readBefore('c1', 3, 4)
      expect(oldest).toEqual({ entries: [expect.objectContaining({ seq: 1 }), expect.objectContaining({ seq: 2 })], hasMore: false })
      expect(await store.getConversation('c1')).toMatchObject({ lastSeq: 10, epoch: 'ep1' })
      await expect(store.append('c-unknown', message('x'))).rejects.toThrow(/unknown conversation/)
    })

    it('keeps guests, patches conversations, lists and forgets them', async () => {
      const store = await make()
      await store.createGuest(guest('2'), conversation('2'))
      expect(await store.getGuest('g2')).toEqual(guest('2'))
      expect(await store.updateConversation('c2', { humanJoined: true, deskReadSeq: 4, upstreamSession: 'tok' })).toMatchObject({ humanJoined: true, deskReadSeq: 4, upstreamSession: 'tok' })
      expect(await store.updateConversation('c-none', { humanJoined: true })).toBeUndefined()
      expect((await store.listConversations()).map((c) => c.id)).toContain('c2')
      await store.revokeGuest('g2')
      expect(await store.getGuest('g2')).toMatchObject({ revoked: true })
      await store.deleteConversation('c2')
      expect(await store.getConversation('c2')).toBeUndefined()
      expect((await store.listConversations()).map((c) => c.id)).not.toContain('c2')
    })

    it('reports a refresh token used on its second use, and remembers revoked families', async () => {
      const store = await make()
      await store.putRefreshToken('h1', { guestId: 'g1', family: 'f1', expiresAt: Date.now() + 60_000, used: false })
      expect(await store.useRefreshToken('h1')).toMatchObject({ family: 'f1', used: false })
      expect(await store.useRefreshToken('h1')).toMatchObject({ family: 'f1', used: true })
      expect(await store.useRefreshToken('unknown')).toBeUndefined()
      expect(await store.isFamilyRevoked('f1')).toBe(false)
      await store.revokeFamily('f1')
      expect(await store.isFamilyRevoked('f1')).toBe(true)
    })
  })

  it.each([['one Redis', false] as const, ...(clusterAvailable ? [['a cluster', true] as const] : [])])('gives every node the entries of a conversation in seq order, from both nodes\' appends (%s)', async (_name, onCluster) => {
    const prefix = testPrefix()
    const a = await redisNode(prefix, 'a', { cluster: onCluster })
    const b = await redisNode(prefix, 'b', { cluster: onCluster })
    await a.store.createGuest(guest('3'), conversation('3'))
    const seenOnB: number[] = []
    const signals: StoreEvent[] = []
    b.store.subscribe((e) => {
      if (e.type === 'entry') seenOnB.push(e.entry.seq)
      if (e.type === 'signal' || e.type === 'revoked') signals.push(e)
    })
    await b.store.getConversation('c3')
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).store.append('c3', message(`x${i}`))))
    await until(() => seenOnB.length === 40)
    expect(seenOnB).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    a.store.signal('c3', { type: 'typing', role: 'agent', active: true, author: { name: 'Sam' } })
    await a.store.revokeGuest('g3')
    await until(() => signals.length === 2)
    expect(signals).toEqual([
      { type: 'signal', conversationId: 'c3', signal: { type: 'typing', role: 'agent', active: true, author: { name: 'Sam' } } },
      { type: 'revoked', guestId: 'g3' },
    ])
  })

  it('fills the gap from the stream when a node\'s subscriber was cut off (F8)', async () => {
    const prefix = testPrefix()
    const a = await redisNode(prefix, 'gap-a')
    const b = await redisNode(prefix, 'gap-b')
    await a.store.createGuest(guest('4'), conversation('4'))
    const seenOnB: TranscriptEntry[] = []
    b.store.subscribe((e) => e.type === 'entry' && seenOnB.push(e.entry))
    await b.store.getConversation('c4')
    // cut B's subscriber (only it) again and again for 2 s while A keeps appending
    const admin = new Redis(redis?.url ?? '')
    const cutUntil = Date.now() + 2000
    let cuts = 0
    const cutter = (async () => {
      while (Date.now() < cutUntil) {
        const list = String(await admin.client('LIST'))
        const id = /id=(\d+) .*name=parley-sub-gap-b /.exec(list)?.[1]
        if (id) cuts += Number(await admin.client('KILL', 'ID', id))
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })()
    let appended = 0
    while (Date.now() < cutUntil) {
      await a.store.append('c4', message(`gap${appended}`)).then(() => appended++, () => undefined)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await cutter
    admin.disconnect()
    // one more after the cuts: B learns of it and reads what it missed before it
    await until(() => a.link.up())
    await a.store.append('c4', message('after'))
    appended++
    await until(() => seenOnB.length === appended, 10_000)
    expect(cuts).toBeGreaterThan(3)
    expect(seenOnB.map((e) => e.seq)).toEqual(Array.from({ length: appended }, (_, i) => i + 1))
  })

  it('trims a long transcript to about the configured length', async () => {
    const { store } = await redisNode(testPrefix(), 'trim', { maxEntries: 100 })
    await store.createGuest(guest('5'), conversation('5'))
    for (let i = 0; i < 600; i++) await store.append('c5', message(`t${i}`))
    const { entries } = await store.readBefore('c5', undefined, 1000)
    expect(entries.length).toBeGreaterThanOrEqual(100)
    expect(entries.length).toBeLessThan(300)
    expect(entries.at(-1)?.seq).toBe(600)
  })

  it('gives every key a TTL at once and extends retention lazily, at most once a minute per conversation', async () => {
    const prefix = testPrefix()
    const { store, link } = await redisNode(prefix, 'ttl')
    await store.createGuest(guest('7'), conversation('7'))
    await store.append('c7', message('one'), 'k-one')
    const keys = [`${prefix}c:c7`, `${prefix}s:c7`, `${prefix}k:c7`, `${prefix}g:g7`]
    const ttls = async (): Promise<number[]> => Promise.all(keys.map((k) => link.cmd.pttl(k)))
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(3_500_000)
    // shorten every TTL: within the minute an append leaves them alone (no write per message)...
    for (const k of keys) await link.cmd.pexpire(k, 100_000)
    await link.cmd.zadd(`${prefix}conversations`, 1, 'c7')
    await store.append('c7', message('two'))
    for (const ttl of await ttls()) expect(ttl).toBeLessThanOrEqual(100_000)
    // ...once it is due, the next append extends all of them, the guest and the index included
    await link.cmd.hset(`${prefix}c:c7`, 'retainedAt', Date.now() - 61_000)
    await store.append('c7', message('three'))
    await until(async () => (await ttls()).every((ttl) => ttl > 3_500_000))
    expect(Number(await link.cmd.zscore(`${prefix}conversations`, 'c7'))).toBeGreaterThan(Date.now() - 10_000)
    // an update that finds retention due extends it too
    for (const k of keys) await link.cmd.pexpire(k, 100_000)
    await link.cmd.hset(`${prefix}c:c7`, 'retainedAt', Date.now() - 61_000)
    expect(await store.updateConversation('c7', { deskReadSeq: 3 })).toMatchObject({ deskReadSeq: 3, lastSeq: 3 })
    await until(async () => (await ttls()).every((ttl) => ttl > 3_500_000))
  })

  it('gives a conversation whose stream was lost a new epoch, and goes on counting', async () => {
    const prefix = testPrefix()
    const { store, link } = await redisNode(prefix, 'lost')
    await store.createGuest(guest('6'), conversation('6'))
    await store.append('c6', message('one'))
    await store.append('c6', message('two'))
    await link.cmd.del(`${prefix}s:c6`)
    const { entry } = await store.append('c6', message('three'))
    const c = await store.getConversation('c6')
    expect(entry.seq).toBe(3)
    expect(c?.epoch).not.toBe('ep1')
    expect((await store.readAfter('c6', 0, 10)).map((e) => e.seq)).toEqual([3])
  })
})
