import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { issueAgent } from '../upstreams/desk/agents'
import { createMemoryStore } from './memory'

const conversation = (id: string) => ({
  id, guestId: `g-${id}`, guestName: 'Guest', epoch: 'e1', status: 'open' as const, lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
  humanJoined: false, upstreamOpened: false, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
})

describe('desk accounts in the memory store', () => {
  it('keeps accounts and who-wrote-what marks across a graceful restart (the snapshot), and revokes with an event', async () => {
    const snapshotFile = join(mkdtempSync(join(tmpdir(), 'parley-agents-')), 'store.json')
    const first = createMemoryStore({ snapshotFile })
    const { agent } = issueAgent('Ada Lovelace', 'agent')
    await first.putAgent(agent)
    await first.createGuest({ guestId: 'g-c1', conversationId: 'c1', attributes: {}, createdAt: agent.createdAt, revoked: false }, conversation('c1'))
    await first.markAgentEntry('c1', 'm_1', agent.id)
    await first.close()

    const second = createMemoryStore({ snapshotFile })
    expect(await second.getAgent(agent.id)).toEqual(agent)
    expect(await second.agentMarks('c1', ['m_1', 'm_2'])).toEqual(new Map([['m_1', agent.id]]))
    const events: unknown[] = []
    second.subscribe((e) => events.push(e))
    expect((await second.revokeAgent(agent.id))?.revokedAt).toBeTruthy()
    expect(events).toEqual([{ type: 'agent-revoked', agentId: agent.id }])
    expect(await second.revokeAgent('agt_nobody')).toBeUndefined()
    // marks go with their conversation
    await second.deleteConversation('c1')
    expect((await second.agentMarks('c1', ['m_1'])).size).toBe(0)
  })
})
