/**
 * @module server/socket/bucket
 * A token bucket: `rate` per second sustained, `burst` at once. Small enough that a library would cost
 * more than it saves; the Redis-backed limiter for many nodes comes with the Redis store.
 */
export interface TokenBucket {
  /** Take one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(now?: number): number
}

export function createTokenBucket(rate: number, burst: number): TokenBucket {
  let tokens = burst
  let last = Date.now()
  return {
    take(now = Date.now()) {
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate)
      last = now
      if (tokens >= 1) {
        tokens -= 1
        return 0
      }
      return Math.ceil(((1 - tokens) / rate) * 1000)
    },
  }
}
