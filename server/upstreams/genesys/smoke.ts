/**
 * @module server/upstreams/genesys/smoke
 * `npm run genesys:smoke`: proves a round trip against a real Genesys deployment with the same code the
 * BFF runs — config.json, a guest session, the guest socket, a message echoed by Genesys, an optional
 * reply from the flow, and the end of the chat. Prints one line per step; no token is printed.
 */
import WebSocket from 'ws'
import { parseServerFrame, PROTOCOL, TOKEN_PROTOCOL_PREFIX, type ServerFrame } from '../../../src/protocol'
import { buildApp } from '../../app'
import { loadConfig } from '../../config'

/** The smoke guest talks to its own in-process BFF; this origin is only used on that loopback hop. */
const LOCAL_ORIGIN = 'http://127.0.0.1'

export async function runSmoke(env: Readonly<Record<string, string | undefined>>, say: (line: string) => void, replyWaitMs = 30_000): Promise<boolean> {
  const config = loadConfig({ ...env, HOST: '127.0.0.1', PORT: '0', PARLEY_UPSTREAM: 'genesys', PARLEY_ALLOWED_ORIGINS: LOCAL_ORIGIN, PARLEY_DIST_DIR: '/nonexistent' })
  const started = Date.now()
  const step = (text: string): void => say(`✓ ${text} (${Date.now() - started} ms)`)
  const parley = await buildApp({ config, logger: false })
  step(`deployment ${config.genesys?.deploymentId} in ${config.genesys?.region} is active (config.json)`)
  let socket: WebSocket | undefined
  try {
    await parley.app.listen({ host: '127.0.0.1', port: 0 })
    const address = parley.app.server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const created = await parley.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: { displayName: 'Parley smoke test' }, headers: { origin: LOCAL_ORIGIN } })
    if (created.statusCode !== 201) throw new Error(`guest session: ${created.statusCode} ${created.body}`)
    const { guestToken } = created.json<{ guestToken: string }>()
    step('guest session created by the BFF (no Genesys credentials involved)')

    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/socket`, [PROTOCOL, TOKEN_PROTOCOL_PREFIX + guestToken], { origin: LOCAL_ORIGIN })
    socket = ws
    const frames: ServerFrame[] = []
    const waiters = new Set<() => void>()
    ws.on('message', (data: Buffer) => {
      const parsed = parseServerFrame(data.toString('utf8'))
      if (parsed.ok) frames.push(parsed.value)
      for (const w of waiters) w()
    })
    const next = (match: (f: ServerFrame) => boolean, timeoutMs: number): Promise<ServerFrame | undefined> =>
      new Promise((resolve) => {
        const check = (): void => {
          const f = frames.find(match)
          if (!f) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve(f)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          resolve(undefined)
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    if (!(await next((f) => f.type === 'ready', 15_000))) throw new Error('the guest socket did not become ready')
    step('guest socket ready; the BFF opens the Genesys guest socket with configureSession')

    const clientMessageId = `smoke-${Date.now()}`
    ws.send(JSON.stringify({ type: 'send', clientMessageId, text: `Parley smoke test at ${new Date().toISOString()}` }))
    const answer = await next((f) => (f.type === 'ack' || f.type === 'error') && f.clientMessageId === clientMessageId, 30_000)
    if (answer?.type !== 'ack') throw new Error(answer?.type === 'error' ? `Genesys refused the message: ${answer.code} ${answer.message}` : 'no echo from Genesys within 30 s')
    step('Genesys echoed the guest message: the round trip works')

    const reply = await next((f) => f.type === 'message' && f.role !== 'guest' && f.role !== 'system', replyWaitMs)
    if (reply?.type === 'message') step(`reply from the ${reply.role}${reply.author ? ` "${reply.author.name}"` : ''}: ${reply.text.slice(0, 80)}`)
    else say(`… no agent or bot reply within ${replyWaitMs / 1000} s (normal when the inbound flow only queues for an agent)`)

    const ended = await parley.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: LOCAL_ORIGIN, authorization: `Bearer ${guestToken}` } })
    if (ended.statusCode === 409) step('chat left open for the agent to end: the deployment has no conversation clear (docs/genesys.md)')
    else if (ended.statusCode !== 204) throw new Error(`ending the chat: ${ended.statusCode}`)
    else step('chat ended (Presence Clear, confirmed by Genesys)')
    return true
  } catch (err) {
    say(`✗ ${err instanceof Error ? err.message : String(err)}`)
    return false
  } finally {
    socket?.terminate()
    await parley.app.close()
  }
}
