/**
 * 3(a) Relay throughput: acked guest messages per second through the BFF versus a bare `ws` server that
 * parses and acks the same frames, in the same run. Saturating by design: every connection keeps a fixed
 * window of unacked messages in flight, so the rate is what the server (or the generator) can do. The
 * BFF validates, stores, acks and echoes each message to the conversation (the desk bot is off).
 *
 *   npm run bench -- relay [--quick]
 */
import { spawn } from 'node:child_process'
import WebSocket from 'ws'
import { createGuests, openGuestSockets } from './lib/guests'
import { describeMachine } from './lib/machine'
import { readProbe } from './lib/probe-sample'
import { emit, knob } from './lib/result'
import { round } from './lib/saturation'
import { PROBE_ARGS, setupKinds, startSetup, watchCpu, type CpuReport, type Sampler, type SetupKind } from './lib/servers'
import { latency, sleep, type LatencySummary } from './lib/stats'
import { perMessage, readRedisStats, resetRedisStats } from './lib/redis-stats'
import type { Redis } from 'ioredis'

const CONNECTIONS = knob('PARLEY_BENCH_CONNECTIONS', 64, 32)
const WINDOW = knob('PARLEY_BENCH_WINDOW', 16, 16)
const WARMUP_MS = knob('PARLEY_BENCH_WARMUP_MS', 2000, 1000)
const MEASURE_MS = knob('PARLEY_BENCH_MEASURE_MS', 10_000, 4000)
const BARE_PORT = 18420
const machine = describeMachine()

interface RelayRun extends CpuReport {
  server: string
  ackedPerSecond: number
  ackMs: LatencySummary
  /** CPU µs per acked message, by process and in total (generator excluded). */
  cpuUsPerMessage: Record<string, number>
  /** Two-node runs: what Redis spent per acked message, by command, and whether anything was slow. */
  redis?: { perMessage: ReturnType<typeof perMessage>; bytesInPerMessage: number; bytesOutPerMessage: number; slowlogEntries: number; latencyEvents: string[] }
}

/** Keeps WINDOW messages in flight on every socket; counts the acks inside the measuring window. */
async function pump(sockets: WebSocket[], sample: Sampler, server: string, redisAdmins: readonly Redis[] = []): Promise<RelayRun> {
  const ack = latency()
  let measuring = false
  let stopped = false
  let acked = 0
  const text = 'relay benchmark message with a realistic length of about sixty characters'
  for (const [c, ws] of sockets.entries()) {
    const sentAt = new Map<string, number>()
    let n = 0
    const sendOne = (): void => {
      const id = `c${c}m${n++}`
      sentAt.set(id, performance.now())
      ws.send(`{"type":"send","clientMessageId":"${id}","text":"${text}"}`)
    }
    ws.on('message', (data: Buffer) => {
      const s = data.toString('utf8')
      if (!s.startsWith('{"type":"ack"')) {
        if (s.startsWith('{"type":"error"')) throw new Error(`${server} refused a frame: ${s}`)
        return
      }
      const id = /"clientMessageId":"([^"]+)"/.exec(s)?.[1]
      const t = id === undefined ? undefined : sentAt.get(id)
      if (id === undefined || t === undefined) return
      sentAt.delete(id)
      if (measuring) {
        acked++
        ack.record(performance.now() - t)
      }
      if (!stopped) sendOne()
    })
    for (let i = 0; i < WINDOW; i++) sendOne()
  }
  await sleep(WARMUP_MS)
  if (redisAdmins.length) await resetRedisStats(redisAdmins)
  const cpu = await watchCpu(sample)
  const t0 = performance.now()
  measuring = true
  await sleep(MEASURE_MS)
  measuring = false
  const elapsed = performance.now() - t0
  const { report } = await cpu.stop()
  const redisStats = redisAdmins.length ? await readRedisStats(redisAdmins) : undefined
  stopped = true
  const ackedPerSecond = Math.round((acked / elapsed) * 1000)
  const cpuUsPerMessage: Record<string, number> = {}
  let total = 0
  for (const [name, cores] of Object.entries(report.cpu.servers)) {
    cpuUsPerMessage[name] = round((cores * 1e6) / ackedPerSecond, 1)
    total += cores
  }
  cpuUsPerMessage.total = round((total * 1e6) / ackedPerSecond, 1)
  const redis = redisStats && {
    perMessage: perMessage(redisStats, acked),
    bytesInPerMessage: Math.round(redisStats.netInputBytes / acked),
    bytesOutPerMessage: Math.round(redisStats.netOutputBytes / acked),
    slowlogEntries: redisStats.slowlogEntries,
    latencyEvents: redisStats.latencyEvents,
  }
  return { server, ackedPerSecond, ackMs: ack.summary(), ...report, cpuUsPerMessage, ...(redis ? { redis } : {}) }
}

async function bare(): Promise<RelayRun> {
  const probePort = BARE_PORT + 1
  const child = spawn(process.execPath, ['--import', 'tsx', ...PROBE_ARGS, 'bench/bare-ws.ts'], {
    env: { ...process.env, PORT: String(BARE_PORT), PARLEY_BENCH_PROBE_PORT: String(probePort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    const url = `ws://127.0.0.1:${BARE_PORT}`
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false })
        ws.once('message', () => resolve(ws))
        ws.once('error', reject)
      })
    const deadline = Date.now() + 30_000
    let first: WebSocket | undefined
    while (!first) {
      first = await open().catch(async (err: unknown) => {
        if (Date.now() > deadline) throw err
        await sleep(100)
        return undefined
      })
    }
    const sockets = [first, ...(await Promise.all(Array.from({ length: CONNECTIONS - 1 }, open)))]
    const run = await pump(sockets, async () => ({ 'bare ws': await readProbe(probePort) }), 'bare ws')
    for (const ws of sockets) ws.terminate()
    return run
  } finally {
    child.kill('SIGKILL')
  }
}

async function bff(kind: SetupKind): Promise<RelayRun> {
  const setup = await startSetup(kind, { PARLEY_DESK_BOT: 'off' })
  try {
    const bases = setup.nodes.map((n) => n.url)
    const sessions = await createGuests(bases, CONNECTIONS, 16)
    const sockets = await openGuestSockets(bases, sessions, 16)
    const run = await pump(sockets, (q) => setup.sample(q), `Parley BFF, ${setup.label}`, setup.redisAdmins)
    for (const ws of sockets) ws.terminate()
    return run
  } finally {
    await setup.stop()
  }
}

const runs: RelayRun[] = [await bare()]
for (const kind of setupKinds({ withCluster: true })) runs.push(await bff(kind))
const yardstick = runs[0]?.ackedPerSecond ?? NaN
const withRatio = runs.map((r) => ({ ...r, ratioToBare: round(r.ackedPerSecond / yardstick) }))
for (const r of withRatio) {
  console.error(`${r.server}: ${r.ackedPerSecond} acked/s (${Math.round(r.ratioToBare * 100)} % of bare), ack p99 ${r.ackMs.p99} ms, saturated: ${r.saturated}`)
  console.error(`  CPU µs per message: ${Object.entries(r.cpuUsPerMessage).map(([k, v]) => `${k} ${v}`).join(', ')}`)
  if (r.redis) {
    console.error(`  Redis per message: ${r.redis.perMessage.slice(0, 8).map((c) => `${c.command} ${c.callsPerMessage}× ${c.usecPerMessage} µs`).join(', ')}`)
    console.error(`  Redis bytes per message: ${r.redis.bytesInPerMessage} in, ${r.redis.bytesOutPerMessage} out`)
    console.error(`  slowlog entries ${r.redis.slowlogEntries}; latency events ${r.redis.latencyEvents.join(', ') || 'none'}`)
  }
}
emit('relay', { machine, connections: CONNECTIONS, window: WINDOW, measureMs: MEASURE_MS, runs: withRatio })
