/**
 * Genesys as Genesys' own transport SDK expects the service to behave (issue 23; the rows of the
 * conformance table in docs/genesys.md). The simulator runs in vendor mode: error frames without
 * `tracingId`, config.json without typing flags and with `enableAttachments` and empty `modes`, Presence
 * Clear answered by a `code:200` string frame, `closeSession` that only closes connections.
 */
import { createServer } from 'node:http'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createGuest, openGuestSocket, ORIGIN, type CreatedGuest, type TestApp, type TestSocket } from '../../server/test-support'
import { DeploymentError } from '../../server/upstreams/genesys/deployment'
import { genesysEnv, startGenesysApp, startSimulator, stopStarted, until } from './harness'
import type { GenesysSimulator, SimOptions } from './simulator'

afterEach(stopStarted)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Started {
  sim: GenesysSimulator
  app: TestApp
  guest: CreatedGuest
  socket: TestSocket
  logs: string[]
}

async function started(
  options: { sim?: Partial<SimOptions>; deployment?: Partial<SimOptions['deployment']>; env?: Record<string, string>; prepare?: (sim: GenesysSimulator) => void } = {},
): Promise<Started> {
  const sim = await startSimulator(options.sim, options.deployment)
  options.prepare?.(sim)
  const logs: string[] = []
  const logStream = new PassThrough()
  logStream.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)))
  const app = await startGenesysApp(sim, { LOG_LEVEL: 'info', ...options.env }, { logStream })
  const guest = await createGuest(app)
  const socket = await openGuestSocket(app, guest)
  await socket.next('ready')
  return { sim, app, guest, socket, logs }
}

const configures = (sim: GenesysSimulator): number => sim.requests.filter((r) => r.action === 'configureSession').length
const typings = (sim: GenesysSimulator): number => sim.requests.filter((r) => JSON.stringify(r.frame).includes('"Typing"')).length
const inboundTexts = (sim: GenesysSimulator): string[] => [...sim.sessions.values()].flatMap((s) => s.messages.filter((m) => m.direction === 'Inbound' && m.type === 'Text').map((m) => m.text ?? ''))
const end = (app: TestApp, guest: CreatedGuest) =>
  app.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })

describe('1. errors carry no tracingId: attributed to what is outstanding', () => {
  it('a refused configureSession answers the waiting guest message, and the session is tried again with backoff', async () => {
    const { sim, socket } = await started({ env: { GENESYS_RECONNECT_MS: '300' }, prepare: (s) => (s.refuseConfigure = { times: 2, code: 401, body: 'Unauthorized' }) })
    socket.send({ type: 'send', clientMessageId: 'r-1', text: 'anyone there?' })
    const refused = await socket.next('error', (f) => f.clientMessageId === 'r-1', 5000)
    expect(refused).toMatchObject({ code: 'upstream_unavailable' })
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    await until(() => sim.sessions.size === 1, 5000, 'the third configureSession to be taken')
    expect(configures(sim)).toBe(3)
    socket.send({ type: 'send', clientMessageId: 'r-1', text: 'anyone there?' })
    await socket.next('ack', (f) => f.clientMessageId === 'r-1', 5000)
    socket.close()
  })

  it('a refusal that cannot get better stops, with one log line that says what to fix', async () => {
    const { sim, socket, logs } = await started({ prepare: (s) => (s.refuseConfigure = { times: 100, code: 400, body: 'Deployment not found' }) })
    socket.send({ type: 'send', clientMessageId: 's-1', text: 'hello' })
    expect(await socket.next('error', (f) => f.clientMessageId === 's-1', 5000)).toMatchObject({ code: 'upstream_error' })
    // several reconnect intervals later, still one attempt
    const since = Date.now()
    await until(() => Date.now() - since > 500, 2000, 'a pause')
    expect(configures(sim)).toBe(1)
    expect(logs.filter((l) => l.includes('GENESYS_DEPLOYMENT_ID'))).toHaveLength(1)
    socket.close()
  })

  it('a configureSession that gets no SessionResponse times out and is tried again', async () => {
    const { sim, socket } = await started({ prepare: (s) => (s.ignoreConfigure = 1) })
    socket.send({ type: 'send', clientMessageId: 't-1', text: 'still connecting?' })
    await socket.next('ack', (f) => f.clientMessageId === 't-1', 8000)
    expect(configures(sim)).toBe(2)
    socket.close()
  })

  it('a typing 403 that arrives while a message is outstanding fails neither it nor anything else, and is not sent twice', async () => {
    const { sim, socket } = await started({ deployment: { showUserTyping: true }, sim: { refuseTyping: true, typingAnswerDelayMs: 800 }, env: { GENESYS_MESSAGE_RATE: '20' } })
    await until(() => sim.sessions.size === 1, 5000, 'session')
    sim.swallowEchoes = 1
    socket.send({ type: 'typing', active: true })
    socket.send({ type: 'send', clientMessageId: 'm-1', text: 'typed, then sent' })
    const answer = await socket.next('ack', (f) => f.clientMessageId === 'm-1', 8000)
    expect(answer.seq).toBeGreaterThan(0)
    expect(socket.frames.filter((f) => f.type === 'error')).toHaveLength(0)
    expect(inboundTexts(sim)).toEqual(['typed, then sent'])
    socket.close()
  })

  it('a typing 403 switches typing off for the session', async () => {
    const { sim, socket } = await started({ deployment: { showUserTyping: true }, sim: { refuseTyping: true } })
    await until(() => sim.sessions.size === 1, 5000, 'session')
    socket.send({ type: 'typing', active: true })
    await until(() => typings(sim) === 1, 5000, 'the first typing')
    const since = Date.now()
    // past Genesys' 5 s typing interval
    await until(() => Date.now() - since > 5200, 7000, 'the typing interval')
    socket.send({ type: 'typing', active: true })
    socket.send({ type: 'ping' })
    await socket.next('pong')
    await until(() => Date.now() - since > 5500, 7000, 'a moment')
    expect(typings(sim)).toBe(1)
    socket.close()
  }, 15_000)
})

describe('2. a code:200 string frame is a success', () => {
  it('ends the chat on Presence Clear answered by code 200, then SessionClearedEvent, then ConnectionClosedEvent, without an error', async () => {
    const { sim, app, guest, logs } = await started({ deployment: { clearEnabled: true } })
    await until(() => sim.sessions.size === 1, 5000, 'session')
    expect((await end(app, guest)).statusCode).toBe(204)
    expect(sim.only().agentSideOpen).toBe(false)
    expect(logs.filter((l) => /error/i.test(l) && /Genesys/.test(l))).toEqual([])
  })
})

describe('3. typing flags default to false', () => {
  it('sends no guest typing and shows no agent typing when config.json has no flags', async () => {
    const { sim, socket } = await started()
    await until(() => sim.sessions.size === 1, 5000, 'session')
    socket.send({ type: 'typing', active: true })
    sim.agentTyping(sim.only().token, 200)
    sim.agentSays(sim.only().token, 'after the typing')
    await socket.next('message', (m) => m.text === 'after the typing')
    expect(typings(sim)).toBe(0)
    expect(socket.frames.filter((f) => f.type === 'typing')).toHaveLength(0)
    socket.close()
  })
})

describe('4. attachment limits come from the session where enableAttachments is set', () => {
  it('offers attachments with enableAttachments and empty modes, limited by the session\'s allowedMedia', async () => {
    const { sim, app, socket } = await started()
    await until(() => sim.sessions.size === 1, 5000, 'session')
    const availability = (await app.app.inject({ method: 'GET', url: '/api/availability', headers: { origin: ORIGIN } })).json<{ attachments?: { types: string[]; maxBytes: number } }>()
    expect(availability.attachments?.types).toEqual(['image/png', 'image/jpeg'])
    expect(availability.attachments?.maxBytes).toBeGreaterThan(0)
    socket.close()
  })
})

describe('5. only Presence Clear ends a Genesys conversation', () => {
  it('where Clear is off, "end chat" ends nothing (409), sends no closeSession, and the conversation goes on', async () => {
    const { sim, app, guest, socket } = await started({ deployment: { clearEnabled: false } })
    await until(() => sim.sessions.size === 1, 5000, 'session')
    const availability = (await app.app.inject({ method: 'GET', url: '/api/availability', headers: { origin: ORIGIN } })).json<{ guestCanEnd?: boolean }>()
    expect(availability.guestCanEnd).toBe(false)
    const res = await end(app, guest)
    expect(res.statusCode).toBe(409)
    expect(sim.requests.some((r) => r.action === 'closeSession')).toBe(false)
    expect(sim.only().agentSideOpen).toBe(true)
    socket.send({ type: 'send', clientMessageId: 'k-1', text: 'still here' })
    await socket.next('ack', (f) => f.clientMessageId === 'k-1')
    socket.close()
  })
})

describe('5. a new chat after read-only', () => {
  it('goes on with the same token, configured with startNew, as the SDK\'s startNewChat', async () => {
    const { sim, app, guest, socket } = await started()
    await until(() => sim.sessions.size === 1, 5000, 'session')
    const token = sim.only().token
    sim.presence(token, 'Disconnect', true)
    await socket.next('event', (e) => e.kind === 'conversation-ended')
    socket.close()
    const created = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: {}, headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
    expect(created.statusCode).toBe(201)
    const next = await openGuestSocket(app, created.json<CreatedGuest>())
    await next.next('ready')
    await until(() => sim.only().conversation === 2, 5000, 'a new Genesys conversation on the same token')
    const last = sim.requests.filter((r) => r.action === 'configureSession').at(-1)
    expect(last?.frame).toMatchObject({ token, startNew: true })
    next.send({ type: 'send', clientMessageId: 'n-1', text: 'a new question' })
    await next.next('ack', (f) => f.clientMessageId === 'n-1')
    expect(sim.sessions.size).toBe(1)
    next.close()
  })

  it('does not carry a session over from a conversation that is still open', async () => {
    const { sim, app, guest, socket } = await started()
    await until(() => sim.sessions.size === 1, 5000, 'session')
    const created = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: {}, headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
    const next = await openGuestSocket(app, created.json<CreatedGuest>())
    await next.next('ready')
    await until(() => sim.sessions.size === 2, 5000, 'a second Genesys session')
    next.close()
    socket.close()
  })
})

describe('7. the session token is a credential', () => {
  it('sends a separate random customer id, the same on every configure of the session', async () => {
    const { sim, socket } = await started()
    await until(() => sim.sessions.size === 1, 5000, 'session')
    sim.drop()
    await until(() => configures(sim) === 2, 5000, 'the reconnect')
    const sent = sim.requests.filter((r) => r.action === 'configureSession').map((r) => r.frame)
    const ids = sent.map((f) => JSON.stringify(f.journeyContext)).map((j) => (JSON.parse(j) as { customer: { id: string } }).customer.id)
    expect(ids[0]).toMatch(UUID)
    expect(ids[0]).not.toBe(sent[0]?.token)
    expect(ids[1]).toBe(ids[0])
    socket.close()
  })
})

describe('8. upstream URLs stay on the region', () => {
  it('refuses to start when config.json names endpoints outside the region', async () => {
    const sim = await startSimulator()
    const { GENESYS_WEBMESSAGING_URL: _ws, GENESYS_API_URL: _api, ...env } = genesysEnv(sim)
    const config = loadConfig({ ...env, PARLEY_DIST_DIR: '/nonexistent' })
    await expect(buildApp({ config, logger: false })).rejects.toBeInstanceOf(DeploymentError)
    await expect(buildApp({ config, logger: false })).rejects.toThrow(/not (https|wss) on mypurecloud\.com/)
  })

  it('never sends a file to a presigned URL outside the region', async () => {
    const puts: string[] = []
    const other = createServer((req, res) => {
      puts.push(req.url ?? '')
      res.writeHead(200).end()
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    try {
      const address = other.address()
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
      const { sim, app, guest, socket } = await started({ sim: { uploadUrlBase: base } })
      await until(() => sim.sessions.size === 1, 5000, 'session')
      const res = await app.app.inject({
        method: 'POST',
        url: '/api/guest-sessions/current/attachments',
        headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}`, 'content-type': 'image/png', 'x-parley-file-name': 'a.png' },
        payload: Buffer.from('89504e470d0a1a0a', 'hex'),
      })
      expect(res.statusCode).toBeGreaterThanOrEqual(400)
      expect(puts).toEqual([])
      socket.close()
    } finally {
      other.closeAllConnections()
      await new Promise<void>((resolve) => other.close(() => resolve()))
    }
  })
})

describe('9. small points', () => {
  it('sends originatingMessageId on a ButtonResponse: the Genesys id of the offer', async () => {
    const { sim, socket } = await started()
    await until(() => sim.sessions.size === 1, 5000, 'session')
    const offered = sim.agentContent(sim.only().token, 'Yes or no?', [{ contentType: 'QuickReply', quickReply: { text: 'Yes', payload: 'yes', action: 'Message' } }])
    const offer = await socket.next('message', (m) => m.role === 'bot')
    socket.send({ type: 'send', clientMessageId: 'q-1', text: 'Yes', reply: { kind: 'quick-reply', payload: 'yes', messageId: offer.id } })
    await socket.next('ack', (f) => f.clientMessageId === 'q-1')
    const sent = sim.requests.find((r) => JSON.stringify(r.frame).includes('ButtonResponse'))
    expect(sent?.frame).toMatchObject({ message: { content: [{ buttonResponse: { payload: 'yes', originatingMessageId: offered.id } }] } })
    socket.close()
  })

  it('reuses the history JWT until it expires', async () => {
    const { sim, socket } = await started()
    await until(() => sim.sessions.size === 1, 5000, 'session')
    for (let i = 1; i <= 2; i++) {
      sim.drop()
      sim.agentSays(sim.only().token, `missed ${i}`)
      await socket.next('message', (m) => m.text === `missed ${i}`, 8000)
    }
    expect(sim.requests.filter((r) => r.action === 'getJwt')).toHaveLength(1)
    socket.close()
  })

  it('takes the health-check interval from GENESYS_ECHO_INTERVAL_MS', async () => {
    const { sim, app, guest, socket } = await started({ env: { GENESYS_ECHO_INTERVAL_MS: '1000' } })
    await until(() => sim.sessions.size === 1, 5000, 'session')
    const echoes = (): number => sim.requests.filter((r) => r.action === 'echo').length
    // each guest socket that connects to a live session asks for a health check, at most once per interval
    const second = await openGuestSocket(app, guest)
    await second.next('ready')
    await until(() => echoes() === 1, 5000, 'the first health check')
    const since = Date.now()
    await until(() => Date.now() - since > 1100, 3000, 'the interval')
    const third = await openGuestSocket(app, guest)
    await third.next('ready')
    await until(() => echoes() === 2, 5000, 'a second health check')
    for (const s of [second, third, socket]) s.close()
  })

  it('takes the reorder window from GENESYS_REORDER_MS', async () => {
    const { sim, socket } = await started({ env: { GENESYS_REORDER_MS: '1500' } })
    await until(() => sim.sessions.size === 1, 5000, 'session')
    sim.agentSays(sim.only().token, 'held for the window')
    await expect(socket.next('message', (m) => m.text === 'held for the window', 700)).rejects.toThrow()
    await socket.next('message', (m) => m.text === 'held for the window', 5000)
    socket.close()
  })
})
