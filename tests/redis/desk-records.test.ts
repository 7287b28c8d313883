/**
 * The desk's records in Redis against a real redis-server: the team's canned replies (shared by two nodes,
 * untouched by retention, a broken value dropped), the conversation's assignedTo (take and transfer) and the
 * guest's language and device (the guest panel), and an account's avatar.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectRedis, type RedisLink } from '../../server/redis/link'
import { createRedisStore } from '../../server/redis/store'
import type { ConversationStore } from '../../server/stores/types'
import { redisAvailable, startRedis, testPrefix, type TestRedis } from '../support/redis'

const at = '2026-11-21T10:00:00.000Z'
let redis: TestRedis | undefined
const links: RedisLink[] = []
const stores: ConversationStore[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  for (const l of links.splice(0)) await l.close()
})
afterAll(async () => {
  await redis?.close()
})

async function node(prefix: string, nodeId: string): Promise<{ store: ConversationStore; link: RedisLink }> {
  if (!redis) throw new Error('no redis')
  const link = await connectRedis({ url: redis.url, prefix, nodeId })
  // a short retention: canned replies must outlive it
  const store = createRedisStore(link, { retentionMs: 50, maxEntriesPerConversation: 5000 })
  links.push(link)
  stores.push(store)
  return { store, link }
}

describe.skipIf(!redisAvailable())('desk records in Redis', () => {
  beforeAll(async () => {
    redis = await startRedis()
  })

  it('canned replies are shared by the nodes, kept past retention, and a broken value is dropped', async () => {
    const prefix = testPrefix()
    const a = await node(prefix, 'n1')
    const b = await node(prefix, 'n2')
    const reply = { id: 'cr1', title: 'Returns', text: 'Within 30 days.', updatedBy: 'bootstrap', updatedAt: at }
    await a.store.putCannedReply(reply)
    await a.store.putCannedReply({ ...reply, id: 'cr2', title: 'Hours' })
    await a.link.cmd.hset(`${prefix}canned`, 'bad', '{"id":"bad","title":""}')
    expect(await a.link.cmd.hlen(`${prefix}canned`)).toBe(3)
    await new Promise((r) => setTimeout(r, 120))
    expect((await b.store.listCannedReplies()).map((r) => r.title).sort()).toEqual(['Hours', 'Returns'])
    expect(await b.store.deleteCannedReply('cr2')).toBe(true)
    expect(await a.store.deleteCannedReply('cr2')).toBe(false)
    expect(await a.store.listCannedReplies()).toEqual([reply])
  })

  it('a conversation keeps who handles it, read back by another node', async () => {
    const prefix = testPrefix()
    const a = await node(prefix, 'n1')
    const b = await node(prefix, 'n2')
    await a.store.createGuest(
      { guestId: 'g1', conversationId: 'c1', attributes: {}, createdAt: at, revoked: false },
      { id: 'c1', guestId: 'g1', guestName: 'Ana', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0, humanJoined: false, upstreamOpened: true, createdAt: at, updatedAt: at },
    )
    await a.store.updateConversation('c1', { humanJoined: true, assignedTo: 'agt_grace' })
    expect(await b.store.getConversation('c1')).toMatchObject({ humanJoined: true, assignedTo: 'agt_grace' })
  })
  it("a guest's language and device are read back by another node; an overlong one is dropped", async () => {
    const prefix = testPrefix()
    const a = await node(prefix, 'n1')
    const b = await node(prefix, 'n2')
    const conversation = { guestId: 'g1', guestName: 'Ana', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0, humanJoined: false, upstreamOpened: true, createdAt: at, updatedAt: at } as const
    await a.store.createGuest({ guestId: 'g1', conversationId: 'c1', attributes: {}, createdAt: at, revoked: false, language: 'de-CH', device: 'Safari on iPhone' }, { ...conversation, id: 'c1' })
    expect(await b.store.getGuest('g1')).toMatchObject({ language: 'de-CH', device: 'Safari on iPhone' })
    await a.store.createGuest({ guestId: 'g2', conversationId: 'c2', attributes: {}, createdAt: at, revoked: false, device: 'x'.repeat(500) }, { ...conversation, guestId: 'g2', id: 'c2' })
    const g2 = await b.store.getGuest('g2')
    expect(g2?.guestId).toBe('g2')
    expect(g2?.device).toBeUndefined()
  })
  it("an account's avatar is read back by another node; a stored non-https one is dropped, the account kept", async () => {
    const prefix = testPrefix()
    const a = await node(prefix, 'n1')
    const b = await node(prefix, 'n2')
    const ada = { id: 'agt_ada', name: 'Ada', role: 'agent', tokenHash: 'h', createdAt: at, avatarUrl: 'https://cdn.example.com/ada.png' } as const
    await a.store.putAgent(ada)
    await a.store.putAgent({ ...ada, id: 'agt_bob', name: 'Bob', avatarUrl: 'http://cdn.example.com/bob.png' })
    expect(await b.store.getAgent('agt_ada')).toMatchObject({ avatarUrl: 'https://cdn.example.com/ada.png' })
    const bob = await b.store.getAgent('agt_bob')
    expect(bob?.name).toBe('Bob')
    expect(bob?.avatarUrl).toBeUndefined()
  })
})
