/**
 * 1. Weight: gzip bytes of what Parley ships (`scripts/size.mjs`, each file gzipped at level 9 as a
 * browser fetches it) next to the peers' published figures (bench/peers.ts, from PEERS.md §2).
 * Needs `npm run build` first; `npm run bench` builds before it runs this.
 *
 *   npm run bench -- weight
 */
import { existsSync } from 'node:fs'
import { BUDGETS, measureConsumerSize, measureSizes } from '../scripts/size.mjs'
import { describeMachine } from './lib/machine'
import { PEER_WEIGHTS } from './peers'
import { emit } from './lib/result'

if (!existsSync('dist/embed/parley.js') || !existsSync('dist/lib')) {
  console.error('bench: run `npm run build` first (dist is missing)')
  process.exit(1)
}
const sizes = measureSizes()
// what <ParleyChat> adds to a Vite + Vue app that has Vue, Pinia and @vueuse/core already (English)
const consumer = await measureConsumerSize()
const kB = (bytes: number): number => Math.round(bytes / 10) / 100
const parley = {
  launcherKB: kB(sizes.launcher),
  openedKB: kB(sizes.opened),
  consumerKB: kB(consumer.added),
  partsKB: kB(sizes.parts),
  budgetsKB: { launcher: kB(BUDGETS.launcher), opened: kB(BUDGETS.opened), consumer: kB(BUDGETS.consumer) },
}
console.error(`launcher ${parley.launcherKB} kB, opened ${parley.openedKB} kB, added to a Vue app ${parley.consumerKB} kB, parts on first use ${parley.partsKB} kB (gzip)`)
emit('weight', { machine: describeMachine(), parley, peers: PEER_WEIGHTS })
if (sizes.launcher > BUDGETS.launcher || sizes.opened > BUDGETS.opened || consumer.added > BUDGETS.consumer) process.exitCode = 1
