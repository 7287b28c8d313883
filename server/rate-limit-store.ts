/**
 * @module server/rate-limit-store
 * The in-memory store for @fastify/rate-limit, fixed for bursts. Its own LocalStore (11.2) hands back its
 * live counter object and the plugin reads it after an `await`: when many requests arrive in the same
 * tick, every one of them sees the final count, so all are refused, the first ones too (found by the
 * guest-creation burst test). This wrapper answers with a copy taken when the counter moved.
 */
import { createRequire } from 'node:module'
import type { FastifyRateLimitStore } from '@fastify/rate-limit'

type Counter = { current: number; ttl: number }
type Count = (key: string, cb: (err: Error | null, result?: Counter) => void, timeWindow: number, max: number) => void
interface LocalStoreLike {
  incr: Count
  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): LocalStoreLike
}

// the LocalStore module has no type declarations of its own; its shape is the store interface above
const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
) => LocalStoreLike

/**
 * A fixed-window counter per key for limits the rate-limit plugin cannot key (the key is known only in the
 * handler). Bounded: past `maxKeys` the oldest windows are dropped, so a flood of keys costs no memory.
 */
export interface WindowCounter {
  /** Counts one hit; 0 when within the limit, else the milliseconds until the window ends. */
  hit(key: string, now?: number): number
}

export function createWindowCounter(options: { max: number; windowMs: number; maxKeys?: number }): WindowCounter {
  const { max, windowMs, maxKeys = 100_000 } = options
  const windows = new Map<string, { start: number; count: number }>()
  return {
    hit(key, now = Date.now()) {
      let w = windows.get(key)
      if (!w || now - w.start >= windowMs) {
        windows.delete(key)
        w = { start: now, count: 0 }
        windows.set(key, w)
        // Map order is insertion order: the first keys are the oldest windows
        for (const [k, old] of windows) {
          if (windows.size <= maxKeys && now - old.start < windowMs) break
          windows.delete(k)
        }
      }
      w.count++
      return w.count > max ? Math.max(1, w.start + windowMs - now) : 0
    },
  }
}

export class SnapshotLocalStore implements FastifyRateLimitStore {
  private readonly inner: LocalStoreLike

  /** The plugin constructs stores with its options; the wrapped store is only passed by `child`. */
  constructor(_options?: unknown, inner: LocalStoreLike = new LocalStore(false, false)) {
    this.inner = inner
  }

  incr(...[key, cb, timeWindow, max]: Parameters<Count>): void {
    this.inner.incr(key, (err, result) => cb(err, result && { current: result.current, ttl: result.ttl }), timeWindow, max)
  }

  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): SnapshotLocalStore {
    return new SnapshotLocalStore(undefined, this.inner.child(routeOptions))
  }
}
