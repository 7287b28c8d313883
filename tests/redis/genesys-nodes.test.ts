/**
 * The Genesys socket of a conversation is driven by one node at a time (issue 5): the guest moves from
 * node A to node B, B asks A to let go, A closes its upstream socket, and B reconnects the same Genesys
 * session (same token) — never two connections at once, every message delivered once, agent replies
 * written while the guest moved reach it from history.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MessageFrame } from '../../src/protocol'
import { createGuest, openGuestSocket } from '../../server/test-support'
import { startGenesysApp, startSimulator, stopStarted, until } from '../genesys/harness'
import { redisAvailable, startRedis, testPrefix, type TestRedis } from '../support/redis'

let redis: TestRedis | undefined
afterEach(stopStarted)
afterAll(async () => redis?.close())

const available = redisAvailable()

describe.skipIf(!available)('Genesys on two nodes', () => {
  beforeAll(async () => {
    redis = await startRedis()
  })

  it('hands the Genesys session from node to node with the guest: one connection at a time, nothing lost or twice', async () => {
    if (!redis) throw new Error('no redis')
    const sim = await startSimulator()
    const shared = { REDIS_URL: redis.url, PARLEY_REDIS_PREFIX: testPrefix(), PARLEY_LEASE_MS: '1500' }
    const a = await startGenesysApp(sim, { ...shared, PARLEY_NODE_ID: 'gen-a' })
    const b = await startGenesysApp(sim, { ...shared, PARLEY_NODE_ID: 'gen-b' })
    const guest = await createGuest(a)
    const onA = await openGuestSocket(a, guest)
    await onA.next('ready')
    await until(() => sim.sessions.size === 1, 5000, 'Genesys session')
    const token = sim.only().token
    onA.send({ type: 'send', clientMessageId: 'g-1', text: 'Is size 44 in stock?' })
    await onA.next('ack', (f) => f.clientMessageId === 'g-1')
    sim.agentSays(token, 'Let me check.')
    await onA.next('message', (m) => m.role === 'agent')
    onA.close()

    // the guest comes back through node B; node B takes the session over
    const onB = await openGuestSocket(b, guest)
    await onB.next('ready')
    onB.send({ type: 'send', clientMessageId: 'g-2', text: 'And size 45?' })
    const ack = await onB.next('ack', (f) => f.clientMessageId === 'g-2', 10_000)
    expect(ack.seq).toBeGreaterThan(0)
    await until(() => sim.openConnections(token) === 1, 5000, 'one connection')
    sim.agentSays(token, 'Both are in stock.')
    const reply = await onB.next('message', (m) => m.role === 'agent' && m.text === 'Both are in stock.', 5000)
    expect(reply.author?.name).toBe('Ada')

    expect(sim.peakConnections.get(token)).toBe(1)
    expect(sim.sessions.size).toBe(1)
    const inbound = sim.only().messages.filter((m) => m.direction === 'Inbound' && m.type === 'Text').map((m) => m.text)
    expect(inbound).toEqual(['Is size 44 in stock?', 'And size 45?'])
    const stored = (await b.store.readAfter(guest.conversationId, 0, 100)).filter((e): e is MessageFrame => e.type === 'message')
    expect(stored.map((m) => `${m.role}: ${m.text}`)).toEqual(['guest: Is size 44 in stock?', 'agent: Let me check.', 'guest: And size 45?', 'agent: Both are in stock.'])
    onB.close()
  })
})
