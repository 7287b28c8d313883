import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createConnection, type ConnectionOptions, type ConnectionState } from './connection'
import { fakeSocketFactory } from './fake-socket.test-helper'

function setup(overrides: Partial<ConnectionOptions> = {}) {
  const { factory, sockets } = fakeSocketFactory()
  const states: ConnectionState[] = []
  const frames: unknown[] = []
  const onAuthProblem = vi.fn(async () => undefined)
  const connection = createConnection({
    credentials: async () => ({ url: 'ws://bff/api/socket', token: 'tok' }),
    socket: factory,
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    onAuthProblem,
    heartbeatMs: 1000,
    random: () => 0.5,
    ...overrides,
  })
  return { connection, sockets, states, frames, onAuthProblem }
}

const flush = () => vi.advanceTimersByTimeAsync(0)

describe('createConnection', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('offers parley.v1 and the token as subprotocols, and parses frames', async () => {
    const { connection, sockets, frames, states } = setup()
    connection.start()
    await flush()
    expect(sockets[0]?.protocols).toEqual(['parley.v1', 'parley.token.tok'])
    sockets[0]?.open()
    sockets[0]?.receive({ type: 'pong' })
    sockets[0]?.receive({ type: 'bogus' })
    expect(frames).toEqual([{ type: 'pong' }])
    expect(states.at(-1)).toEqual({ status: 'open' })
  })

  it('sends app pings and reconnects after two silent heartbeats plus 5 s', async () => {
    const { connection, sockets, states } = setup()
    connection.start()
    await flush()
    sockets[0]?.open()
    await vi.advanceTimersByTimeAsync(1000)
    expect(sockets[0]?.frames()).toContainEqual({ type: 'ping' })
    await vi.advanceTimersByTimeAsync(2 * 1000 + 5000 - 1000 - 1)
    expect(states.at(-1)?.status).toBe('open')
    await vi.advanceTimersByTimeAsync(1)
    expect(states.at(-1)?.status).toBe('reconnecting')
  })

  it('backs off with full jitter, capped, and resets the attempt after a success', async () => {
    const { connection, sockets, states } = setup({ backoff: { baseMs: 1000, capMs: 4000 } })
    connection.start()
    await flush()
    for (let i = 0; i < 4; i++) {
      sockets.at(-1)?.serverClose(1006)
      const s = states.at(-1)
      expect(s?.status).toBe('reconnecting')
      await vi.advanceTimersByTimeAsync(10_000)
    }
    // with random() = 0.5 the waits are 500, 1000, 2000, 2000 (cap 4000 → 2000)
    expect(sockets).toHaveLength(5)
    sockets.at(-1)?.open()
    sockets.at(-1)?.serverClose(1012)
    const s = states.at(-1)
    expect(s?.status === 'reconnecting' && s.attempt).toBe(1)
  })

  it('stops for good on 4003 until asked to retry', async () => {
    const { connection, sockets, states } = setup()
    connection.start()
    await flush()
    sockets[0]?.open()
    sockets[0]?.serverClose(4003, 'forbidden')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(sockets).toHaveLength(1)
    expect(states.at(-1)).toEqual({ status: 'failed', reason: 'forbidden' })
    connection.reconnectNow()
    await flush()
    expect(sockets).toHaveLength(2)
  })

  it('refreshes on 4001 and reconnects at once', async () => {
    const { connection, sockets, onAuthProblem } = setup()
    connection.start()
    await flush()
    sockets[0]?.open()
    sockets[0]?.serverClose(4001, 'token expired')
    await flush()
    expect(onAuthProblem).toHaveBeenCalledTimes(1)
    expect(sockets).toHaveLength(2)
  })

  it('asks for a refresh when handshakes fail before ever opening', async () => {
    const { connection, sockets, onAuthProblem } = setup()
    connection.start()
    await flush()
    sockets[0]?.serverClose(1006)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(onAuthProblem).toHaveBeenCalled()
  })

  it('goes offline without reconnecting, and comes back on reconnectNow', async () => {
    const { connection, sockets, states } = setup()
    connection.start()
    await flush()
    sockets[0]?.open()
    connection.goOffline()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(states.at(-1)).toEqual({ status: 'offline' })
    expect(sockets).toHaveLength(1)
    connection.reconnectNow()
    await flush()
    expect(sockets).toHaveLength(2)
  })

  it('does not send while not open', async () => {
    const { connection } = setup()
    expect(connection.send({ type: 'ping' })).toBe(false)
  })
})
