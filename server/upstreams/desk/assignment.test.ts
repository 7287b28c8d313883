import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeskServerFrame } from '../../../src/protocol'
import { addAgent, createGuest, openDeskSocket, openGuestSocket, startTestApp, type TestApp } from '../../test-support'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp({ PARLEY_DESK_ADMIN_NAME: 'Ada' })
})
afterEach(() => app.app.close())

const row = (id: string, match: (c: Extract<DeskServerFrame, { type: 'conversation' }>['conversation']) => boolean) => (f: DeskServerFrame) =>
  f.type === 'conversation' && f.conversation.id === id && match(f.conversation)

describe('desk triage and assignment', () => {
  it('lists a conversation once the guest writes, not when the widget opens; a request for a person waits', async () => {
    const quiet = await createGuest(app)
    const q = await openGuestSocket(app, quiet)
    await q.next('ready')
    await q.next('message', (m) => m.role === 'bot')
    const asking = await createGuest(app)
    const g = await openGuestSocket(app, asking)
    await g.next('ready')
    g.send({ type: 'send', clientMessageId: 'p1', text: 'Talk to a person', reply: { kind: 'quick-reply', payload: 'talk-to-person' } })
    await g.next('message', (m) => m.role === 'bot' && m.seq > 2)

    const desk = await openDeskSocket(app)
    const list = await desk.next('conversations')
    if (list.type !== 'conversations') throw new Error('no list')
    expect(list.conversations.map((c) => c.id)).toEqual([asking.conversationId])
    const [c] = list.conversations
    expect(c).toMatchObject({ wantsPerson: true, isNew: true, lastMessage: { role: 'bot' } })
    expect(c?.guestName).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{2}$/)
    expect(Date.parse(c?.waitingSince ?? '')).toBeGreaterThan(0)
    desk.ws.close()
    q.close()
    g.close()
  })

  it('take, transfer to a colleague, leave to the bot: the guest sees who joined and left; the desk sees who handles it', async () => {
    const grace = await addAgent(app, 'Grace')
    const guest = await createGuest(app)
    const g = await openGuestSocket(app, guest)
    await g.next('ready')
    g.send({ type: 'send', clientMessageId: 'x1', text: 'Hello?' })
    await g.next('ack')
    const ada = await openDeskSocket(app)
    const gr = await openDeskSocket(app, grace.token)
    // both are online, each desk sees the whole team
    const team = await ada.next('agents', (f) => f.type === 'agents' && f.agents.every((a) => a.online))
    expect(team.type === 'agents' && team.agents.map((a) => a.name)).toEqual(['Ada', 'Grace'])

    const id = guest.conversationId
    ada.ws.send(JSON.stringify({ type: 'take', conversationId: id }))
    expect(await g.next('event', (e) => e.kind === 'agent-joined')).toMatchObject({ author: { name: 'Ada' } })
    await gr.next('conversation', row(id, (c) => c.humanJoined === true && c.assignee?.name === 'Ada'))

    ada.ws.send(JSON.stringify({ type: 'transfer', conversationId: id, agentId: grace.agent.id }))
    expect(await g.next('event', (e) => e.kind === 'agent-left')).toMatchObject({ author: { name: 'Ada' } })
    expect(await g.next('event', (e) => e.kind === 'agent-joined')).toMatchObject({ author: { name: 'Grace' } })
    await gr.next('conversation', row(id, (c) => c.assignee?.id === grace.agent.id))

    gr.ws.send(JSON.stringify({ type: 'transfer', conversationId: id, agentId: 'agt_nobody' }))
    expect(await gr.next('error')).toMatchObject({ message: expect.stringContaining('no desk account') })

    gr.ws.send(JSON.stringify({ type: 'leave', conversationId: id }))
    expect(await g.next('event', (e) => e.kind === 'agent-left')).toMatchObject({ author: { name: 'Grace' } })
    await ada.next('conversation', row(id, (c) => !c.humanJoined && c.assignee === undefined))
    // the bot answers again
    g.send({ type: 'send', clientMessageId: 'x2', text: 'still there' })
    await g.next('message', (m) => m.role === 'bot' && m.text.includes('still there'))

    // Grace signs out: Ada's desk sees her offline
    gr.ws.close()
    await ada.next('agents', (f) => f.type === 'agents' && f.agents.some((a) => a.id === grace.agent.id && !a.online))
    ada.ws.close()
    g.close()
  })
})
