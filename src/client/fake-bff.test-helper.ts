/**
 * A fake BFF for client tests: numbered sessions, refresh tokens it may forget (a restart), and history
 * served from a list the test fills.
 */
import { vi } from 'vitest'
import type { GuestSession, TranscriptEntry } from '../protocol'
export { memoryStorage } from './storage'

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString()
export const session = (n: number): GuestSession => ({
  guestId: `g${n}`,
  conversationId: `c${n}`,
  guestToken: `tok${n}`,
  refreshToken: `ref${n}`,
  expiresAt: inAnHour(),
  socketUrl: 'ws://bff/api/socket',
})

/** A fake BFF: creates numbered sessions, refuses refresh tokens it does not know, serves `history`. */
export function fakeBff(history: TranscriptEntry[] = []) {
  let created = 0
  const known = new Set<string>()
  const calls: string[] = []
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input)
    calls.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`)
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
    if (url.endsWith('/api/guest-sessions')) {
      const s = session(++created)
      known.add(s.refreshToken)
      return json(201, s)
    }
    if (url.endsWith('/refresh')) {
      const { refreshToken } = JSON.parse(String(init?.body)) as { refreshToken: string }
      return known.has(refreshToken) ? json(200, { guestToken: 'fresh', refreshToken: 'ref-fresh', expiresAt: inAnHour() }) : json(401, { code: 'invalid_refresh_token' })
    }
    if (url.includes('/messages')) return json(200, { messages: history, hasMore: false })
    return json(404, { code: 'not_found' })
  })
  return { fetch, calls, forget: () => known.clear() }
}

