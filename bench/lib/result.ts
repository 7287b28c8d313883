/** Where a benchmark leaves its numbers: `$PARLEY_BENCH_OUT/<name>.json` for `run.ts`, and stdout. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const quick = process.argv.includes('--quick')

export function emit(name: string, data: object): void {
  const result = { measuredAt: new Date().toISOString(), quick, ...data }
  const dir = process.env.PARLEY_BENCH_OUT
  if (dir) writeFileSync(join(dir, `${name}.json`), JSON.stringify(result, null, 2))
  console.log(JSON.stringify(result, null, 2))
}

/** A number from the environment (for runs bigger or smaller than the defaults), else the default. */
export function knob(name: string, full: number, quickValue: number): number {
  const raw = process.env[name]
  const n = raw === undefined ? NaN : Number(raw)
  return Number.isFinite(n) && n > 0 ? n : quick ? quickValue : full
}
