/**
 * The delivery soak at full size (issue 4): 200 guests × 50 messages through the fault proxy by default.
 * `npm test` runs the same code small (tests/fault/soak.test.ts). Fails when anything was lost,
 * duplicated or reordered.
 *
 *   npm run bench -- soak [--quick]
 */
import { runSoak } from '../tests/fault/soak'
import { describeMachine } from './lib/machine'
import { emit, knob } from './lib/result'

const guests = knob('PARLEY_SOAK_GUESTS', 200, 50)
const messages = knob('PARLEY_SOAK_MESSAGES', 50, 20)
const report = await runSoak({ guests, messages, faults: knob('PARLEY_SOAK_FAULTS', 30, 10), timeoutMs: knob('PARLEY_SOAK_TIMEOUT_MS', 240_000, 120_000), seed: 11 })
emit('soak', { machine: describeMachine(), ...report })
if (report.lost || report.duplicated || report.reordered || report.renderedTwice || report.unsettled || report.stored !== report.sent) process.exitCode = 1
