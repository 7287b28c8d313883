/**
 * The systems under test, each BFF in its own process on 127.0.0.1 with the probe loaded:
 * `memory` is one node with the in-memory store, `redis` is two nodes sharing one Redis (issue 5),
 * `cluster` two nodes on a three-master Redis Cluster (no replicas; issue 26).
 */
import { Redis } from 'ioredis'
import { startBff, type BffProcess } from '../../tests/support/bff-process'
import { redisAvailable, startRedis, startRedisCluster, testPrefix, type TestRedis, type TestRedisCluster } from '../../tests/support/redis'
import { readProbe, type ProbeSample } from './probe-sample'
import { cpus } from 'node:os'
import { cpuMeter, round, saturated, type CpuUse } from './saturation'

export const ORIGIN = 'http://bench.test'
export type SetupKind = 'memory' | 'redis' | 'cluster'
export const SETUP_LABEL: Record<SetupKind, string> = { memory: '1 node, in memory', redis: '2 nodes + Redis', cluster: '2 nodes + three-master cluster' }

/** Limits opened wide: the benchmarks measure the server, not its abuse limiter. */
export const BENCH_ENV: Record<string, string> = {
  PARLEY_ALLOWED_ORIGINS: ORIGIN,
  PARLEY_TOKEN_SECRET: 'bench-secret-that-is-at-least-32-bytes-long',
  PARLEY_GUEST_RATE: '1000000',
  PARLEY_MSG_RATE: '10000',
  PARLEY_MSG_BURST: '10000',
  PARLEY_DESK_BOT_DELAY_MS: '0',
  PARLEY_DRAIN_MS: '0',
  LOG_LEVEL: 'error',
}

/** `PARLEY_BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of every BFF node there when it stops. */
const profileDir = process.env.PARLEY_BENCH_CPU_PROF
export const PROBE_ARGS = ['--expose-gc', '--import', './bench/lib/probe.ts', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])]

export interface Node {
  readonly url: string
  readonly probePort: number
  process: BffProcess
}

export interface Setup {
  readonly kind: SetupKind
  readonly label: string
  readonly nodes: Node[]
  /** Admin connections to every Redis the nodes write to (none in memory), for INFO and the slow log. */
  readonly redisAdmins: Redis[]
  /** CPU and memory of every server process, keyed by name (node a, node b, redis). */
  sample: Sampler
  /** kill -9 one node and start it again on the same port; resolves with the ms until it was ready again. */
  restart(index: number, downMs?: number): Promise<{ killedAt: number; readyAt: number }>
  stop(): Promise<void>
}

export interface ProcessSample {
  atMs: number
  cpuMs: number
  rssBytes: number
  heapUsedBytes: number
  loopDelayMs?: ProbeSample['loopDelayMs']
}

/** `withCluster`: also two nodes on a three-master cluster (needs redis-server on PATH, not a REDIS_URL). */
export function setupKinds(options: { withCluster?: boolean } = {}): SetupKind[] {
  if (options.withCluster && redisAvailable(true)) return ['memory', 'redis', 'cluster']
  if (redisAvailable()) return ['memory', 'redis']
  console.error('bench: no redis-server on PATH and no REDIS_URL, so the two-node runs are skipped')
  return ['memory']
}

const BASE_PORT = 18400

async function redisSample(client: Redis): Promise<ProcessSample> {
  const info = await client.info()
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN)
  return {
    atMs: performance.timeOrigin + performance.now(),
    cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
    rssBytes: field('used_memory_rss'),
    heapUsedBytes: field('used_memory'),
  }
}

export async function startSetup(kind: SetupKind, env: Record<string, string> = {}): Promise<Setup> {
  let redis: TestRedis | undefined
  let cluster: TestRedisCluster | undefined
  const admins: Redis[] = []
  let shared = { ...BENCH_ENV, ...env }
  if (kind === 'redis') {
    redis = await startRedis()
    admins.push(new Redis(redis.url))
    shared = { ...shared, REDIS_URL: redis.url, PARLEY_REDIS_PREFIX: testPrefix() }
  }
  if (kind === 'cluster') {
    cluster = await startRedisCluster()
    for (const port of cluster.ports) admins.push(new Redis({ port, host: '127.0.0.1' }))
    shared = { ...shared, REDIS_CLUSTER_NODES: cluster.seeds.join(','), PARLEY_REDIS_PREFIX: testPrefix() }
  }
  const names = kind === 'memory' ? ['a'] : ['a', 'b']
  const envFor = (i: number): Record<string, string> => ({ ...shared, PARLEY_NODE_ID: names[i] ?? 'a', PARLEY_BENCH_PROBE_PORT: String(BASE_PORT + 10 + i) })
  const nodes: Node[] = await Promise.all(
    names.map(async (_, i) => ({ url: `http://127.0.0.1:${BASE_PORT + i}`, probePort: BASE_PORT + 10 + i, process: await startBff(BASE_PORT + i, envFor(i), 30_000, PROBE_ARGS) })),
  )
  return {
    kind,
    label: SETUP_LABEL[kind],
    nodes,
    redisAdmins: admins,
    async sample(query = {}) {
      const out: Record<string, ProcessSample> = {}
      await Promise.all(nodes.map(async (n, i) => (out[`node ${names[i]}`] = await readProbe(n.probePort, query))))
      if (admins.length === 1 && admins[0]) out.redis = await redisSample(admins[0])
      else await Promise.all(admins.map(async (a, i) => (out[`redis ${i + 1}`] = await redisSample(a))))
      return out
    },
    async restart(index, downMs = 0) {
      const node = nodes[index]
      if (!node) throw new Error(`no node ${index}`)
      const killedAt = performance.now()
      node.process.signal('SIGKILL')
      await node.process.exited
      if (downMs) await new Promise((r) => setTimeout(r, downMs))
      node.process = await startBff(BASE_PORT + index, envFor(index), 30_000, PROBE_ARGS)
      return { killedAt, readyAt: performance.now() }
    },
    async stop() {
      // SIGTERM first, so a profiled node writes its profile; SIGKILL for one that does not end in time
      for (const n of nodes) n.process.signal('SIGTERM')
      const killer = setTimeout(() => nodes.forEach((n) => n.process.signal('SIGKILL')), 5000)
      await Promise.all(nodes.map((n) => n.process.exited))
      clearTimeout(killer)
      for (const a of admins) a.disconnect()
      await redis?.close()
      await cluster?.close()
    },
  }
}

export type SampleQuery = { gc?: boolean; reset?: boolean }
export type Sampler = (query?: SampleQuery) => Promise<Record<string, ProcessSample>>

export interface CpuReport {
  cpu: CpuUse
  /** Which side limited the measurement, e.g. `server (node a)`. */
  saturated: string
}

/**
 * Starts measuring the CPU of the generator and of every server process; `stop()` reads it and says which
 * side saturated. `before` and `after` are the samples taken at either end (memory, event-loop delay).
 */
export async function watchCpu(sample: Sampler, query: SampleQuery = {}): Promise<{ before: Record<string, ProcessSample>; stop(): Promise<{ report: CpuReport; after: Record<string, ProcessSample> }> }> {
  const before = await sample(query)
  const generator = cpuMeter()
  return {
    before,
    async stop() {
      const share = generator.stop()
      const after = await sample()
      const servers = cpuShares(before, after)
      const v = saturated({ generator: share, servers }, cpus().length)
      return { after, report: { cpu: { generator: share, servers }, saturated: `${v.verdict} (${v.busiest})` } }
    },
  }
}

/** CPU share (cores) of each process between two samples. */
export function cpuShares(before: Record<string, ProcessSample>, after: Record<string, ProcessSample>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, a] of Object.entries(after)) {
    const b = before[name]
    if (b) out[name] = round((a.cpuMs - b.cpuMs) / (a.atMs - b.atMs))
  }
  return out
}
