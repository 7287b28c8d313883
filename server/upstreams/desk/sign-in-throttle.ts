/**
 * @module server/upstreams/desk/sign-in-throttle
 * Failed desk sign-ins counted per client address in the rate-limit store @fastify/rate-limit uses (in
 * this process, or in the Redis every node shares), so guessing tokens is refused after a handful of
 * failures whichever node is asked. A successful sign-in is not counted: agents reconnecting all day
 * from one office address never reach the limit.
 */
import { createRequire } from 'node:module'
import type { Redis } from 'ioredis'

type Counter = { current: number; ttl: number }
type Callback = (err: Error | null, result?: Counter) => void
interface CounterStore {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void
  read(key: string, cb: Callback, timeWindow: number, max: number): void
}

// the stores ship without type declarations; their shape is the interface above
const require = createRequire(import.meta.url)
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean) => CounterStore
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key: string) => CounterStore

export interface SignInThrottle {
  /** Seconds to wait when this address has failed too often; undefined when it may try. */
  blocked(address: string): Promise<number | undefined>
  /** Count a failure; returns the seconds to wait when this one reached the limit. */
  failed(address: string): Promise<number | undefined>
}

export interface SignInThrottleOptions {
  /** Failures allowed per address and window. */
  maxFailures: number
  windowMs: number
  /** The shared Redis (the rate-limit connection), or undefined for this process only. */
  redis?: Redis | undefined
  /** Key prefix in Redis, beside the rate-limit plugin's own counters. */
  prefix?: string
  /** A counter store that fails lets the attempt through (the token is still checked); say so. */
  onError?: (err: unknown) => void
}

export function createSignInThrottle(options: SignInThrottleOptions): SignInThrottle {
  const { maxFailures, windowMs, onError = () => undefined } = options
  const store: CounterStore = options.redis ? new RedisStore(false, false, options.redis, `${options.prefix ?? ''}rl:desk-sign-in:`) : new LocalStore(false, false)
  const call = (op: 'incr' | 'read', address: string): Promise<Counter | undefined> =>
    new Promise((resolve) => {
      store[op](
        address,
        (err, result) => {
          if (err) onError(err)
          // a copy taken now: the local store hands out its live counter object
          resolve(result && { current: result.current, ttl: result.ttl })
        },
        windowMs,
        maxFailures,
      )
    })
  const wait = (c: Counter | undefined): number | undefined => (c && c.current >= maxFailures && c.ttl > 0 ? Math.max(1, Math.ceil(c.ttl / 1000)) : undefined)
  return {
    blocked: async (address) => wait(await call('read', address)),
    failed: async (address) => wait(await call('incr', address)),
  }
}
