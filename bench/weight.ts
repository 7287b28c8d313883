/**
 * 1. Weight: gzip bytes of what Parley ships (`scripts/size.mjs`, each file gzipped at level 9 as a
 * browser fetches it) next to the peers' published figures (bench/peers.ts, from PEERS.md §2).
 * Needs `npm run build` first; `npm run bench` builds before it runs this.
 *
 *   npm run bench -- weight
 */
import { existsSync } from 'node:fs'
import { BUDGETS, measureSizes } from '../scripts/size.mjs'
import { describeMachine } from './lib/machine'
import { PEER_WEIGHTS } from './peers'
import { emit } from './lib/result'

if (!existsSync('dist/embed/parley.js') || !existsSync('dist/lib')) {
  console.error('bench: run `npm run build` first (dist is missing)')
  process.exit(1)
}
const sizes = measureSizes()
const kB = (bytes: number): number => Math.round(bytes / 10) / 100
const parley = {
  launcherKB: kB(sizes.launcher),
  openedKB: kB(sizes.opened),
  libKB: kB(sizes.lib),
  budgetsKB: { launcher: kB(BUDGETS.launcher), opened: kB(BUDGETS.opened), lib: kB(BUDGETS.lib) },
}
console.error(`launcher ${parley.launcherKB} kB, opened ${parley.openedKB} kB, lib ${parley.libKB} kB (gzip)`)
emit('weight', { machine: describeMachine(), parley, peers: PEER_WEIGHTS })
if (sizes.launcher > BUDGETS.launcher || sizes.opened > BUDGETS.opened || sizes.lib > BUDGETS.lib) process.exitCode = 1
