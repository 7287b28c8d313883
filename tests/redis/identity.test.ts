/**
 * Verified identities in both stores (issue 25): a guest bound to a `sub` keeps its verified fields when
 * read back, and the sub's guests come current first; in Redis across nodes, in memory across a graceful
 * restart (the index is rebuilt from the snapshot's guest records).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectRedis, type RedisLink } from '../../server/redis/link'
import { createRedisStore } from '../../server/redis/store'
import { createMemoryStore } from '../../server/stores/memory'
import type { ConversationRecord, ConversationStore, GuestRecord, VerifiedIdentity } from '../../server/stores/types'
import { redisAvailable, startRedis, testPrefix, type TestRedis } from '../support/redis'

const at = '2026-11-21T10:00:00.000Z'
const guest = (id: string): GuestRecord => ({ guestId: `g${id}`, conversationId: `c${id}`, attributes: { page: '/cart' }, createdAt: at, revoked: false, displayName: 'typed' })
const conversation = (id: string): ConversationRecord => ({
  id: `c${id}`, guestId: `g${id}`, guestName: 'typed', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
  humanJoined: false, upstreamOpened: false, createdAt: at, updatedAt: at,
})
const identity = (sub: string): VerifiedIdentity => ({ sub, name: 'Ada', email: 'ada@shop.example', attributes: { tier: 'gold' }, verifiedAt: at })

/** Two guests of one sub and one of another; what every store must then answer. */
async function bindAndCheck(write: ConversationStore, read: ConversationStore): Promise<void> {
  for (const id of ['1', '2', '3']) await write.createGuest(guest(id), conversation(id))
  expect(await write.bindIdentity('g1', identity('user-a'))).toMatchObject({ displayName: 'Ada', email: 'ada@shop.example', attributes: { page: '/cart', tier: 'gold' } })
  await write.bindIdentity('g2', identity('user-a'))
  await write.bindIdentity('g3', identity('user-b'))
  expect(await write.bindIdentity('g-unknown', identity('user-a'))).toBeUndefined()
  expect(await read.guestsOfSub('user-a')).toEqual(['g2', 'g1'])
  expect(await read.guestsOfSub('user-b')).toEqual(['g3'])
  expect(await read.guestsOfSub('nobody')).toEqual([])
  // binding again makes a guest the current one, without a duplicate
  await write.bindIdentity('g1', identity('user-a'))
  expect(await read.guestsOfSub('user-a')).toEqual(['g1', 'g2'])
  expect((await read.getGuest('g2'))?.verified).toEqual(identity('user-a'))
}

describe('the memory store', () => {
  it('binds guests to subs and rebuilds the index after a graceful restart', async () => {
    const snapshotFile = join(mkdtempSync(join(tmpdir(), 'parley-identity-')), 'snapshot.json')
    const store = createMemoryStore({ snapshotFile })
    await bindAndCheck(store, store)
    await store.close()
    const restarted = createMemoryStore({ snapshotFile })
    expect(await restarted.guestsOfSub('user-b')).toEqual(['g3'])
    expect((await restarted.guestsOfSub('user-a')).sort()).toEqual(['g1', 'g2'])
    expect((await restarted.getGuest('g1'))?.verified?.sub).toBe('user-a')
    await restarted.close()
  })
})

describe.skipIf(!redisAvailable())('the Redis store', () => {
  let redis: TestRedis | undefined
  const links: RedisLink[] = []
  const stores: ConversationStore[] = []
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close()
    for (const l of links.splice(0)) await l.close()
  })
  afterAll(async () => redis?.close())

  async function node(prefix: string, nodeId: string): Promise<ConversationStore> {
    if (!redis) throw new Error('no redis')
    const link = await connectRedis({ url: redis.url, prefix, nodeId })
    const store = createRedisStore(link, { retentionMs: 3_600_000, maxEntriesPerConversation: 5000 })
    links.push(link)
    stores.push(store)
    return store
  }

  it('binds guests to subs; another node reads the same', async () => {
    const prefix = testPrefix()
    await bindAndCheck(await node(prefix, 'n1'), await node(prefix, 'n2'))
  })
})
