/**
 * What the agent side does reaches the guest (names, typing, presence, read-only), and what the guest does
 * reaches Genesys the way the deployment wants it (typing, custom attributes, auto-start, end chat).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createGuest, openGuestSocket, ORIGIN, type TestApp, type TestSocket } from '../../server/test-support'
import { startGenesysApp, startSimulator, until, stopStarted } from './harness'
import type { GenesysSimulator, SimOptions } from './simulator'

afterEach(stopStarted)

async function connected(
  deployment: Partial<SimOptions['deployment']> = {},
  body: object = {},
  options: Partial<SimOptions> = {},
): Promise<{ sim: GenesysSimulator; app: TestApp; socket: TestSocket; token: string; guestToken: string }> {
  const s = await startSimulator(options, deployment)
  const app = await startGenesysApp(s)
  const guest = await createGuest(app, body)
  const socket = await openGuestSocket(app, guest)
  await socket.next('ready')
  await until(() => s.sessions.size === 1 && s.openConnections(s.only().token) === 1, 5000, 'Genesys session')
  return { sim: s, app, socket, token: s.only().token, guestToken: guest.guestToken }
}

describe('agent and bot → guest', () => {
  it('shows agents and bots with the names and avatars Genesys gives', async () => {
    const { sim: s, socket, token } = await connected()
    s.agentSays(token, 'Hi, I am Ada', { nickname: 'Ada', image: 'https://cdn.example/ada.png' })
    s.agentSays(token, 'Tony here', { firstName: 'Tony' })
    s.agentSays(token, 'Beep', {}, true)
    const [ada, tony, bot] = [await socket.next('message'), await socket.next('message'), await socket.next('message')]
    expect(ada).toMatchObject({ role: 'agent', text: 'Hi, I am Ada', author: { name: 'Ada', avatarUrl: 'https://cdn.example/ada.png' } })
    expect(tony).toMatchObject({ role: 'agent', author: { name: 'Tony' } })
    expect(bot).toMatchObject({ role: 'bot', text: 'Beep', author: { name: 'Bot' } })
    socket.close()
  })

  it('shows agent typing with the name and clears it after the event\'s duration', async () => {
    const { sim: s, socket, token } = await connected({ showAgentTyping: true })
    s.agentTyping(token, 200)
    expect(await socket.next('typing')).toMatchObject({ role: 'agent', active: true, author: { name: 'Ada' } })
    expect(await socket.next('typing')).toMatchObject({ role: 'agent', active: false })
    socket.close()
  })

  it('shows no "joined" for a Presence Join (the auto-start acknowledgement), a left line and a read-only end', async () => {
    const { sim: s, socket, token } = await connected()
    s.presence(token, 'Join')
    s.presence(token, 'Disconnect')
    expect(await socket.next('event')).toMatchObject({ kind: 'agent-left' })
    s.presence(token, 'Disconnect', true)
    expect(await socket.next('event')).toMatchObject({ kind: 'conversation-ended' })
    socket.send({ type: 'send', clientMessageId: 'after-end', text: 'hello?' })
    expect((await socket.next('error', (f) => f.clientMessageId === 'after-end')).code).toBe('conversation_ended')
    expect(s.requests.filter((r) => r.action === 'onMessage')).toHaveLength(0)
    socket.close()
  })

  it('answers 409 read-only by ending the conversation', async () => {
    const { sim: s, socket, token } = await connected()
    s.only().readOnly = true // the Disconnect frame was missed
    socket.send({ type: 'send', clientMessageId: 'ro-1', text: 'anyone?' })
    expect((await socket.next('error', (f) => f.clientMessageId === 'ro-1')).code).toBe('conversation_ended')
    expect(await socket.next('event')).toMatchObject({ kind: 'conversation-ended' })
    expect(s.openConnections(token)).toBe(1)
    socket.close()
  })

  it('does not reconnect blindly after ConnectionClosedEvent, but comes back when the guest writes', async () => {
    const { sim: s, socket, token } = await connected()
    const opened = s.connectionsOpened
    s.pushFrame(token, { type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {} })
    await until(() => s.openConnections(token) === 0, 5000, 'the BFF to close its connection')
    socket.send({ type: 'send', clientMessageId: 'cc-1', text: 'back again' })
    await socket.next('ack', (f) => f.clientMessageId === 'cc-1')
    expect(s.connectionsOpened).toBe(opened + 1)
    socket.close()
  })
})

describe('guest → Genesys, as the deployment wants', () => {
  it('sends typing at most once per 5 s where the deployment shows user typing', async () => {
    const { sim: s, socket } = await connected({ showUserTyping: true })
    for (let i = 0; i < 3; i++) socket.send({ type: 'typing', active: true })
    socket.send({ type: 'ping' })
    await socket.next('pong')
    await until(() => s.requests.some((r) => r.action === 'onMessage'), 5000, 'typing')
    const typing = s.requests.filter((r) => JSON.stringify(r.frame).includes('"Typing"'))
    expect(typing).toHaveLength(1)
    socket.close()
  })

  it('a text either way starts the 5 s typing interval afresh, as Genesys\' SDK does', async () => {
    const { sim: s, socket, token } = await connected({ showUserTyping: true })
    const typings = (): number => s.requests.filter((r) => JSON.stringify(r.frame).includes('"Typing"')).length
    socket.send({ type: 'typing', active: true })
    await until(() => typings() === 1, 5000, 'the first typing')
    // the agent's text: the guest may show typing again at once
    s.agentSays(token, 'How can I help?')
    await socket.next('message', (m) => m.text === 'How can I help?')
    socket.send({ type: 'typing', active: true })
    await until(() => typings() === 2, 2000, 'typing after the agent\'s text')
    // the guest's own text, echoed by Genesys: the same
    socket.send({ type: 'send', clientMessageId: 't-1', text: 'A question' })
    await socket.next('ack', (f) => f.clientMessageId === 't-1')
    socket.send({ type: 'typing', active: true })
    await until(() => typings() === 3, 2000, 'typing after the guest\'s text')
    // and without a text in between, the interval holds
    socket.send({ type: 'typing', active: true })
    socket.send({ type: 'ping' })
    await socket.next('pong')
    await new Promise((r) => setTimeout(r, 300))
    expect(typings()).toBe(3)
    socket.close()
  })

  for (const [what, deployment] of [
    ['switches it off', { showUserTyping: false }],
    ['has no flag (absent means false)', {}],
  ] as const)
    it(`sends no typing when the deployment ${what}`, async () => {
      const { sim: s, socket } = await connected(deployment)
      socket.send({ type: 'typing', active: true })
      socket.send({ type: 'send', clientMessageId: 't-1', text: 'hi there' })
      await socket.next('ack', (f) => f.clientMessageId === 't-1')
      expect(s.requests.filter((r) => JSON.stringify(r.frame).includes('"Typing"'))).toHaveLength(0)
      socket.close()
    })

  it('sends guest attributes as custom attributes within maxCustomDataBytes, once', async () => {
    const { sim: s, socket } = await connected({ maxCustomDataBytes: 60 }, { displayName: 'Grace', attributes: { plan: 'gold', note: 'x'.repeat(80) } })
    socket.send({ type: 'send', clientMessageId: 'a-1', text: 'first' })
    socket.send({ type: 'send', clientMessageId: 'a-2', text: 'second' })
    await socket.next('ack', (f) => f.clientMessageId === 'a-2', 5000)
    expect(s.only().attributes).toEqual([{ name: 'Grace', plan: 'gold' }])
    socket.close()
  })

  it('sends Presence Join with the attributes when the deployment auto-starts', async () => {
    const { sim: s, socket } = await connected({ autoStart: true }, { attributes: { plan: 'gold' } })
    await until(() => s.requests.some((r) => JSON.stringify(r.frame).includes('"Join"')), 5000, 'auto-start Join')
    expect(s.only().attributes).toEqual([{ plan: 'gold' }])
    socket.close()
  })

  it('"end chat" sends Presence Clear where the deployment allows it', async () => {
    const { sim: s, app: a, guestToken } = await connected({ clearEnabled: true })
    const res = await a.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: ORIGIN, authorization: `Bearer ${guestToken}` } })
    expect(res.statusCode).toBe(204)
    expect(s.requests.some((r) => JSON.stringify(r.frame).includes('"Clear"'))).toBe(true)
    expect(s.requests.some((r) => r.action === 'closeSession')).toBe(false)
    expect(s.only().agentSideOpen).toBe(false)
  })

  it('"end chat" where Clear is off sends no closeSession: the agent keeps a live conversation, so nothing is ended', async () => {
    const { sim: s, app: a, guestToken } = await connected({ clearEnabled: false })
    const res = await a.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: ORIGIN, authorization: `Bearer ${guestToken}` } })
    expect(res.statusCode).toBe(409)
    expect(s.requests.some((r) => r.action === 'closeSession')).toBe(false)
  })
})
