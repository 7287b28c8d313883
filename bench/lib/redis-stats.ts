/**
 * Where Redis spends its time during a measurement: `INFO commandstats` (calls and CPU µs per command),
 * the slow log and the latency monitor, reset when the measurement starts and read when it ends.
 */
import type { Redis } from 'ioredis'

export interface CommandStat {
  calls: number
  usec: number
}

export interface RedisStats {
  commands: Record<string, CommandStat>
  /** Entries in the slow log (commands over `slowlog-log-slower-than`, 10 ms by default here). */
  slowlogEntries: number
  /** Latency-monitor events (`latency-monitor-threshold` 1 ms is set at reset). */
  latencyEvents: string[]
  /** Bytes Redis read from and wrote to its clients (commands in; replies and pub/sub messages out). */
  netInputBytes: number
  netOutputBytes: number
}

export async function resetRedisStats(admins: readonly Redis[]): Promise<void> {
  await Promise.all(
    admins.map(async (a) => {
      await a.config('SET', 'latency-monitor-threshold', '1')
      await a.config('SET', 'slowlog-log-slower-than', '10000')
      await a.config('RESETSTAT')
      await a.slowlog('RESET')
      await a.latency('RESET')
    }),
  )
}

/** Summed over every Redis (one, or the masters of a cluster). */
export async function readRedisStats(admins: readonly Redis[]): Promise<RedisStats> {
  const commands: Record<string, CommandStat> = {}
  let slowlogEntries = 0
  let netInputBytes = 0
  let netOutputBytes = 0
  const latencyEvents: string[] = []
  for (const a of admins) {
    const stats = await a.info('stats')
    netInputBytes += Number(/^total_net_input_bytes:(\d+)/m.exec(stats)?.[1] ?? 0)
    netOutputBytes += Number(/^total_net_output_bytes:(\d+)/m.exec(stats)?.[1] ?? 0)
    const info = await a.info('commandstats')
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
      const [, name = '', calls = '0', usec = '0'] = m
      const s = (commands[name] ??= { calls: 0, usec: 0 })
      s.calls += Number(calls)
      s.usec += Number(usec)
    }
    slowlogEntries += Number(await a.slowlog('LEN'))
    const latest: unknown = await a.latency('LATEST')
    if (Array.isArray(latest)) for (const e of latest) if (Array.isArray(e) && typeof e[0] === 'string') latencyEvents.push(`${e[0]} max ${String(e[3])} ms`)
  }
  return { commands, slowlogEntries, latencyEvents, netInputBytes, netOutputBytes }
}

/** Per acked message: calls and CPU µs of each command, busiest first. */
export function perMessage(stats: RedisStats, messages: number): { command: string; callsPerMessage: number; usecPerMessage: number; usecPerCall: number }[] {
  const r = (n: number): number => Math.round(n * 100) / 100
  return Object.entries(stats.commands)
    .map(([command, s]) => ({ command, callsPerMessage: r(s.calls / messages), usecPerMessage: r(s.usec / messages), usecPerCall: r(s.usec / Math.max(1, s.calls)) }))
    .sort((a, b) => b.usecPerMessage - a.usecPerMessage)
}
