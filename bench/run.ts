/**
 * `npm run bench [-- --quick] [-- <name>…]`: builds, then runs each benchmark in its own process (all of
 * them, or only the named ones), each bounded in time. Merges what they measured into
 * bench/results/latest.json (with the machine and Node version) and rewrites the generated part of
 * docs/benchmarks.md from it. Exits non-zero when any benchmark failed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeMachine } from './lib/machine'
import { BENCHMARKS, type BenchmarkName, mergeResults, renderReport, spliceReport } from './report'

const args = process.argv.slice(2)
const isName = (a: string): a is BenchmarkName => (BENCHMARKS as readonly string[]).includes(a)
const unknown = args.filter((a) => !a.startsWith('--') && !isName(a))
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`)
  process.exit(2)
}
const named = args.filter(isName)
const flags = args.filter((a) => a.startsWith('--'))
const quick = flags.includes('--quick')
const selected = named.length ? named : [...BENCHMARKS]
/** The longest any one benchmark may take before it is killed and counted as failed. */
const LIMIT_MS = (quick ? 4 : 20) * 60_000

if (!flags.includes('--no-build') && selected.some((n) => n === 'weight' || n === 'browser')) {
  console.error('\n── bench: build ──')
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' })
  if (b.status !== 0) process.exit(1)
}

const out = mkdtempSync(join(tmpdir(), 'parley-bench-'))
const fresh: Record<string, unknown> = {}
const failed: string[] = []
const started = Date.now()
for (const name of selected) {
  console.error(`\n── bench: ${name}${quick ? ' (quick)' : ''} ──`)
  const t = Date.now()
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...flags], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PARLEY_BENCH_OUT: out },
    timeout: LIMIT_MS,
    killSignal: 'SIGKILL',
  })
  const file = join(out, `${name}.json`)
  if (existsSync(file)) fresh[name] = JSON.parse(readFileSync(file, 'utf8'))
  if (r.status !== 0) failed.push(r.signal ? `${name} (killed after ${LIMIT_MS / 60_000} min)` : name)
  console.error(`── ${name}: ${r.status === 0 ? 'done' : 'FAILED'} in ${Math.round((Date.now() - t) / 1000)} s`)
}
rmSync(out, { recursive: true, force: true })

const latestFile = 'bench/results/latest.json'
const previous: unknown = existsSync(latestFile) ? JSON.parse(readFileSync(latestFile, 'utf8')) : undefined
const latest = mergeResults(previous, fresh, describeMachine())
writeFileSync(latestFile, `${JSON.stringify(latest, null, 2)}\n`)
const docs = 'docs/benchmarks.md'
writeFileSync(docs, spliceReport(readFileSync(docs, 'utf8'), renderReport(latest)))
console.error(`\nbench: ${selected.length - failed.length} of ${selected.length} done in ${Math.round((Date.now() - started) / 1000)} s; wrote ${latestFile} and ${docs}`)
if (failed.length) {
  console.error(`bench: FAILED: ${failed.join(', ')}`)
  process.exit(1)
}
