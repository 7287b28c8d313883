/**
 * @module server/redis/leases
 * Upstream ownership across nodes (QUALITY.md §2.2.6): a lease per conversation (`SET NX PX`), renewed
 * every third of its life. The lease follows the guest: the node a guest's socket reaches asks the holder
 * to let go (a `yield` notification) and takes it when it is free. A holder that died simply stops
 * renewing, and the lease lapses after `leaseMs`. A holder that cannot renew (Redis down) stops its
 * upstream side once the lease may have lapsed, so two nodes never drive one conversation for long.
 */
import type { ClientContext, Result } from 'ioredis'
import type { Leases } from '../leases'
import type { RedisLink } from './link'
import { RELEASE_LEASE, RENEW_LEASE } from './scripts'

/** A node keeps a lease it just took at least this long, so two tabs on two nodes cannot bounce it. */
const MIN_HOLD_MS = 2000
/** While waiting for a lease, ask the holder to let go this often. */
const ASK_EVERY_MS = 1000
const POLL_MS = 100
/**
 * Lease renewals per turn of the event loop (auto-pipelining sends one turn's renewals in one write, one
 * per cluster node). Small on purpose: with 500, the appends queued behind a renewal round waited ~200 ms every
 * leaseMs/3 (ack p99 on two nodes 200 ms; with 50, 14 ms; `npm run bench -- latency`), although Redis'
 * slowlog showed no slow command.
 */
const RENEW_BATCH = 50

interface Held {
  since: number
  renewedAt: number
}

export function createRedisLeases(link: RedisLink, options: { leaseMs: number; onError?: (err: unknown) => void }): Leases {
  const { cmd, prefix, nodeId } = link
  const { leaseMs } = options
  // on a cluster, beside the conversation's other keys
  const leaseKey = link.cluster ? (id: string): string => `${prefix}lease:{${id}}` : (id: string): string => `${prefix}lease:${id}`
  const held = new Map<string, Held>()
  const pending = new Map<string, Promise<boolean>>()
  const acquiredListeners = new Set<(id: string) => void>()
  const lostListeners = new Set<(id: string) => void>()
  let closed = false
  cmd.defineCommand('parleyRenewLease', { numberOfKeys: 1, lua: RENEW_LEASE })
  cmd.defineCommand('parleyReleaseLease', { numberOfKeys: 1, lua: RELEASE_LEASE })

  const lose = (id: string): void => {
    if (!held.delete(id)) return
    for (const l of lostListeners) l(id)
  }

  async function letGo(id: string): Promise<void> {
    lose(id)
    await cmd.parleyReleaseLease(leaseKey(id), nodeId).catch((err: unknown) => options.onError?.(err))
  }

  const unsubscribe = link.onMessage((m) => {
    if (m.type !== 'yield' || typeof m.conversationId !== 'string') return
    const h = held.get(m.conversationId)
    if (h && Date.now() - h.since >= MIN_HOLD_MS) void letGo(m.conversationId)
  })

  /** One reply (or error) per lease, in order; issued in one loop turn, they leave together. */
  const renew = (ids: string[]): Promise<[Error | null, unknown][]> =>
    Promise.all(ids.map((id) => cmd.parleyRenewLease(leaseKey(id), nodeId, leaseMs).then((r): [null, unknown] => [null, r], (err: Error): [Error, null] => [err, null])))

  // renewals go out as batches of RENEW_BATCH, one batch per loop turn: one write and one round trip per
  // batch instead of one per lease, and 5,000 held leases no longer block the loop in one go
  const renewal = setInterval(() => {
    const all = [...held]
    const failed = (id: string, h: Held, err: unknown): void => {
      options.onError?.(err)
      // unrenewed this long, the lease may have lapsed and another node taken over
      if (Date.now() - h.renewedAt > leaseMs * 0.8) lose(id)
    }
    const batch = (from: number): void => {
      const slice = all.slice(from, from + RENEW_BATCH)
      renew(slice.map(([id]) => id)).then(
        (replies) =>
          slice.forEach(([id, h], i) => {
            if (held.get(id) !== h) return
            const [err, renewed] = replies[i] ?? [new Error('no reply to a lease renewal'), null]
            if (err) failed(id, h, err)
            else if (renewed === 1) h.renewedAt = Date.now()
            else lose(id)
          }),
        (err: unknown) => {
          for (const [id, h] of slice) if (held.get(id) === h) failed(id, h, err)
        },
      )
      if (from + RENEW_BATCH < all.length) setImmediate(batch, from + RENEW_BATCH)
    }
    if (all.length) batch(0)
  }, Math.max(50, Math.floor(leaseMs / 3)))
  renewal.unref()

  async function take(id: string): Promise<boolean> {
    const deadline = Date.now() + leaseMs + 2000
    let askedAt = 0
    while (!closed && Date.now() < deadline) {
      const got = await cmd.set(leaseKey(id), nodeId, 'PX', leaseMs, 'NX').catch(() => null)
      if (got === 'OK' || (await cmd.get(leaseKey(id)).catch(() => null)) === nodeId) {
        const now = Date.now()
        held.set(id, { since: now, renewedAt: now })
        for (const l of acquiredListeners) l(id)
        return true
      }
      if (Date.now() - askedAt >= ASK_EVERY_MS) {
        askedAt = Date.now()
        link.publish({ type: 'yield', conversationId: id })
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
    return false
  }

  return {
    acquire(id) {
      if (held.has(id)) return Promise.resolve(true)
      let p = pending.get(id)
      if (!p) {
        p = take(id).finally(() => pending.delete(id))
        pending.set(id, p)
      }
      return p
    },
    holds: (id) => held.has(id),
    release: letGo,
    onAcquired(listener) {
      acquiredListeners.add(listener)
      return () => acquiredListeners.delete(listener)
    },
    onLost(listener) {
      lostListeners.add(listener)
      return () => lostListeners.delete(listener)
    },
    async close() {
      closed = true
      clearInterval(renewal)
      unsubscribe()
      // let go of everything at once: the nodes the guests reconnect to take over without waiting
      await Promise.all([...held.keys()].map((id) => letGo(id)))
      acquiredListeners.clear()
      lostListeners.clear()
    },
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    parleyRenewLease(key: string, node: string, ttlMs: number): Result<number, Context>
    parleyReleaseLease(key: string, node: string): Result<number, Context>
  }
}
