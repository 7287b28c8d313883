/**
 * One in-memory node versus two nodes on one Redis (issue 5), same load, same run: N guests, each sending
 * M messages at a fixed pace (open loop: a slow server does not slow the senders), spread over the nodes
 * round-robin. Measures send → ack (durably stored) and send → bot answer (guest → bot → guest), the
 * relayed message rate, and loss / duplicates. Every BFF is its own process on 127.0.0.1; bounded in
 * count and time. Skipped (with a message) when there is no redis-server.
 *
 *   npm run bench -- scale-out [--quick]
 */
import { cpus } from 'node:os'
import WebSocket from 'ws'
import type { ServerFrame } from '../src/protocol'
import { startBff, type BffProcess } from '../tests/support/bff-process'
import { redisAvailable, startRedis, testPrefix } from '../tests/support/redis'

const ORIGIN = 'http://bench.test'
const quick = process.argv.includes('--quick')
const GUESTS = Number(process.env.PARLEY_BENCH_GUESTS ?? (quick ? 100 : 400))
const MESSAGES = Number(process.env.PARLEY_BENCH_MESSAGES ?? (quick ? 10 : 20))
/** Each guest sends one message every this many ms. */
const PACE_MS = Number(process.env.PARLEY_BENCH_PACE_MS ?? 500)
const TIMEOUT_MS = 120_000

interface RunResult {
  setup: string
  guests: number
  sent: number
  acked: number
  answered: number
  duplicated: number
  durationMs: number
  ackedPerSecond: number
  ackMs: { p50: number; p99: number; max: number }
  answerMs: { p50: number; p99: number; max: number }
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
const summary = (values: number[]): { p50: number; p99: number; max: number } => {
  const s = [...values].sort((a, b) => a - b)
  const round = (n: number): number => Math.round(n * 10) / 10
  return { p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? NaN) }
}

async function guest(base: string, acks: number[], answers: number[], counts: { sent: number; acked: number; answered: number; duplicated: number }): Promise<void> {
  const res = await fetch(`${base}/api/guest-sessions`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' })
  if (res.status !== 201) throw new Error(`guest creation: ${res.status}`)
  const { guestToken } = (await res.json()) as { guestToken: string }
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/socket`, ['parley.v1', `parley.token.${guestToken}`], { origin: ORIGIN })
  const sentAt = new Map<string, number>()
  const seen = new Set<number>()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('guest timed out')), TIMEOUT_MS)
    let sent = 0
    let done = 0
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString('utf8')) as ServerFrame
      if (f.type === 'ready') {
        const tick = setInterval(() => {
          if (sent >= MESSAGES) return clearInterval(tick)
          const id = `q${sent++}`
          sentAt.set(id, performance.now())
          counts.sent++
          ws.send(JSON.stringify({ type: 'send', clientMessageId: id, text: `bench ${id}` }))
        }, PACE_MS * (0.5 + Math.random()))
      } else if (f.type === 'ack') {
        const t = sentAt.get(f.clientMessageId)
        if (t !== undefined) acks.push(performance.now() - t)
        counts.acked++
      } else if (f.type === 'message' && f.role === 'bot') {
        if (seen.has(f.seq)) counts.duplicated++
        seen.add(f.seq)
        const id = /"bench (q\d+)"/.exec(f.text)?.[1]
        const t = id === undefined ? undefined : sentAt.get(id)
        if (t === undefined) return
        answers.push(performance.now() - t)
        counts.answered++
        if (++done === MESSAGES) {
          clearTimeout(timer)
          ws.close()
          resolve()
        }
      }
    })
    ws.on('error', reject)
  })
}

async function run(setup: string, bases: string[]): Promise<RunResult> {
  const acks: number[] = []
  const answers: number[] = []
  const counts = { sent: 0, acked: 0, answered: 0, duplicated: 0 }
  const started = performance.now()
  await Promise.all(Array.from({ length: GUESTS }, (_, i) => guest(bases[i % bases.length] ?? '', acks, answers, counts)))
  const durationMs = Math.round(performance.now() - started)
  return {
    setup, guests: GUESTS, ...counts, durationMs,
    ackedPerSecond: Math.round((counts.acked / durationMs) * 1000),
    ackMs: summary(acks), answerMs: summary(answers),
  }
}

const env = {
  PARLEY_ALLOWED_ORIGINS: ORIGIN,
  PARLEY_TOKEN_SECRET: 'bench-secret-that-is-at-least-32-bytes-long',
  PARLEY_GUEST_RATE: '1000000',
  PARLEY_DESK_BOT_DELAY_MS: '0',
  LOG_LEVEL: 'error',
}
const results: RunResult[] = []
const stop = async (nodes: BffProcess[]): Promise<void> => {
  for (const n of nodes) n.signal('SIGKILL')
  await Promise.all(nodes.map((n) => n.exited))
}

const single = [await startBff(18400, env)]
results.push(await run('1 node, in memory', single.map((n) => n.url)))
await stop(single)

if (redisAvailable()) {
  const redis = await startRedis()
  const shared = { ...env, REDIS_URL: redis.url, PARLEY_REDIS_PREFIX: testPrefix() }
  const one = [await startBff(18401, shared)]
  results.push(await run('1 node + Redis', one.map((n) => n.url)))
  await stop(one)
  const two = await Promise.all([startBff(18402, { ...shared, PARLEY_NODE_ID: 'a' }), startBff(18403, { ...shared, PARLEY_NODE_ID: 'b' })])
  results.push(await run('2 nodes + Redis', two.map((n) => n.url)))
  await stop(two)
  await redis.close()
}

console.log(JSON.stringify({ bench: 'scale-out', cores: cpus().length, node: process.version, messagesPerGuest: MESSAGES, paceMs: PACE_MS, results }, null, 2))
if (results.some((r) => r.acked !== r.sent || r.answered !== r.sent || r.duplicated)) process.exitCode = 1
