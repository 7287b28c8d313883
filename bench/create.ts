/**
 * 3(e) Guest-session creation (`POST /api/guest-sessions`: validate, create guest and conversation,
 * sign a token): first open loop at a fixed offered rate (latency counted from the scheduled time), then
 * saturating with 64 requests in flight for the most the server can create per second.
 *
 *   npm run bench -- create [--quick]
 */
import { createGuest, createGuests } from './lib/guests'
import { describeMachine } from './lib/machine'
import { emit, knob } from './lib/result'
import { setupKinds, startSetup, watchCpu, type CpuReport, type Setup, type SetupKind } from './lib/servers'
import { latency, sleep, type LatencySummary } from './lib/stats'

const RATE = knob('PARLEY_BENCH_RATE', 200, 200)
const OPEN_MS = knob('PARLEY_BENCH_DURATION_MS', 10_000, 4000)
const SATURATING = knob('PARLEY_BENCH_GUESTS', 4000, 1000)
const machine = describeMachine()

interface Phase extends CpuReport {
  created: number
  failed: number
  perSecond: number
  ms: LatencySummary
}

async function measure(setup: Setup, body: () => Promise<{ created: number; failed: number; ms: LatencySummary }>): Promise<Phase> {
  const cpu = await watchCpu((q) => setup.sample(q))
  const t = performance.now()
  const r = await body()
  const elapsed = performance.now() - t
  const { report } = await cpu.stop()
  return { ...r, perSecond: Math.round((r.created / elapsed) * 1000), ...report }
}

async function run(kind: SetupKind): Promise<{ setup: string; openLoop: Phase & { offeredPerSecond: number }; saturating: Phase }> {
  const setup = await startSetup(kind)
  try {
    const bases = setup.nodes.map((n) => n.url)
    await createGuests(bases, 50, 8) // warm-up: JIT, connection pools
    const openLoop = await measure(setup, async () => {
      const ms = latency()
      let created = 0
      let failed = 0
      const total = Math.round((RATE * OPEN_MS) / 1000)
      const start = performance.now()
      const pending: Promise<void>[] = []
      for (let i = 0; i < total; i++) {
        const at = start + (i * 1000) / RATE
        await sleep(at - performance.now())
        pending.push(
          createGuest(bases[i % bases.length] ?? '').then(
            () => void (created++, ms.record(performance.now() - at)),
            () => void failed++,
          ),
        )
      }
      await Promise.all(pending)
      return { created, failed, ms: ms.summary() }
    })
    const saturating = await measure(setup, async () => {
      const ms = latency()
      const made = await createGuests(bases, SATURATING, 64, ms)
      return { created: made.length, failed: 0, ms: ms.summary() }
    })
    return { setup: setup.label, openLoop: { ...openLoop, offeredPerSecond: RATE }, saturating }
  } finally {
    await setup.stop()
  }
}

const runs = []
for (const kind of setupKinds()) {
  const r = await run(kind)
  console.error(`${r.setup}: at ${RATE}/s offered p50 ${r.openLoop.ms.p50} / p99 ${r.openLoop.ms.p99} ms; saturating ${r.saturating.perSecond}/s, p99 ${r.saturating.ms.p99} ms, saturated: ${r.saturating.saturated}`)
  runs.push(r)
}
emit('create', { machine, runs })
if (runs.some((r) => r.openLoop.failed)) process.exitCode = 1
