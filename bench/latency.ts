/**
 * 3(b) Guest → bot → guest latency under a steady crowd: 2,000 guests each send one message every 5 s
 * (400 msg/s in all), open loop: each send happens at its scheduled time whatever the server does, and
 * latency counts from that scheduled time, so a slow server cannot hide its queueing (no coordinated
 * omission). The desk bot answers at once and stands in for the agent. Also records send → ack.
 *
 *   npm run bench -- latency [--quick]
 */
import type WebSocket from 'ws'
import { parseServerFrame } from '../src/protocol'
import { createGuests, openGuestSockets } from './lib/guests'
import { describeMachine } from './lib/machine'
import { emit, knob } from './lib/result'
import { setupKinds, startSetup, watchCpu, type CpuReport, type SetupKind } from './lib/servers'
import { latency, sleep, type LatencySummary } from './lib/stats'

const GUESTS = knob('PARLEY_BENCH_GUESTS', 2000, 2000)
const PERIOD_MS = knob('PARLEY_BENCH_PERIOD_MS', 5000, 5000)
const DURATION_MS = knob('PARLEY_BENCH_DURATION_MS', 60_000, 15_000)
const SETTLE_MS = 10_000
const machine = describeMachine()

interface LatencyRun extends CpuReport {
  setup: string
  guests: number
  sent: number
  acked: number
  answered: number
  answeredTwice: number
  offeredPerSecond: number
  ackMs: LatencySummary
  answerMs: LatencySummary
  loopDelayMs: Record<string, { p50: number; p99: number; max: number }>
}

async function run(kind: SetupKind): Promise<LatencyRun> {
  const setup = await startSetup(kind)
  try {
    const bases = setup.nodes.map((n) => n.url)
    const sockets = await openGuestSockets(bases, await createGuests(bases, GUESTS, 32), 64)
    // greetings of the bot are not part of the measurement
    await sleep(1000)
    const ack = latency()
    const answer = latency()
    const counts = { sent: 0, acked: 0, answered: 0, answeredTwice: 0 }
    const start = performance.now() + 100
    const end = start + DURATION_MS
    const timers: ReturnType<typeof setTimeout>[] = []
    const listen = (ws: WebSocket, g: number): void => {
      const scheduled = new Map<string, number>()
      const answered = new Set<string>()
      const offset = Math.random() * PERIOD_MS
      const send = (k: number): void => {
        const at = start + offset + k * PERIOD_MS
        if (at >= end) return
        timers[g] = setTimeout(() => {
          const id = `g${g}k${k}`
          scheduled.set(id, at)
          counts.sent++
          ws.send(JSON.stringify({ type: 'send', clientMessageId: id, text: `latency ${id}` }))
          send(k + 1)
        }, Math.max(0, at - performance.now()))
      }
      ws.on('message', (data: Buffer) => {
        const parsed = parseServerFrame(data.toString('utf8'))
        if (!parsed.ok) throw new Error(`the BFF sent a frame the widget would refuse: ${parsed.message}`)
        const f = parsed.value
        if (f.type === 'ack') {
          const at = scheduled.get(f.clientMessageId)
          if (at === undefined) return
          counts.acked++
          ack.record(performance.now() - at)
        } else if (f.type === 'message' && f.role === 'bot') {
          const id = /latency (g\d+k\d+)/.exec(f.text)?.[1]
          const at = id === undefined ? undefined : scheduled.get(id)
          if (id === undefined || at === undefined) return
          if (answered.has(id)) return void counts.answeredTwice++
          answered.add(id)
          counts.answered++
          answer.record(performance.now() - at)
        }
      })
      send(0)
    }
    sockets.forEach(listen)
    await sleep(start - performance.now())
    const cpu = await watchCpu((q) => setup.sample(q), { reset: true })
    await sleep(DURATION_MS)
    const { after, report } = await cpu.stop()
    const loopDelayMs = Object.fromEntries(Object.entries(after).flatMap(([name, s]) => (s.loopDelayMs ? [[name, s.loopDelayMs]] : [])))
    const settleBy = performance.now() + SETTLE_MS
    while (counts.answered < counts.sent && performance.now() < settleBy) await sleep(100)
    timers.forEach(clearTimeout)
    for (const ws of sockets) ws.terminate()
    return {
      setup: setup.label, guests: GUESTS, ...counts,
      offeredPerSecond: Math.round((GUESTS / PERIOD_MS) * 1000),
      ackMs: ack.summary(), answerMs: answer.summary(),
      loopDelayMs, ...report,
    }
  } finally {
    await setup.stop()
  }
}

const runs: LatencyRun[] = []
for (const kind of setupKinds()) {
  const r = await run(kind)
  console.error(`${r.setup}: ${r.answered}/${r.sent} answered, guest → bot → guest p50 ${r.answerMs.p50} / p99 ${r.answerMs.p99} / p99.9 ${r.answerMs.p999} ms, saturated: ${r.saturated}`)
  runs.push(r)
}
emit('latency', { machine, guests: GUESTS, periodMs: PERIOD_MS, durationMs: DURATION_MS, runs })
if (runs.some((r) => r.answered !== r.sent || r.answeredTwice)) process.exitCode = 1
