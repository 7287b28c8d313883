/**
 * No guest message lost or duplicated on the way to Genesys: the ack waits for the echo; a burst under
 * 429 / retryAfter arrives in order; frames that overtake each other are put back in time order; a socket
 * that drops without a close frame is reconnected with the same token and the gap filled from history.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { MessageFrame } from '../../src/protocol'
import { createGuest, openGuestSocket, ORIGIN, type CreatedGuest, type TestApp, type TestSocket } from '../../server/test-support'
import { startGenesysApp, startSimulator, until, stopStarted } from './harness'
import type { GenesysSimulator } from './simulator'

let sim: GenesysSimulator | undefined
let app: TestApp | undefined
afterEach(stopStarted)

async function connected(env: Record<string, string> = {}): Promise<{ sim: GenesysSimulator; app: TestApp; guest: CreatedGuest; socket: TestSocket; token: string }> {
  if (!sim) throw new Error('start the simulator first')
  app = await startGenesysApp(sim, env)
  const guest = await createGuest(app)
  const socket = await openGuestSocket(app, guest)
  await socket.next('ready')
  const s = sim
  await until(() => s.sessions.size === 1, 5000, 'Genesys session')
  return { sim: s, app, guest, socket, token: s.only().token }
}

async function transcript(app: TestApp, guest: CreatedGuest): Promise<MessageFrame[]> {
  const res = await app.app.inject({ method: 'GET', url: '/api/guest-sessions/current/messages?limit=200', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
  return res.json<{ messages: MessageFrame[] }>().messages.filter((m) => m.type === 'message')
}

const inboundTexts = (s: GenesysSimulator): string[] => s.only().messages.filter((m) => m.direction === 'Inbound' && m.type === 'Text').map((m) => m.text ?? '')

describe('guest → Genesys', () => {
  it('acks only when the Inbound echo with the tracingId arrives', async () => {
    sim = await startSimulator()
    const { socket, app: a, guest } = await connected()
    sim.swallowEchoes = 1
    socket.send({ type: 'send', clientMessageId: 'c-1', text: 'Is size 44 in stock?' })
    await until(() => sim?.requests.some((r) => r.action === 'onMessage') === true, 5000, 'onMessage')
    const sent = sim.requests.find((r) => r.action === 'onMessage')
    expect(sent?.frame.tracingId).toBe('c-1')
    // Genesys has it but the echo never came: no ack yet
    await expect(socket.next('ack', () => true, 300)).rejects.toThrow(/no "ack"/)
    // the echo timeout reconnects, the history shows the message (by its customMessageId): acked, stored once, not resent
    const ack = await socket.next('ack', (f) => f.clientMessageId === 'c-1', 8000)
    expect(ack.seq).toBeGreaterThan(0)
    expect(inboundTexts(sim)).toEqual(['Is size 44 in stock?'])
    expect((await transcript(a, guest)).filter((m) => m.role === 'guest').map((m) => m.text)).toEqual(['Is size 44 in stock?'])
    socket.close()
  })

  it('delivers a burst in order under 429 / retryAfter, none lost, none twice', async () => {
    sim = await startSimulator({ rate: 2, retryAfter: 1 })
    // the BFF paces faster than the simulator allows, so the 429 path is taken
    const { socket, app: a, guest } = await connected({ GENESYS_MESSAGE_RATE: '20', PARLEY_MSG_BURST: '20' })
    const texts = Array.from({ length: 8 }, (_, i) => `burst ${i + 1}`)
    texts.forEach((text, i) => socket.send({ type: 'send', clientMessageId: `b-${i + 1}`, text }))
    const acks = await Promise.all(texts.map((_, i) => socket.next('ack', (f) => f.clientMessageId === `b-${i + 1}`, 15_000)))
    expect(acks.map((x) => x.seq)).toEqual([...acks.map((x) => x.seq)].sort((x, y) => x - y))
    expect(sim.rateLimited).toBeGreaterThan(0)
    expect(inboundTexts(sim)).toEqual(texts)
    expect((await transcript(a, guest)).filter((m) => m.role === 'guest').map((m) => m.text)).toEqual(texts)
    socket.close()
  }, 30_000)

  it('a resend of a message in flight or delivered gets the same seq', async () => {
    sim = await startSimulator()
    const { socket } = await connected()
    socket.send({ type: 'send', clientMessageId: 'd-1', text: 'once' })
    socket.send({ type: 'send', clientMessageId: 'd-1', text: 'once' })
    const first = await socket.next('ack', (f) => f.clientMessageId === 'd-1')
    const second = await socket.next('ack', (f) => f.clientMessageId === 'd-1')
    socket.send({ type: 'send', clientMessageId: 'd-1', text: 'once' })
    const third = await socket.next('ack', (f) => f.clientMessageId === 'd-1')
    expect([second.seq, third.seq]).toEqual([first.seq, first.seq])
    expect(inboundTexts(sim)).toEqual(['once'])
    socket.close()
  })

  it('refuses a text over the Genesys byte limit before sending it (4011)', async () => {
    sim = await startSimulator()
    const { socket } = await connected({ GENESYS_MAX_MESSAGE_BYTES: '100' })
    socket.send({ type: 'send', clientMessageId: 'l-1', text: 'é'.repeat(60) })
    const err = await socket.next('error', (f) => f.clientMessageId === 'l-1')
    expect(err.code).toBe('message_too_long')
    expect(sim.requests.some((r) => r.action === 'onMessage')).toBe(false)
    socket.close()
  })

  it('maps 4011 from Genesys to message_too_long', async () => {
    sim = await startSimulator({ maxTextBytes: 10 })
    const { socket } = await connected()
    socket.send({ type: 'send', clientMessageId: 'l-2', text: 'longer than ten bytes' })
    expect((await socket.next('error', (f) => f.clientMessageId === 'l-2')).code).toBe('message_too_long')
    socket.close()
  })
})

describe('Genesys → guest', () => {
  it('puts replies that overtook each other back in channel.time order', async () => {
    sim = await startSimulator()
    const { socket, token } = await connected()
    sim.reorderNext = 3
    sim.agentSays(token, 'first')
    sim.agentSays(token, 'second')
    sim.agentSays(token, 'third')
    const got = [await socket.next('message'), await socket.next('message'), await socket.next('message')]
    expect(got.map((m) => m.text)).toEqual(['first', 'second', 'third'])
    expect(got.map((m) => m.seq)).toEqual([...got.map((m) => m.seq)].sort((x, y) => x - y))
    socket.close()
  })

  it('reconnects after a drop without a close frame and fills the gap from history, once', async () => {
    sim = await startSimulator()
    const { socket, token, app: a, guest } = await connected()
    sim.agentSays(token, 'before the drop')
    await socket.next('message', (m) => m.text === 'before the drop')
    sim.drop()
    // said while the BFF is away: only the history has it
    sim.agentSays(token, 'during the drop')
    socket.send({ type: 'send', clientMessageId: 'r-1', text: 'written during the drop' })
    await socket.next('message', (m) => m.text === 'during the drop', 8000)
    await socket.next('ack', (f) => f.clientMessageId === 'r-1', 8000)
    expect(sim.connectionsOpened).toBeGreaterThanOrEqual(2)
    expect(sim.peakConnections.get(token)).toBeLessThanOrEqual(1)
    const texts = (await transcript(a, guest)).map((m) => m.text)
    expect(texts.filter((t) => t === 'before the drop')).toHaveLength(1)
    expect(texts.filter((t) => t === 'during the drop')).toHaveLength(1)
    expect(inboundTexts(sim)).toEqual(['written during the drop'])
    socket.close()
  })

  it('closes the upstream socket of a session nobody watches, and fills the gap when the guest is back', async () => {
    sim = await startSimulator()
    const s = sim
    app = await startGenesysApp(s, {}, { idleCloseMs: 100 })
    const guest = await createGuest(app)
    const first = await openGuestSocket(app, guest)
    await first.next('ready')
    await until(() => s.sessions.size === 1 && s.openConnections(s.only().token) === 1, 5000, 'session')
    const token = s.only().token
    first.close()
    await until(() => s.openConnections(token) === 0, 5000, 'the idle upstream socket to close')
    s.agentSays(token, 'said while nobody watched')
    const second = await openGuestSocket(app, guest)
    await second.next('ready')
    await second.next('message', (m) => m.text === 'said while nobody watched', 5000)
    expect(s.peakConnections.get(token)).toBe(1)
    second.close()
  })

  it('a message Genesys stored just before the socket died is acked from history, not sent twice', async () => {
    sim = await startSimulator()
    const { socket } = await connected()
    sim.dropAfterNextText = true
    socket.send({ type: 'send', clientMessageId: 'k-1', text: 'stored, then the line died' })
    await socket.next('ack', (f) => f.clientMessageId === 'k-1', 8000)
    expect(inboundTexts(sim)).toEqual(['stored, then the line died'])
    socket.close()
  })

  it('an expired session is configured again and the guest carries on', async () => {
    sim = await startSimulator()
    const { socket, token } = await connected()
    sim.expire(token)
    await socket.next('message', (m) => m.role === 'system' && /expired/.test(m.text), 5000)
    socket.send({ type: 'send', clientMessageId: 'x-1', text: 'still there?' })
    await socket.next('ack', (f) => f.clientMessageId === 'x-1')
    expect(sim.only().conversation).toBe(2)
    expect(inboundTexts(sim)).toEqual(['still there?'])
    socket.close()
  })
})
