/**
 * @module server/upstreams/genesys/history
 * Filling a gap from `GET /api/v2/webmessaging/messages` (PROTOCOL.md §3.13) after the upstream socket
 * was lost: pages are newest first, so walking stops at the first page that holds a message we know.
 */
import { asObject, readField } from '../../../src/protocol/read'
import { structuredMessage, type StructuredMessage } from './frames'

export interface HistoryOptions {
  apiUrl: string
  jwt: string
  origin: string
  fetch: typeof fetch
  isKnown: (genesysId: string) => Promise<boolean>
  /** Genesys allows about 10 history requests a minute per session. @default 5 */
  maxPages?: number
  pageSize?: number
}

export class HistoryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HistoryError'
  }
}

/** Messages we do not have yet, oldest first. */
export async function fetchMissed(o: HistoryOptions): Promise<StructuredMessage[]> {
  const { maxPages = 5, pageSize = 25 } = o
  const unknown: StructuredMessage[] = []
  for (let page = 1; page <= maxPages; page++) {
    const url = `${o.apiUrl}/api/v2/webmessaging/messages?pageSize=${pageSize}&pageNumber=${page}`
    const res = await o.fetch(url, {
      headers: { authorization: `Bearer ${o.jwt}`, origin: o.origin, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    })
    if (!res.ok) throw new HistoryError(`history page ${page} answered ${res.status}`)
    const body = asObject(await res.json())
    const raw = body ? readField(body, 'entities') : undefined
    if (!Array.isArray(raw) || raw.length === 0) break
    let reachedKnown = false
    for (const item of raw) {
      const m = structuredMessage(asObject(item) ?? {})
      if (!m) continue
      if (await o.isKnown(m.id)) reachedKnown = true
      else unknown.push(m)
    }
    const pageCount = body ? readField(body, 'pageCount') : undefined
    if (reachedKnown || (typeof pageCount === 'number' && page >= pageCount)) break
  }
  return inTimeOrder(unknown.reverse())
}

/**
 * Sort by `channel.time` without trusting it to be present: an entry without a time keeps the time of
 * the one before it, so arrival order decides ties and gaps (PROTOCOL.md §3.12).
 */
export function inTimeOrder<T extends { time?: string }>(items: readonly T[]): T[] {
  let last = Number.NEGATIVE_INFINITY
  const keyed = items.map((item, i) => {
    const t = item.time === undefined ? Number.NaN : Date.parse(item.time)
    if (!Number.isNaN(t)) last = t
    return { item, i, t: Number.isNaN(t) ? last : t }
  })
  keyed.sort((a, b) => a.t - b.t || a.i - b.i)
  return keyed.map((k) => k.item)
}
