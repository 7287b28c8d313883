import { describe, expect, it } from 'vitest'
import { END, mergeResults, renderReport, spliceReport, START } from './report'
import { saturated } from './lib/saturation'

const machine = { cores: 2, cpuModel: 'test cpu', memoryGiB: 1, node: 'v20.0.0', platform: 'linux x64' }
const run = (setup: string, extra: object): object => ({ setup, cpu: { generator: 0.5, servers: { 'node a': 0.9 } }, saturated: 'server (node a)', ...extra })

describe('the benchmark report', () => {
  it('judges each budget from the measured numbers, including misses', () => {
    const latest = mergeResults(undefined, {
      weight: { machine, parley: { launcherKB: 2.3, openedKB: 61, consumerKB: 24.5 } },
      browser: { machine, median: { clickToChatReadyMs: 127 } },
      relay: {
        machine,
        runs: [
          { server: 'bare ws', ratioToBare: 1 },
          { server: 'Parley BFF, 1 node, in memory', ratioToBare: 0.25, ackedPerSecond: 20000, cpuUsPerMessage: { 'node a': 30, total: 30 } },
          {
            server: 'Parley BFF, 2 nodes + Redis',
            ackedPerSecond: 12000,
            cpuUsPerMessage: { 'node a': 40, 'node b': 40, redis: 14, total: 94 },
            redis: { perMessage: [{ command: 'evalsha', callsPerMessage: 2, usecPerMessage: 10 }], bytesInPerMessage: 900, bytesOutPerMessage: 1500, slowlogEntries: 0, latencyEvents: [] },
          },
        ],
      },
      latency: { machine, runs: [run('1 node, in memory', { answerMs: { p50: 2, p99: 18.9, p999: 50 } })] },
      idle: { machine, runs: [run('1 node, in memory', { rssKBPerGuest: 34 })] },
    }, machine)
    const md = renderReport(latest)
    const row = (name: string): string => md.split('\n').find((l) => l.startsWith(`| ${name}`)) ?? ''
    expect(row('script tag before the first open, gzip')).toContain('| 2.3 kB | met |')
    expect(row('whole widget once opened')).toContain('| 61 kB | **missed** |')
    expect(row('what `<ParleyChat>` adds to a Vue app')).toContain('| 24.5 kB | met |')
    expect(row('click → composer usable')).toContain('| 127 ms | met |')
    expect(row('relay throughput')).toContain('| 25 % | **missed** |')
    expect(row('two nodes + Redis versus one in-memory node')).toContain('| 60 % | met |')
    expect(row('total CPU per message')).toContain('| 3.1× | **missed** |')
    expect(row('Redis CPU per message')).toContain('| 14 µs | met |')
    expect(row('Parley BFF, 2 nodes + Redis | evalsha')).toContain('evalsha 2× 10 µs | 900 / 1,500 | 0 slow; none |')
    expect(row('guest → bot → guest p99')).toContain('| 18.9 ms | met |')
    expect(row('memory per idle guest')).toContain('| 34 kB | **missed** |')
  })

  it('says "not measured" for a benchmark that never ran, and renders old results without crashing', () => {
    const md = renderReport(mergeResults({ results: { soak: { guests: 'twenty' } } }, {}, machine))
    expect(md).toContain('| ≤ 300 ms | – | not measured |')
    expect(md).toContain('### Delivery soak')
  })

  it('keeps earlier results of benchmarks that did not run this time', () => {
    const first = mergeResults(undefined, { weight: { parley: { launcherKB: 2 } } }, machine)
    const second = mergeResults(first, { browser: { median: { clickToChatReadyMs: 100 } } }, machine)
    expect(renderReport(second)).toContain('| 2 kB | met |')
    expect(renderReport(second)).toContain('| 100 ms | met |')
  })

  it('replaces only the generated part of the page, and appends it where the markers are missing', () => {
    const doc = `# Title\n\nintro\n\n${START}\nold\n${END}\n\n## Earlier\nkept\n`
    const next = spliceReport(doc, 'new')
    expect(next).toBe(`# Title\n\nintro\n\n${START}\nnew\n${END}\n\n## Earlier\nkept\n`)
    expect(spliceReport(next, 'newer')).toContain(`${START}\nnewer\n${END}\n\n## Earlier`)
    expect(spliceReport('# Bare\n', 'x')).toBe(`# Bare\n\n${START}\nx\n${END}\n`)
  })
})

describe('which side saturated', () => {
  it('names the busiest server process when it used most of a core', () => {
    expect(saturated({ generator: 0.6, servers: { 'node a': 0.95, redis: 0.2 } }, 2)).toEqual({ verdict: 'server', busiest: 'node a' })
  })
  it('names the generator when it was the busy one', () => {
    expect(saturated({ generator: 0.97, servers: { 'bare ws': 0.7 } }, 2)).toEqual({ verdict: 'generator', busiest: 'generator' })
  })
  it('names the machine when no single process was busy but all cores together were', () => {
    expect(saturated({ generator: 0.3, servers: { 'node a': 0.6, 'node b': 0.6, redis: 0.4 } }, 2)).toEqual({ verdict: 'machine', busiest: 'node a' })
  })
  it('says neither when the offered load left room', () => {
    expect(saturated({ generator: 0.1, servers: { 'node a': 0.2 } }, 2).verdict).toBe('neither')
  })
})
