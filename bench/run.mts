/**
 * `npm run bench [-- --quick] [-- <name>…]`: runs each benchmark in its own process (soak, scale-out),
 * or only the named ones, and exits non-zero when any of them did.
 */
import { spawnSync } from 'node:child_process'

const ALL = ['soak', 'scale-out']
const args = process.argv.slice(2)
const named = args.filter((a) => ALL.includes(a))
const flags = args.filter((a) => !ALL.includes(a))
let failed = 0
for (const name of named.length ? named : ALL) {
  console.error(`\n── bench: ${name} ──`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.mts`, ...flags], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
