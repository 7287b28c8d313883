import { describe, expect, it } from 'vitest'
import { runSoak } from './soak'

// CI size; `npm run bench` runs 200 guests × 50 messages
const guests = Number(process.env.PARLEY_SOAK_GUESTS ?? 20)
const messages = Number(process.env.PARLEY_SOAK_MESSAGES ?? 20)

describe('delivery soak through a faulty network', () => {
  it(`${guests} guests × ${messages} messages with resets and half-open links: 0 lost, 0 duplicated, 0 reordered`, async () => {
    const report = await runSoak({ guests, messages, faults: 6, timeoutMs: 60_000, seed: 7 })
    expect(report.faults).toBeGreaterThan(0)
    expect(report.reconnects).toBeGreaterThan(0)
    expect(report).toMatchObject({ sent: guests * messages, stored: guests * messages, lost: 0, duplicated: 0, reordered: 0, renderedTwice: 0, unsettled: 0 })
  }, 90_000)
})
