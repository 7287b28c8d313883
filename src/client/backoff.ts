/**
 * @module client/backoff
 * Exponential backoff with full jitter (AWS architecture blog): a random delay in [0, min(cap, base·2ⁿ)],
 * so a crowd of widgets reconnecting after a restart spreads out instead of stampeding.
 */
export interface BackoffOptions {
  /** @default 500 */
  baseMs?: number
  /** @default 30000 */
  capMs?: number
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { baseMs = 500, capMs = 30_000 } = options
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * ceiling)
}
