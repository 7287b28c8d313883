import { describe, expect, it } from 'vitest'
import { decodeCredential, encodeCredential, newCredential } from './credential'

describe('session credential', () => {
  it('keeps a random customer id apart from the token', () => {
    const c = newCredential()
    expect(c.customerId).not.toBe(c.token)
    expect(decodeCredential(encodeCredential(c))).toEqual({ credential: c, upgraded: false })
  })

  it('gives a bare token (an earlier record) a new customer id, to be written back', () => {
    const decoded = decodeCredential('3f0c2a4e-1b2d-4c5e-8f9a-0b1c2d3e4f5a')
    expect(decoded?.upgraded).toBe(true)
    expect(decoded?.credential.token).toBe('3f0c2a4e-1b2d-4c5e-8f9a-0b1c2d3e4f5a')
    expect(decoded?.credential.customerId).not.toBe(decoded?.credential.token)
  })

  it('reads nothing from an empty or damaged record', () => {
    expect(decodeCredential('')).toBeUndefined()
    expect(decodeCredential('{"token":"t"}')).toBeUndefined()
  })
})
