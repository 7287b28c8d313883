/**
 * 3(d) Reconnect storm: 5,000 guests running the widget's own headless client (its backoff with full
 * jitter, resume and session recovery), then `kill -9` of a BFF node and a restart on the same port.
 * Measures the time from the kill until 99 % (and 100 %) of the cut-off guests had a `ready` frame again,
 * and whether they got their conversation back (Redis) or a new one (in-memory store, lost with the
 * process). With two nodes, node a is killed and only its guests are counted.
 *
 *   npm run bench -- storm [--quick]
 */
import WebSocket from 'ws'
import { createChatClient, type ChatClient } from '../src/client'
import { describeMachine } from './lib/machine'
import { emit, knob } from './lib/result'
import { ORIGIN, setupKinds, startSetup, watchCpu, type CpuReport, type SetupKind } from './lib/servers'
import { sleep } from './lib/stats'

const GUESTS = knob('PARLEY_BENCH_GUESTS', 5000, 1000)
const TIMEOUT_MS = 120_000
const machine = describeMachine()

interface Guest {
  client: ChatClient
  conversationId?: string
  /** performance.now() of the first `ready` after the kill. */
  backAt?: number
  sameConversation?: boolean
}

interface StormRun extends CpuReport {
  setup: string
  guests: number
  cutOff: number
  restartMs: number
  resumed99Ms: number
  resumedAllMs: number
  resumed: number
  sameConversation: number
}

const READY = /^\{"type":"ready".*"conversationId":"([^"]+)"/

async function run(kind: SetupKind): Promise<StormRun> {
  const setup = await startSetup(kind, { PARLEY_DESK_BOT: 'off' })
  const guests: Guest[] = []
  let killedAt = Infinity
  try {
    const bases = setup.nodes.map((n) => n.url)
    let connected = 0
    for (let i = 0; i < GUESTS; i++) {
      const guest: Guest = {
        client: createChatClient({
          bffUrl: bases[i % bases.length] ?? '',
          WebSocket: (url, protocols) => {
            const ws = new WebSocket(url, protocols, { origin: ORIGIN, perMessageDeflate: false })
            ws.on('message', (data: Buffer) => {
              const conversationId = READY.exec(data.toString('utf8'))?.[1]
              if (!conversationId) return
              if (guest.conversationId === undefined) {
                guest.conversationId = conversationId
                connected++
              } else if (performance.now() > killedAt && guest.backAt === undefined) {
                guest.backAt = performance.now()
                guest.sameConversation = conversationId === guest.conversationId
              }
            })
            return ws
          },
        }),
      }
      guests.push(guest)
    }
    // start in batches so the set-up itself is not the storm being measured
    for (let i = 0; i < guests.length; i += 100) await Promise.all(guests.slice(i, i + 100).map((g) => g.client.start()))
    const deadline = performance.now() + TIMEOUT_MS
    while (connected < GUESTS && performance.now() < deadline) await sleep(50)
    if (connected < GUESTS) throw new Error(`only ${connected} of ${GUESTS} guests connected`)

    const cutOff = guests.filter((_, i) => i % bases.length === 0)
    const cpu = await watchCpu((q) => setup.sample(q))
    killedAt = performance.now()
    const { readyAt } = await setup.restart(0)
    while (cutOff.filter((g) => g.backAt !== undefined).length < cutOff.length && performance.now() < deadline) await sleep(20)
    const { report } = await cpu.stop()
    const back = cutOff.map((g) => g.backAt).filter((t): t is number => t !== undefined).sort((a, b) => a - b)
    const at = (share: number): number => {
      const t = back[Math.ceil(share * cutOff.length) - 1]
      return t === undefined ? NaN : Math.round(t - killedAt)
    }
    return {
      setup: setup.label, guests: GUESTS, cutOff: cutOff.length,
      restartMs: Math.round(readyAt - killedAt),
      resumed99Ms: at(0.99), resumedAllMs: at(1),
      resumed: back.length, sameConversation: cutOff.filter((g) => g.sameConversation).length,
      ...report,
    }
  } finally {
    for (const g of guests) g.client.stop()
    await setup.stop()
  }
}

const runs: StormRun[] = []
for (const kind of setupKinds()) {
  const r = await run(kind)
  console.error(`${r.setup}: ${r.resumed}/${r.cutOff} back, 99 % after ${r.resumed99Ms} ms, all after ${r.resumedAllMs} ms (node restart ${r.restartMs} ms), same conversation ${r.sameConversation}`)
  runs.push(r)
}
emit('storm', { machine, guests: GUESTS, runs })
if (runs.some((r) => r.resumed < r.cutOff)) process.exitCode = 1
