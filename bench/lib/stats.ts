/**
 * Latency histograms. Node's `perf_hooks.createHistogram()` is an HDR histogram (the HdrHistogram C
 * library inside Node), so no dependency is needed: values are recorded in microseconds and read back
 * as milliseconds.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  p999: number
  max: number
}

export interface Latency {
  /** Records one duration in milliseconds. */
  record(ms: number): void
  summary(): LatencySummary
}

const round = (ms: number): number => Math.round(ms * 100) / 100

export function latency(): Latency {
  const h: RecordableHistogram = createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 })
  return {
    record: (ms) => h.record(Math.max(1, Math.round(ms * 1000))),
    summary: () =>
      h.count === 0
        ? { count: 0, p50: NaN, p99: NaN, p999: NaN, max: NaN }
        : { count: h.count, p50: round(h.percentile(50) / 1000), p99: round(h.percentile(99) / 1000), p999: round(h.percentile(99.9) / 1000), max: round(h.max / 1000) },
  }
}

export const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  if (s.length === 0) return NaN
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
