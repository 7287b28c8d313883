/**
 * Which side limited a measurement: each process is one Node event loop, so a process near one core of
 * CPU time per second of wall time is the bottleneck. The generator's share is measured the same way.
 */
export interface CpuUse {
  /** CPU milliseconds per wall millisecond: 1 = one core busy all the time. */
  generator: number
  /** The same for each server process (BFF nodes, Redis, the bare ws server). */
  servers: Record<string, number>
}

export type Verdict = 'server' | 'generator' | 'machine' | 'neither'

/** Busy enough to be the limit: above this share of one core. */
export const BUSY = 0.85

export function saturated(use: CpuUse, cores: number): { verdict: Verdict; busiest: string } {
  const servers = Object.entries(use.servers).sort((a, b) => b[1] - a[1])
  const [busiestServer, serverShare] = servers[0] ?? ['none', 0]
  const total = use.generator + servers.reduce((sum, [, share]) => sum + share, 0)
  if (serverShare >= BUSY && serverShare >= use.generator) return { verdict: 'server', busiest: busiestServer }
  if (use.generator >= BUSY) return { verdict: 'generator', busiest: 'generator' }
  if (total >= BUSY * cores) return { verdict: 'machine', busiest: serverShare > use.generator ? busiestServer : 'generator' }
  return { verdict: 'neither', busiest: serverShare > use.generator ? busiestServer : 'generator' }
}

/** Measures the generator's own CPU share between `start()` and `stop()`. */
export function cpuMeter(): { stop(): number } {
  const cpu = process.cpuUsage()
  const t = performance.now()
  return {
    stop() {
      const d = process.cpuUsage(cpu)
      return round((d.user + d.system) / 1000 / (performance.now() - t))
    },
  }
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits
