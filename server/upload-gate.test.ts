import { describe, expect, it } from 'vitest'
import { createUploadGate } from './upload-gate'
import { createWindowCounter } from './rate-limit-store'

describe('upload gate', () => {
  it('gives places per key up to the total, and takes each back once', () => {
    const gate = createUploadGate({ perKey: 2, total: 3 })
    const a1 = gate.enter('a')
    const a2 = gate.enter('a')
    expect(gate.enter('a')).toBeUndefined()
    const b1 = gate.enter('b')
    expect(gate.enter('c')).toBeUndefined()
    a1?.()
    a1?.()
    expect(gate.inFlight()).toBe(2)
    expect(gate.enter('c')).toBeDefined()
    a2?.()
    b1?.()
  })
})

describe('window counter', () => {
  it('counts per key per window, says how long to wait, and forgets the oldest keys past its bound', () => {
    const counter = createWindowCounter({ max: 2, windowMs: 1000, maxKeys: 2 })
    expect([counter.hit('k', 0), counter.hit('k', 10), counter.hit('k', 400)]).toEqual([0, 0, 600])
    expect(counter.hit('k', 1000)).toBe(0)
    counter.hit('x', 1001)
    counter.hit('y', 1002)
    // 'k' was the oldest of three keys: dropped, so it starts over
    expect([counter.hit('k', 1003), counter.hit('k', 1004)]).toEqual([0, 0])
  })
})
