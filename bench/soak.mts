/**
 * The delivery soak at full size (issue 4): 200 guests × 50 messages through the fault proxy by default.
 * `npm test` runs the same code small (tests/fault/soak.test.ts). Prints the accounting report as JSON
 * and exits non-zero when anything was lost, duplicated or reordered.
 */
import { cpus } from 'node:os'
import { runSoak } from '../tests/fault/soak'

const quick = process.argv.includes('--quick')
const guests = Number(process.env.PARLEY_SOAK_GUESTS ?? (quick ? 50 : 200))
const messages = Number(process.env.PARLEY_SOAK_MESSAGES ?? (quick ? 20 : 50))
const report = await runSoak({ guests, messages, faults: quick ? 10 : 30, timeoutMs: Number(process.env.PARLEY_SOAK_TIMEOUT_MS ?? 240_000), seed: 11 })
console.log(JSON.stringify({ bench: 'delivery-soak', cores: cpus().length, node: process.version, ...report }, null, 2))
if (report.lost || report.duplicated || report.reordered || report.renderedTwice || report.unsettled || report.stored !== report.sent) process.exitCode = 1
