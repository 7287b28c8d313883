/**
 * A Redis for the tests: `REDIS_URL` when set, otherwise a `redis-server` from PATH on a free port in a
 * temporary directory (AOF on, `appendfsync everysec`, as docs/operations.md recommends), which the
 * fault tests stop, kill and start again. Without either the Redis tests are skipped with a loud
 * message — unless `PARLEY_REQUIRE_REDIS=1`, where that is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'

export interface TestRedis {
  readonly url: string
  /** Started here (can be stopped and started again), not a shared `REDIS_URL`. */
  readonly owned: boolean
  /** Stop it with this signal and wait until it has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>
  /** Start it again on the same port and directory (its AOF brings the data back). */
  start(): Promise<void>
  /** Remove everything (the process and its directory). */
  close(): Promise<void>
}

const redisServer = (): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  return found.status === 0 ? found.stdout.trim() || undefined : undefined
}

/**
 * Whether Redis tests can run. Called while tests are collected: with neither Redis nor
 * `PARLEY_REQUIRE_REDIS=1` it prints the skip loudly; with the flag it throws, failing the file.
 */
export function redisAvailable(needOwn = false): boolean {
  if (!needOwn && process.env.REDIS_URL) return true
  if (redisServer()) return true
  const msg = `NO redis-server ON PATH${needOwn ? '' : ' AND NO REDIS_URL'}: the Redis tests did NOT run (install Debian's "redis-server").`
  if (process.env.PARLEY_REQUIRE_REDIS === '1') throw new Error(`${msg} PARLEY_REQUIRE_REDIS=1 makes this a failure.`)
  console.warn(`\n${'!'.repeat(80)}\n!! ${msg}\n${'!'.repeat(80)}\n`)
  return false
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // a TCP listener always has an AddressInfo
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write('PING\r\n'))
    s.setTimeout(500, () => s.destroy())
    s.once('data', (d) => {
      resolve(d.toString().startsWith('+PONG'))
      s.destroy()
    })
    s.once('error', () => resolve(false))
    s.once('close', () => resolve(false))
  })
}

/** `needOwn`: the test stops and starts Redis, so a shared `REDIS_URL` will not do. */
export async function startRedis(needOwn = false): Promise<TestRedis> {
  const shared = process.env.REDIS_URL
  if (shared && !needOwn) {
    const fail = async (): Promise<void> => {
      throw new Error('a shared REDIS_URL cannot be stopped or started by a test')
    }
    return { url: shared, owned: false, stop: fail, start: fail, close: async () => undefined }
  }
  const found = redisServer()
  if (!found) throw new Error('redis-server is not on PATH')
  const bin: string = found
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'))
  const port = await freePort()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  async function start(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--logfile', join(dir, 'redis.log')]
    const proc = spawn(bin, args, { stdio: 'ignore' })
    child = proc
    exited = new Promise((resolve) => proc.once('exit', () => resolve()))
    const deadline = Date.now() + 10_000
    while (!(await answers(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start within 10 s`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    owned: true,
    async stop(signal = 'SIGTERM') {
      child?.kill(signal)
      await exited
    },
    start,
    async close() {
      child?.kill('SIGKILL')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A key prefix of its own for each test, so tests can share one Redis. */
export const testPrefix = (): string => `t${randomBytes(4).toString('hex')}:`

/** A Redis Cluster of `redis-server`s on free 127.0.0.1 ports, in a temporary directory. */
export interface TestRedisCluster {
  /** `host:port` of every server, for `REDIS_CLUSTER_NODES`. */
  readonly seeds: string[]
  readonly ports: number[]
  /** The ports whose server is a master now (after a failover, a promoted replica's). */
  masters(): Promise<number[]>
  /** kill -9 one server and wait until it has exited. */
  kill(port: number): Promise<void>
  close(): Promise<void>
}

/** A port whose cluster bus port (+10000) is free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (port > 55_000) continue
    const bus = createServer()
    const free = await new Promise<boolean>((resolve) => {
      bus.once('error', () => resolve(false))
      bus.listen(port + 10_000, '127.0.0.1', () => resolve(true))
    })
    if (free) await new Promise((resolve) => bus.close(resolve))
    if (free) return port
  }
}

async function clusterInfo(port: number): Promise<Record<string, string>> {
  const { Redis } = await import('ioredis')
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  // a server killed on purpose refuses the connection: that is an answer ("not ok"), not an error to print
  r.on('error', () => undefined)
  try {
    await r.connect()
    const text = `${String(await r.cluster('INFO'))}\n${await r.info('replication')}`
    return Object.fromEntries(text.split(/\r?\n/).flatMap((l) => (l.includes(':') ? [l.split(':', 2) as [string, string]] : [])))
  } catch {
    return {}
  } finally {
    r.disconnect()
  }
}

/**
 * `masters` masters with `replicas` replicas each, made with `redis-cli --cluster create`; resolves once
 * every server reports the cluster ok (and every replica in sync). With replicas, a 1 s node timeout makes
 * failovers quick; without, 5 s, so a loaded test machine's pause does not mark a master failed (which,
 * with no replica to promote, would take the cluster down).
 */
export async function startRedisCluster(options: { masters?: number; replicas?: 0 | 1 } = {}): Promise<TestRedisCluster> {
  const bin = redisServer()
  if (!bin) throw new Error('redis-server is not on PATH')
  const total = (options.masters ?? 3) * (1 + (options.replicas ?? 0))
  const nodeTimeout = options.replicas ? '1000' : '5000'
  const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-'))
  const ports: number[] = []
  for (let i = 0; i < total; i++) ports.push(await clusterPort())
  const children = new Map<number, { child: ChildProcess; exited: Promise<void> }>()
  for (const port of ports) {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
      '--cluster-node-timeout', nodeTimeout, '--appendonly', 'yes', '--appendfilename', `appendonly-${port}.aof`, '--appenddirname', `aof-${port}`,
      '--appendfsync', 'everysec', '--save', '', '--logfile', join(dir, `redis-${port}.log`)]
    const child = spawn(bin, args, { stdio: 'ignore' })
    children.set(port, { child, exited: new Promise((resolve) => child.once('exit', () => resolve())) })
  }
  const close = async (): Promise<void> => {
    for (const { child } of children.values()) child.kill('SIGKILL')
    await Promise.all([...children.values()].map((c) => c.exited))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const deadline = Date.now() + 20_000
    const waitFor = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
      while (!(await ok())) {
        if (Date.now() > deadline) throw new Error(`the test Redis Cluster: ${what} within 20 s (logs in ${dir})`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    await waitFor('servers did not answer', async () => (await Promise.all(ports.map(answers))).every(Boolean))
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(options.replicas ?? 0), '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`)
    await waitFor('the cluster was not ok on every server', async () =>
      (await Promise.all(ports.map(clusterInfo))).every(
        (i) => i.cluster_state === 'ok' && i.cluster_known_nodes === String(total) && (i.role === 'master' || i.master_link_status === 'up'),
      ),
    )
  } catch (err) {
    await close()
    throw err
  }
  return {
    seeds: ports.map((p) => `127.0.0.1:${p}`),
    ports,
    async masters() {
      const infos = await Promise.all(ports.map(async (p) => [p, children.get(p)?.child.exitCode === null ? await clusterInfo(p) : {}] as const))
      return infos.filter(([, i]) => i.role === 'master' && i.cluster_state === 'ok').map(([p]) => p)
    },
    async kill(port) {
      const c = children.get(port)
      c?.child.kill('SIGKILL')
      await c?.exited
    },
    close,
  }
}
