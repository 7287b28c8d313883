/** What `probe.ts` reports about a server process, and how to read it from the generator. */
import { asObject } from '../../src/protocol/read'

export interface ProbeSample {
  /** Wall clock (ms since the epoch, sub-ms precision), to turn CPU time into utilisation. */
  atMs: number
  rssBytes: number
  heapUsedBytes: number
  externalBytes: number
  /** User + system CPU time of the process so far. */
  cpuMs: number
  /** Event-loop delay since the last reset. */
  loopDelayMs: { p50: number; p99: number; max: number }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

export function parseProbeSample(raw: unknown): ProbeSample {
  const o = asObject(raw) ?? {}
  const d = asObject(o.loopDelayMs) ?? {}
  const { atMs, rssBytes, heapUsedBytes, externalBytes, cpuMs } = o
  const { p50, p99, max } = d
  if (!isNumber(atMs) || !isNumber(rssBytes) || !isNumber(heapUsedBytes) || !isNumber(externalBytes) || !isNumber(cpuMs) || !isNumber(p50) || !isNumber(p99) || !isNumber(max))
    throw new Error('probe: unexpected sample')
  return { atMs, rssBytes, heapUsedBytes, externalBytes, cpuMs, loopDelayMs: { p50, p99, max } }
}

export async function readProbe(port: number, query: { gc?: boolean; reset?: boolean } = {}): Promise<ProbeSample> {
  const q = new URLSearchParams()
  if (query.gc) q.set('gc', '1')
  if (query.reset) q.set('reset', '1')
  const res = await fetch(`http://127.0.0.1:${port}/?${q}`)
  return parseProbeSample(await res.json())
}
