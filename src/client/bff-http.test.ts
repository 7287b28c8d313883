import { describe, expect, it } from 'vitest'
import { BffError, createBffClient } from './bff-http'

describe('createBffClient', () => {
  it('gives up on a request that hangs (a half-open connection) with a network error', async () => {
    // a fetch that never answers and only stops when its signal aborts
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))
    const bff = createBffClient({ baseUrl: 'http://bff', fetch: hanging, timeoutMs: 50 })
    const started = Date.now()
    const err: unknown = await bff.createGuestSession().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BffError)
    expect(err).toMatchObject({ code: 'network', status: 0 })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('reports problem codes and refuses answers it does not understand', async () => {
    const answer = (status: number, body: unknown): typeof fetch => async () => new Response(JSON.stringify(body), { status })
    const refused = createBffClient({ baseUrl: 'http://bff', fetch: answer(429, { code: 'rate_limited' }) })
    await expect(refused.createGuestSession()).rejects.toMatchObject({ status: 429, code: 'rate_limited' })
    const odd = createBffClient({ baseUrl: 'http://bff', fetch: answer(201, { guestToken: 7 }) })
    await expect(odd.createGuestSession()).rejects.toMatchObject({ code: 'bad_response' })
  })
})
