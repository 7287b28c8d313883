/**
 * Loaded into a server process under test with `--import` (never by the BFF itself): a loopback HTTP
 * endpoint on `PARLEY_BENCH_PROBE_PORT` that reports the process' memory, CPU time and event-loop delay,
 * so the generator can tell which side saturated and what each idle connection costs.
 *   GET /?gc=1     collect garbage first (the process runs with --expose-gc)
 *   GET /?reset=1  start a new event-loop delay window after reading this one
 *   GET /?snapshot=1  write a heap snapshot into the working directory and answer its file name
 */
import { createServer } from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { writeHeapSnapshot } from 'node:v8'
import type { ProbeSample } from './probe-sample'

const port = Number(process.env.PARLEY_BENCH_PROBE_PORT)
if (Number.isInteger(port) && port > 0) {
  // the histogram holds whole sampling intervals; the delay is what exceeds the interval
  const RESOLUTION_MS = 2
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  delay.enable()
  const ms = (ns: number): number => Math.max(0, Math.round(ns / 10_000 - RESOLUTION_MS * 100) / 100)
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://probe').searchParams
    if (query.has('snapshot')) {
      // a heap snapshot, to see what an idle guest costs (docs/benchmarks.md)
      res.end(JSON.stringify({ snapshot: writeHeapSnapshot() }))
      return
    }
    if (query.has('gc')) {
      gc?.()
      gc?.()
    }
    const mem = process.memoryUsage()
    const cpu = process.cpuUsage()
    const sample: ProbeSample = {
      atMs: performance.timeOrigin + performance.now(),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      externalBytes: mem.external,
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
    }
    if (query.has('reset')) delay.reset()
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(sample))
  })
  server.listen(port, '127.0.0.1')
  server.unref()
}
