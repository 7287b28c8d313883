/** Headless guests for the load generators: raw `ws` sockets, cheap enough to run thousands per process. */
import WebSocket from 'ws'
import { parseGuestSession, type GuestSession } from '../../src/protocol'
import { ORIGIN } from './servers'
import { latency, type Latency } from './stats'

export async function createGuest(base: string): Promise<GuestSession> {
  const res = await fetch(`${base}/api/guest-sessions`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' })
  if (res.status !== 201) throw new Error(`guest creation answered ${res.status}`)
  const session = parseGuestSession(await res.json())
  if (!session) throw new Error('guest creation answered an unexpected body')
  return session
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
