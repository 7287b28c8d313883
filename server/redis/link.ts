/**
 * @module server/redis/link
 * The two Redis connections of a node (commands, and a subscriber for the shared channel) and the
 * policy that keeps Redis faults from reaching guests as hangs or crashes: no offline queue (a command
 * while Redis is down fails at once instead of piling up), a command timeout (a silent Redis is a down
 * Redis), and reconnects forever in the background. One Redis (`REDIS_URL`) or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, ioredis' Cluster client). Commands are auto-pipelined: those issued in one loop
 * turn leave in one write (one per cluster node), so batches that span cluster slots (lease renewals, the
 * desk's list) need no explicit pipeline, and Redis, whose time per message is mostly system calls, spent
 * 20-30 % less CPU per message (docs/benchmarks.md).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import { StoreUnavailableError } from '../stores/types'


export interface LinkMessage {
  /** The node that published it (a node skips its own). */
  node: string
  type: string
  [key: string]: unknown
}

/** A command connection: one Redis or a cluster; both speak the commands the store uses. */
export type RedisCommands = Redis | Cluster

export interface RedisLink {
  readonly cmd: RedisCommands
  /** Keys of one conversation (or one guest) carry a `{…}` hash tag so they share a cluster slot. */
  readonly cluster: boolean
  readonly nodeId: string
  readonly prefix: string
  readonly channel: string
  /** Publish to every node (this one skips it). Never throws: a lost notification is found by the gap check. */
  publish(message: Record<string, unknown> & { type: string }): void
  onMessage(listener: (message: LinkMessage) => void): () => void
  /** The subscriber came back after a drop: notifications may have been missed. */
  onResubscribed(listener: () => void): () => void
  /** Both connections are up. */
  up(): boolean
  close(): Promise<void>
}

export interface LinkOptions {
  /** One Redis, `redis://…`; or `clusterNodes`. */
  url?: string
  /** Seed nodes of a Redis Cluster, `host:port`. */
  clusterNodes?: readonly string[]
  prefix: string
  nodeId: string
  /** Command timeout, ms. @default 2000 */
  commandTimeoutMs?: number
  onStateChange?: (up: boolean, err?: unknown) => void
}

/** The URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^@/]*)@/, '//***@')

/** host:port → the seed form ioredis' Cluster takes. */
function seed(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(':')
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) }
}

// reconnect forever: 100 ms, 200 ms, … up to 2 s between attempts
const backoff = (times: number): number => Math.min(times * 100, 2000)

function connections(options: LinkOptions): { cmd: RedisCommands; sub: RedisCommands; where: string } {
  const { nodeId } = options
  const base: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    connectTimeout: 5000,
  }
  // the subscriber has no command timeout: it waits for messages, it does not run commands. It subscribes
  // again itself: ioredis' autoResubscribe leaves the promise of that SUBSCRIBE unhandled, and a connection
  // that drops again before the answer would end the process with an unhandled rejection
  const subOptions: RedisOptions = { ...base, commandTimeout: undefined, autoResubscribe: false }
  if (options.clusterNodes?.length) {
    const seeds = options.clusterNodes.map(seed)
    const cluster = (redisOptions: RedisOptions, name: string, extra: ClusterOptions = {}): Cluster =>
      new Cluster(seeds, {
        ...extra,
        lazyConnect: true,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: backoff,
        // a failover takes a few seconds; commands meanwhile fail at once and the guest retries
        retryDelayOnClusterDown: 100,
        retryDelayOnFailover: 100,
        slotsRefreshTimeout: 2000,
        redisOptions: { ...redisOptions, connectionName: name },
      })
    // the subscriber's cluster map is refreshed every few seconds: a server that left shows as '-node',
    // which is how a subscriber moved to another server (ioredis does that by itself) is noticed (below)
    const sub = cluster(subOptions, `parley-sub-${nodeId}`, { slotsRefreshInterval: 3000 })
    return { cmd: cluster(base, `parley-cmd-${nodeId}`), sub, where: `the Redis Cluster at ${options.clusterNodes.join(',')}` }
  }
  const url = options.url ?? ''
  const single: RedisOptions = { ...base, enableOfflineQueue: false, retryStrategy: backoff }
  return {
    cmd: new Redis(url, { ...single, enableAutoPipelining: true, connectionName: `parley-cmd-${nodeId}` }),
    sub: new Redis(url, { ...single, ...subOptions, connectionName: `parley-sub-${nodeId}` }),
    where: `Redis at ${redactUrl(url)}`,
  }
}

export async function connectRedis(options: LinkOptions): Promise<RedisLink> {
  const { prefix, nodeId } = options
  const { cmd, sub, where } = connections(options)
  const channel = `${prefix}events`
  const listeners = new Set<(message: LinkMessage) => void>()
  const resubscribed = new Set<() => void>()
  let wasUp = false
  const report = (err?: unknown): void => {
    const isUp = cmd.status === 'ready' && sub.status === 'ready'
    if (isUp !== wasUp) options.onStateChange?.(isUp, err)
    wasUp = isUp
  }
  for (const r of [cmd, sub]) {
    // ioredis prints unhandled 'error' events itself; state changes are reported once instead
    r.on('error', (err: unknown) => report(err))
    r.on('close', () => report())
    r.on('ready', () => report())
  }
  let subscribedOnce = false
  const subscribe = async (): Promise<void> => {
    await sub.subscribe(channel)
    if (subscribedOnce) for (const l of resubscribed) l()
    subscribedOnce = true
  }
  sub.on('ready', () => {
    // a failed attempt is retried on the next 'ready' (ioredis reconnects by itself)
    if (subscribedOnce) subscribe().catch(() => undefined)
  })
  if (sub instanceof Cluster) {
    // On a cluster ioredis moves a subscriber whose server died to another one and subscribes again by
    // itself, without a 'ready': what was published in between is lost. A server that failed or left (or
    // a command connection's error) makes the node read back what it may have missed, once a second at most.
    let pending = false
    const recheck = (): void => {
      if (pending) return
      pending = true
      setTimeout(() => {
        pending = false
        if (subscribedOnce && cmd.status === 'ready') for (const l of resubscribed) l()
      }, 1000).unref()
    }
    sub.on('-node', recheck)
    sub.on('+node', recheck)
    cmd.on('node error', recheck)
  }
  // every notification starts with its node (scripts.ts, publish below): this node's own are dropped unread
  const own = `{"node":${JSON.stringify(nodeId)},`
  sub.on('message', (_channel: string, raw: string) => {
    if (raw.startsWith(own)) return
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return
    }
    if (!isLinkMessage(parsed) || parsed.node === nodeId) return
    for (const l of listeners) l(parsed)
  })

  try {
    await Promise.all([cmd.connect(), sub.connect()])
    await subscribe()
  } catch (err) {
    cmd.disconnect()
    sub.disconnect()
    throw new Error(`${where} is not reachable (${err instanceof Error ? err.message : String(err)}).`)
  }
  report()

  return {
    cmd,
    cluster: cmd instanceof Cluster,
    nodeId,
    prefix,
    channel,
    publish(message) {
      cmd.publish(channel, JSON.stringify({ node: nodeId, ...message })).catch(() => undefined)
    },
    onMessage(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onResubscribed(listener) {
      resubscribed.add(listener)
      return () => resubscribed.delete(listener)
    },
    up: () => cmd.status === 'ready' && sub.status === 'ready',
    async close() {
      listeners.clear()
      resubscribed.clear()
      await Promise.all([cmd.quit().catch(() => cmd.disconnect()), sub.quit().catch(() => sub.disconnect())])
    },
  }
}

function isLinkMessage(x: unknown): x is LinkMessage {
  return typeof x === 'object' && x !== null && 'node' in x && typeof x.node === 'string' && 'type' in x && typeof x.type === 'string'
}

/** Run a Redis call; any failure becomes a StoreUnavailableError. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw new StoreUnavailableError(err)
  }
}
