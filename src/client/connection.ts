/**
 * @module client/connection
 * One guest socket kept alive: authenticate with the token subprotocol, app-level heartbeat, reconnect
 * with full-jitter backoff, and the close codes of `parley.v1` (4001 refresh, 4003 stop, 1012 restart).
 */
import { CloseCode, parseServerFrame, PROTOCOL, TOKEN_PROTOCOL_PREFIX, type ClientFrame, type ServerFrame } from '../protocol'
import { backoffDelay, type BackoffOptions } from './backoff'
import { frameText, OPEN, type SocketFactory, type SocketLike } from './socket'

export type ConnectionState =
  | { status: 'idle' }
  | { status: 'connecting'; attempt: number }
  | { status: 'open' }
  | { status: 'reconnecting'; attempt: number; nextAttemptAt: number }
  | { status: 'offline' }
  | { status: 'failed'; reason: string }
  | { status: 'closed' }

export interface ConnectionOptions {
  /** The socket URL and a currently valid guest token, or undefined when there is no session yet. */
  credentials: () => Promise<{ url: string; token: string } | undefined>
  socket: SocketFactory
  onFrame: (frame: ServerFrame) => void
  onState: (state: ConnectionState) => void
  /** Close 4001, or handshakes failing without ever opening: refresh (or recreate) the session. */
  onAuthProblem: () => Promise<void>
  /** A frame that failed to parse (counted for diagnostics, never thrown into the UI). */
  onBadFrame?: (reason: string) => void
  /** App heartbeat interval; the socket is declared dead after 2 intervals + 5 s of silence. @default 25000 */
  heartbeatMs?: number
  backoff?: BackoffOptions
  random?: () => number
}

export interface Connection {
  start(): void
  /** Close for good (no reconnect). */
  stop(): void
  /** Send a frame if open; returns false when it could not be sent now. */
  send(frame: ClientFrame): boolean
  /** Skip the backoff wait (e.g. the browser came back online). */
  reconnectNow(): void
  /** Adopt the server's heartbeat interval (from `ready`). */
  setHeartbeat(ms: number): void
  /** The network is gone: close and wait for `reconnectNow`. */
  goOffline(): void
  readonly state: ConnectionState
}

export function createConnection(options: ConnectionOptions): Connection {
  const { random = Math.random } = options
  let heartbeatMs = options.heartbeatMs ?? 25_000
  let state: ConnectionState = { status: 'idle' }
  let ws: SocketLike | undefined
  let attempt = 0
  let failuresBeforeOpen = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let pingTimer: ReturnType<typeof setInterval> | undefined
  let deadTimer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  const setState = (next: ConnectionState): void => {
    state = next
    options.onState(next)
  }
  const clearTimers = (): void => {
    clearTimeout(retryTimer)
    clearInterval(pingTimer)
    clearTimeout(deadTimer)
    retryTimer = pingTimer = deadTimer = undefined
  }
  const armDeadTimer = (): void => {
    clearTimeout(deadTimer)
    // no frame for two heartbeats plus a margin: the link is half-open; drop it and reconnect
    deadTimer = setTimeout(() => drop('heartbeat timeout'), 2 * heartbeatMs + 5_000)
  }
  const startHeartbeat = (): void => {
    armDeadTimer()
    clearInterval(pingTimer)
    pingTimer = setInterval(() => send({ type: 'ping' }), heartbeatMs)
  }
  const detach = (): SocketLike | undefined => {
    const old = ws
    ws = undefined
    if (old) {
      old.onopen = old.onmessage = old.onclose = null
      // not null: Node's `ws` throws an 'error' event that has no listener (closing a socket still connecting)
      old.onerror = () => undefined
    }
    return old
  }
  function drop(reason: string): void {
    detach()?.close(4000, reason)
    clearTimers()
    scheduleReconnect()
  }

  function scheduleReconnect(): void {
    if (stopped || state.status === 'offline') return
    const delay = backoffDelay(attempt, options.backoff, random)
    attempt++
    setState({ status: 'reconnecting', attempt, nextAttemptAt: Date.now() + delay })
    retryTimer = setTimeout(() => void connect(), delay)
  }

  async function connect(): Promise<void> {
    if (stopped) return
    clearTimers()
    setState({ status: 'connecting', attempt })
    let creds: { url: string; token: string } | undefined
    try {
      if (failuresBeforeOpen >= 1) await options.onAuthProblem()
      creds = await options.credentials()
    } catch {
      creds = undefined
    }
    if (stopped || state.status !== 'connecting') return
    if (!creds) {
      failuresBeforeOpen++
      return scheduleReconnect()
    }
    let socket: SocketLike
    try {
      socket = options.socket(creds.url, [PROTOCOL, TOKEN_PROTOCOL_PREFIX + creds.token])
    } catch (err) {
      return setState({ status: 'failed', reason: err instanceof Error ? err.message : 'cannot open a socket' })
    }
    ws = socket
    let opened = false
    socket.onopen = () => {
      opened = true
      attempt = 0
      failuresBeforeOpen = 0
      setState({ status: 'open' })
      startHeartbeat()
    }
    socket.onmessage = (event: { data: unknown }) => {
      armDeadTimer()
      const text = frameText(event.data)
      const parsed = text === undefined ? undefined : parseServerFrame(text)
      if (parsed?.ok) options.onFrame(parsed.value)
      else options.onBadFrame?.(parsed ? parsed.message : 'binary frame')
    }
    socket.onerror = () => {
      // the close event that follows carries what we need
    }
    socket.onclose = (event: { code: number; reason: string }) => {
      detach()
      clearTimers()
      if (!opened) failuresBeforeOpen++
      if (event.code === CloseCode.Forbidden) {
        // terminal: no reconnect until the user asks (reconnectNow)
        return setState({ status: 'failed', reason: event.reason || 'forbidden' })
      }
      if (event.code === CloseCode.TokenExpired) {
        attempt = 0
        void options.onAuthProblem().finally(() => void connect())
        return
      }
      scheduleReconnect()
    }
  }

  function send(frame: ClientFrame): boolean {
    if (!ws || ws.readyState !== OPEN || state.status !== 'open') return false
    ws.send(JSON.stringify(frame))
    return true
  }

  return {
    start() {
      stopped = false
      if (state.status === 'idle' || state.status === 'closed' || state.status === 'failed') void connect()
    },
    stop() {
      stopped = true
      clearTimers()
      detach()?.close(1000, 'bye')
      setState({ status: 'closed' })
    },
    send,
    reconnectNow() {
      if (stopped || state.status === 'open' || state.status === 'connecting') return
      attempt = 0
      void connect()
    },
    setHeartbeat(ms) {
      if (ms === heartbeatMs) return
      heartbeatMs = ms
      if (state.status === 'open') startHeartbeat()
    },
    goOffline() {
      if (stopped) return
      detach()?.close(1000, 'offline')
      clearTimers()
      setState({ status: 'offline' })
    },
    get state() {
      return state
    },
  }
}
