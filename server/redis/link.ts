/**
 * @module server/redis/link
 * The two Redis connections of a node (commands, and a subscriber for the shared channel) and the
 * policy that keeps Redis faults from reaching guests as hangs or crashes: no offline queue (a command
 * while Redis is down fails at once instead of piling up), a command timeout (a silent Redis is a down
 * Redis), and reconnects forever in the background.
 */
import { Redis, type RedisOptions } from 'ioredis'
import { StoreUnavailableError } from '../stores/types'


export interface LinkMessage {
  /** The node that published it (a node skips its own). */
  node: string
  type: string
  [key: string]: unknown
}

export interface RedisLink {
  readonly cmd: Redis
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
  url: string
  prefix: string
  nodeId: string
  /** Command timeout, ms. @default 2000 */
  commandTimeoutMs?: number
  onStateChange?: (up: boolean, err?: unknown) => void
}

/** The URL without its password, for messages. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^@/]*)@/, '//***@')

export async function connectRedis(options: LinkOptions): Promise<RedisLink> {
  const { url, prefix, nodeId } = options
  const base: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    connectTimeout: 5000,
    // reconnect forever: 100 ms, 200 ms, … up to 2 s between attempts
    retryStrategy: (times) => Math.min(times * 100, 2000),
  }
  const cmd = new Redis(url, { ...base, connectionName: `parley-cmd-${nodeId}` })
  // the subscriber has no command timeout: it waits for messages, it does not run commands. It subscribes
  // again itself: ioredis' autoResubscribe leaves the promise of that SUBSCRIBE unhandled, and a connection
  // that drops again before the answer would end the process with an unhandled rejection
  const sub = new Redis(url, { ...base, commandTimeout: undefined, connectionName: `parley-sub-${nodeId}`, autoResubscribe: false })
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
  sub.on('message', (_channel: string, raw: string) => {
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
    throw new Error(`Redis at ${redactUrl(url)} is not reachable (${err instanceof Error ? err.message : String(err)}).`)
  }
  report()

  return {
    cmd,
    nodeId,
    prefix,
    channel,
    publish(message) {
      cmd.publish(channel, JSON.stringify({ ...message, node: nodeId })).catch(() => undefined)
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
