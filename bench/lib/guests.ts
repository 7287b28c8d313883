/**
 * Headless guests for the load generators: raw `ws` sockets and `node:http` with keep-alive (about half
 * the generator CPU of `fetch` per request), cheap enough to run thousands per process.
 */
import { Agent, request } from 'node:http'
import WebSocket from 'ws'
import { parseGuestSession, type GuestSession } from '../../src/protocol'
import { ORIGIN } from './servers'
import { latency, type Latency } from './stats'

const agent = new Agent({ keepAlive: true, maxSockets: 256 })

export function createGuest(base: string): Promise<GuestSession> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/guest-sessions`, { method: 'POST', agent, headers: { origin: ORIGIN, 'content-type': 'application/json', 'content-length': 2 } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        if (res.statusCode !== 201) return reject(new Error(`guest creation answered ${res.statusCode}`))
        let session: GuestSession | undefined
        try {
          session = parseGuestSession(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        } catch {
          session = undefined
        }
        if (session) resolve(session)
        else reject(new Error('guest creation answered an unexpected body'))
      })
      res.on('error', reject)
    })
    req.setTimeout(30_000, () => req.destroy(new Error('guest creation timed out')))
    req.on('error', reject)
    req.end('{}')
  })
}

/** `count` guests spread round-robin over `bases`, at most `concurrency` requests in flight. */
export async function createGuests(bases: readonly string[], count: number, concurrency: number, timing: Latency = latency()): Promise<GuestSession[]> {
  const out: GuestSession[] = new Array<GuestSession>(count)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      const t = performance.now()
      out[i] = await createGuest(bases[i % bases.length] ?? '')
      timing.record(performance.now() - t)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return out
}

/** Opens a guest socket and resolves once the BFF said `ready`. */
export function openGuestSocket(base: string, guestToken: string, timeoutMs = 30_000): Promise<WebSocket> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/socket`, ['parley.v1', `parley.token.${guestToken}`], { origin: ORIGIN, perMessageDeflate: false })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error('no ready frame in time'))
    }, timeoutMs)
    const onMessage = (data: Buffer): void => {
      if (!data.toString('utf8').startsWith('{"type":"ready"')) return
      clearTimeout(timer)
      ws.off('message', onMessage)
      resolve(ws)
    }
    ws.on('message', onMessage)
    ws.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

/** Opens one socket per session, at most `concurrency` handshakes at a time, spread over `bases`. */
export async function openGuestSockets(bases: readonly string[], sessions: readonly GuestSession[], concurrency: number): Promise<WebSocket[]> {
  const out: WebSocket[] = new Array<WebSocket>(sessions.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < sessions.length) {
      const i = next++
      const s = sessions[i]
      if (s) out[i] = await openGuestSocket(bases[i % bases.length] ?? '', s.guestToken)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, sessions.length) }, worker))
  return out
}
