import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addAgent, createGuest, DESK_TOKEN, openDeskSocket, openGuestSocket, startTestApp, type TestApp } from '../../test-support'
import { botAnswer } from './bot'

let app: TestApp
beforeEach(async () => {
  // the bootstrap admin's name: what guests see on its replies
  app = await startTestApp({ PARLEY_DESK_ADMIN_NAME: 'Ada' })
})
afterEach(() => app.app.close())

const openDesk = (token = DESK_TOKEN) => openDeskSocket(app, token)

describe('desk socket', () => {
  it('refuses a wrong desk token with 401', async () => {
    await expect(openDesk('wrong-token-wrong-token')).rejects.toMatchObject({ status: 401 })
  })

  it('writes a reply under the account that signed in, whatever name the console sends, and tells the desk who did each thing', async () => {
    const ada = await addAgent(app, 'Ada Lovelace')
    const guest = await createGuest(app)
    const g = await openGuestSocket(app, guest)
    await g.next('ready')
    const desk = await openDesk(ada.token)
    expect(await desk.next('hello')).toEqual({ type: 'hello', agent: { id: ada.agent.id, name: 'Ada Lovelace', role: 'agent' } })
    desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: 'a1', text: 'Hello', agentName: 'Mallory' }))
    expect(await g.next('message', (m) => m.role === 'agent')).toMatchObject({ text: 'Hello', author: { name: 'Ada Lovelace' } })
    const live = await desk.next('entry', (f) => f.type === 'entry' && f.entry.type === 'message' && f.entry.role === 'agent')
    expect(live.type === 'entry' && live.by).toEqual({ id: ada.agent.id, name: 'Ada Lovelace' })

    // the bootstrap admin ends it: the transcript names each agent by account
    const admin = await openDesk()
    admin.ws.send(JSON.stringify({ type: 'end', conversationId: guest.conversationId }))
    await g.next('event', (e) => e.kind === 'conversation-ended')
    admin.ws.send(JSON.stringify({ type: 'open', conversationId: guest.conversationId }))
    const t = await admin.next('transcript')
    if (t.type !== 'transcript') throw new Error('no transcript')
    const named = t.entries.flatMap((e) => (t.by?.[e.id] ? [[e.type === 'message' ? e.role : e.kind, t.by[e.id]?.id]] : []))
    expect(named).toEqual([['agent-joined', ada.agent.id], ['agent', ada.agent.id], ['conversation-ended', 'bootstrap']])
    // the guest's copy carries no account id
    const { entries } = await app.store.readBefore(guest.conversationId, undefined, 100)
    expect(JSON.stringify(entries)).not.toContain(ada.agent.id)
    desk.ws.close()
    admin.ws.close()
    g.close()
  })

  it('closes the open sockets of a revoked account with 4003 and refuses its token from then on', async () => {
    const bo = await addAgent(app, 'Bo')
    const desk = await openDesk(bo.token)
    await desk.next('hello')
    const closed = new Promise<number>((resolve) => desk.ws.once('close', (code) => resolve(code)))
    const res = await app.app.inject({ method: 'DELETE', url: `/api/desk/agents/${bo.agent.id}`, headers: { authorization: `Bearer ${DESK_TOKEN}` } })
    expect(res.statusCode).toBe(200)
    expect(await closed).toBe(4003)
    await expect(openDesk(bo.token)).rejects.toMatchObject({ status: 401 })
  })

  it('lets only admins manage accounts, and never shows a token hash', async () => {
    const cy = await addAgent(app, 'Cy')
    const asAgent = await app.app.inject({ method: 'POST', url: '/api/desk/agents', headers: { authorization: `Bearer ${cy.token}` }, payload: { name: 'Eve', role: 'admin' } })
    expect(asAgent.statusCode).toBe(403)
    const list = await app.app.inject({ method: 'GET', url: '/api/desk/agents', headers: { authorization: `Bearer ${DESK_TOKEN}` } })
    expect(list.json<{ agents: { id: string; name: string }[] }>().agents.map((a) => a.name)).toEqual(['Cy'])
    expect(list.body).not.toContain('tokenHash')
    const stored = await app.store.getAgent(cy.agent.id)
    expect(stored?.tokenHash).toBeTruthy()
    expect(list.body).not.toContain(stored?.tokenHash)
    expect(stored?.tokenHash).not.toContain(cy.token.split('.')[1])
  })

  it('lists conversations with unread counts, opens a transcript, and the agent reply reaches the guest; the bot steps back', async () => {
    const guest = await createGuest(app, { displayName: 'Bo' })
    const g = await openGuestSocket(app, guest)
    await g.next('ready')
    g.send({ type: 'send', clientMessageId: 'q1', text: 'Need a human' })
    await g.next('message', (m) => m.role === 'bot' && m.text === botAnswer('Need a human').text)

    const desk = await openDesk()
    const list = await desk.next('conversations')
    const row = list.type === 'conversations' ? list.conversations.find((c) => c.id === guest.conversationId) : undefined
    expect(row).toMatchObject({ guestName: 'Bo', unread: 1, status: 'open' })
    expect(row?.lastMessage?.role).toBe('bot')

    desk.ws.send(JSON.stringify({ type: 'open', conversationId: guest.conversationId }))
    const transcript = await desk.next('transcript')
    expect(transcript.type === 'transcript' && transcript.entries.map((e) => e.seq)).toEqual([1, 2, 3])
    await desk.next('conversation', (f) => f.type === 'conversation' && f.conversation.unread === 0)

    desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: 'a1', text: 'Hi, I am Ada.', agentName: 'Ada' }))
    expect(await g.next('event')).toMatchObject({ kind: 'agent-joined', author: { name: 'Ada' } })
    expect(await g.next('message', (m) => m.role === 'agent')).toMatchObject({ text: 'Hi, I am Ada.', author: { name: 'Ada' } })

    // after a human replied, a guest message gets no bot answer: the next transcript entry is the agent's
    g.send({ type: 'send', clientMessageId: 'q2', text: 'Thanks' })
    await g.next('ack', (a) => a.clientMessageId === 'q2')
    desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: 'a2', text: 'Anything else?', agentName: 'Ada' }))
    await g.next('message', (m) => m.text === 'Anything else?')
    const { entries } = await app.store.readBefore(guest.conversationId, undefined, 100)
    expect(entries.filter((e) => e.type === 'message' && e.role === 'bot')).toHaveLength(2)

    desk.ws.send(JSON.stringify({ type: 'end', conversationId: guest.conversationId }))
    expect(await g.next('event', (e) => e.kind === 'conversation-ended')).toBeTruthy()
    g.send({ type: 'send', clientMessageId: 'q3', text: 'Hello?' })
    expect((await g.next('error')).code).toBe('conversation_ended')
    desk.ws.close()
    g.close()
  })

  it('shows guest typing to the desk and agent typing to the guest', async () => {
    const guest = await createGuest(app)
    const g = await openGuestSocket(app, guest)
    await g.next('ready')
    const desk = await openDesk()
    await desk.next('conversations')
    g.send({ type: 'typing', active: true })
    expect(await desk.next('guest-typing')).toEqual({ type: 'guest-typing', conversationId: guest.conversationId, active: true })
    desk.ws.send(JSON.stringify({ type: 'typing', conversationId: guest.conversationId, active: true, agentName: 'Ada' }))
    expect(await g.next('typing', (t) => t.role === 'agent')).toEqual({ type: 'typing', role: 'agent', active: true, author: { name: 'Ada' } })
    desk.ws.close()
    g.close()
  })

  it('shows the desk what the guest has seen, who the guest is, and the rating; an agent who leaves hands back to the bot', async () => {
    const guest = await createGuest(app, { displayName: 'Cy', email: 'cy@example.com', attributes: { orderId: 'A-17' } })
    const g = await openGuestSocket(app, guest)
    await g.next('ready')
    await g.next('message', (m) => m.role === 'bot') // the greeting
    const desk = await openDesk()
    const list = await desk.next('conversations')
    const row = list.type === 'conversations' ? list.conversations.find((c) => c.id === guest.conversationId) : undefined
    expect(row).toMatchObject({ email: 'cy@example.com', attributes: { orderId: 'A-17' }, guestReadSeq: 0 })

    desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: 'a1', text: 'Hello Cy', agentName: 'Ada' }))
    const reply = await g.next('message', (m) => m.role === 'agent')
    g.send({ type: 'read', upToSeq: reply.type === 'message' ? reply.seq : 0 })
    await desk.next('conversation', (f) => f.type === 'conversation' && f.conversation.guestReadSeq === (reply.type === 'message' ? reply.seq : -1))
    // a mark past the end of the transcript is clamped, and one behind it changes nothing
    g.send({ type: 'read', upToSeq: 10_000 })
    g.send({ type: 'read', upToSeq: 1 })
    g.send({ type: 'ping' })
    await g.next('pong')
    expect((await app.store.getConversation(guest.conversationId))?.guestReadSeq).toBe(reply.type === 'message' ? reply.seq : -1)

    desk.ws.send(JSON.stringify({ type: 'leave', conversationId: guest.conversationId, agentName: 'Ada' }))
    expect(await g.next('event', (e) => e.kind === 'agent-left')).toMatchObject({ author: { name: 'Ada' } })
    g.send({ type: 'send', clientMessageId: 'q1', text: 'Is size 44 in stock?' })
    await g.next('message', (m) => m.role === 'bot' && m.text === botAnswer('Is size 44 in stock?').text)

    const rated = await app.app.inject({
      method: 'POST',
      url: '/api/guest-sessions/current/rating',
      headers: { origin: 'http://app.test', authorization: `Bearer ${guest.guestToken}` },
      payload: { score: 4, comment: '  Quick and kind.  ' },
    })
    expect(rated.statusCode).toBe(204)
    const withRating = await desk.next('conversation', (f) => f.type === 'conversation' && f.conversation.rating !== undefined)
    expect(withRating.type === 'conversation' && withRating.conversation.rating).toMatchObject({ score: 4, comment: 'Quick and kind.' })
    desk.ws.close()
    g.close()
  })
})
