/**
 * 3(c) Idle guests: 10,000 guests with a session and a connected socket that say nothing. Measures what
 * each costs the server (RSS and V8 heap after a full GC, against the same process before the guests
 * came; with Redis, Redis' own memory too) and the event-loop delay while they sit there through a full
 * heartbeat round (the BFF pings every socket every PARLEY_HEARTBEAT_MS, 25 s by default).
 *
 *   npm run bench -- idle [--quick]
 */
import { createGuests, openGuestSockets } from './lib/guests'
import { describeMachine } from './lib/machine'
import { emit, knob } from './lib/result'
import { round } from './lib/saturation'
import { setupKinds, startSetup, watchCpu, type ProcessSample, type SetupKind } from './lib/servers'
import { sleep } from './lib/stats'

const GUESTS = knob('PARLEY_BENCH_GUESTS', 10_000, 2000)
const IDLE_MS = knob('PARLEY_BENCH_IDLE_MS', 30_000, 12_000)
const HEARTBEAT_MS = 25_000
const machine = describeMachine()

const sum = (samples: Record<string, ProcessSample>, field: 'rssBytes' | 'heapUsedBytes', nodesOnly = true): number =>
  Object.entries(samples).reduce((total, [name, s]) => (nodesOnly && name === 'redis' ? total : total + s[field]), 0)

async function run(kind: SetupKind): Promise<object> {
  const setup = await startSetup(kind, { PARLEY_DESK_BOT: 'off' })
  try {
    const bases = setup.nodes.map((n) => n.url)
    const before = await setup.sample({ gc: true })
    const t = performance.now()
    const sockets = await openGuestSockets(bases, await createGuests(bases, GUESTS, 64), 200)
    const connectMs = Math.round(performance.now() - t)
    await sleep(2000)
    const cpu = await watchCpu((q) => setup.sample(q), { gc: true, reset: true })
    const after = cpu.before
    await sleep(IDLE_MS)
    const { after: end, report } = await cpu.stop()
    const open = sockets.filter((ws) => ws.readyState === ws.OPEN).length
    for (const ws of sockets) ws.terminate()
    const perGuest = (field: 'rssBytes' | 'heapUsedBytes'): number => round((sum(after, field) - sum(before, field)) / GUESTS / 1000, 1)
    const redisBytes = after.redis && before.redis ? round((after.redis.heapUsedBytes - before.redis.heapUsedBytes) / GUESTS / 1000, 1) : undefined
    const loopDelay = Object.fromEntries(Object.entries(end).flatMap(([name, s]) => (s.loopDelayMs ? [[name, s.loopDelayMs]] : [])))
    return {
      setup: setup.label, guests: GUESTS, stillOpen: open, connectMs,
      rssKBPerGuest: perGuest('rssBytes'), heapKBPerGuest: perGuest('heapUsedBytes'),
      ...(redisBytes === undefined ? {} : { redisKBPerGuest: redisBytes }),
      idleMs: IDLE_MS, heartbeatInWindow: IDLE_MS > HEARTBEAT_MS, loopDelayMs: loopDelay,
      ...report,
    }
  } finally {
    await setup.stop()
  }
}

const runs = []
for (const kind of setupKinds()) {
  const r = await run(kind)
  console.error(JSON.stringify(r))
  runs.push(r)
}
emit('idle', { machine, guests: GUESTS, runs })
