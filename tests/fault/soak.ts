/**
 * The delivery soak (QUALITY.md §4, F5/F6 in small): many headless guests send numbered messages through
 * the fault proxy while it resets and blackholes connections at random; afterwards an accounting oracle
 * compares what each guest sent, what the BFF stored and what the guest would have rendered.
 * `npm test` runs it small; `npm run bench` runs it at full size.
 */
import WebSocket from 'ws'
import { createBffClient, createChatClient, type ChatClient } from '../../src/client'
import type { TranscriptEntry } from '../../src/protocol'
import { startTestApp, ORIGIN } from '../../server/test-support'
import { startFaultProxy } from '../support/fault-proxy'

export interface SoakOptions {
  guests: number
  messages: number
  /** Network faults injected over the run (resets and short blackholes, alternating at random). */
  faults: number
  /** The whole run is abandoned after this long. */
  timeoutMs: number
  /** Deterministic randomness for the fault schedule. */
  seed?: number
}

export interface SoakReport {
  guests: number
  sent: number
  stored: number
  lost: number
  duplicated: number
  reordered: number
  /** Entries a guest would render more than once (after de-duplication by seq, as the widget does). */
  renderedTwice: number
  faults: number
  reconnects: number
  /** Messages still in outboxes when the run ended (not yet acked and echoed), with their guests' states. */
  unsettled: number
  unsettledStates: string[]
  durationMs: number
}

function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

interface Guest {
  client: ChatClient
  texts: string[]
  rendered: Map<number, TranscriptEntry>
  renderedTwice: number
  /** Messages in the outbox: not yet acked and echoed. */
  unsettled: number
  states: string
  token: () => string | undefined
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now()
  const rand = random(options.seed ?? 1)
  // generous rates: the soak is about delivery under faults, not about the limiter
  const app = await startTestApp({ PARLEY_HEARTBEAT_MS: '500', PARLEY_MSG_RATE: '50', PARLEY_MSG_BURST: '50', PARLEY_DESK_BOT: 'off', PARLEY_GUEST_RATE: '100000' })
  const port = Number(new URL(app.url).port)
  const proxy = await startFaultProxy({ port })
  let reconnects = 0
  let faults = 0
  const guests: Guest[] = []
  try {
    for (let g = 0; g < options.guests; g++) {
      let session: { guestToken: string } | undefined
      const client = createChatClient({
        bffUrl: proxy.url,
        WebSocket: (url, protocols) => new WebSocket(url, protocols, { origin: ORIGIN }),
        backoff: { baseMs: 100, capMs: 1000 },
      })
      const guest: Guest = { client, texts: [], rendered: new Map(), renderedTwice: 0, unsettled: 0, states: '', token: () => session?.guestToken }
      client.on('outbox', (items) => {
        guest.unsettled = items.length
        guest.states = items.map((x) => x.state + (x.error ? `(${x.error})` : '')).join(',')
      })
      client.on('session', (s) => (session = s))
      client.on('connection', (s) => {
        if (s.status === 'reconnecting') reconnects++
      })
      const render = (entries: TranscriptEntry[]): void => {
        for (const e of entries) {
          const seen = guest.rendered.get(e.seq)
          if (seen && seen.id !== e.id) guest.renderedTwice++
          guest.rendered.set(e.seq, e)
        }
      }
      client.on('entries', render)
      client.on('reset', (entries) => {
        guest.rendered.clear()
        render(entries)
      })
      guests.push(guest)
      await client.start()
    }

    // messages go out in bursts while faults hit the network
    const deadline = started + options.timeoutMs
    const sending = (async () => {
      for (let m = 0; m < options.messages; m++) {
        for (const [g, guest] of guests.entries()) {
          const text = `guest ${g} message ${m}`
          guest.texts.push(text)
          guest.client.send(text)
        }
        await sleep(20 + rand() * 60)
      }
    })()
    const breaking = (async () => {
      for (let f = 0; f < options.faults && Date.now() < deadline; f++) {
        await sleep(300 + rand() * 700)
        faults++
        if (rand() < 0.7) proxy.reset()
        else {
          proxy.mode('blackhole')
          await sleep(200 + rand() * 800)
          proxy.mode('pass')
        }
      }
    })()
    await Promise.all([sending, breaking])

    // every guest's outbox drains (acked and echoed) before the deadline
    for (const g of guests) g.client.reconnect()
    while (guests.some((g) => g.unsettled > 0)) {
      if (Date.now() > deadline) break
      await sleep(100)
    }
    // one more turn for echoes already on the wire
    await sleep(300)

    let sent = 0
    let stored = 0
    let lost = 0
    let duplicated = 0
    let reordered = 0
    let renderedTwice = 0
    for (const guest of guests) {
      const token = guest.token()
      const texts = token ? await storedGuestTexts(app.url, token) : []
      sent += guest.texts.length
      stored += texts.length
      const counts = new Map<string, number>()
      for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1)
      lost += guest.texts.filter((t) => !counts.has(t)).length
      duplicated += [...counts.values()].reduce((n, c) => n + (c - 1), 0)
      const order = texts.map((t) => guest.texts.indexOf(t))
      reordered += order.filter((i, k) => k > 0 && i < (order[k - 1] ?? -1)).length
      // what the guest rendered, checked against the store: every stored guest message rendered once
      const renderedTexts = [...guest.rendered.values()].flatMap((e) => (e.type === 'message' && e.role === 'guest' ? [e.text] : []))
      lost += texts.filter((t) => !renderedTexts.includes(t)).length
      renderedTwice += guest.renderedTwice + (renderedTexts.length - new Set(renderedTexts).size)
    }
    const stuck = guests.filter((g) => g.unsettled > 0)
    const unsettled = stuck.reduce((n, g) => n + g.unsettled, 0)
    const unsettledStates = stuck.slice(0, 5).map((g) => `${g.client.connection.status}: ${g.states}`)
    return { guests: guests.length, sent, stored, lost, duplicated, reordered, renderedTwice, faults, reconnects, unsettled, unsettledStates, durationMs: Date.now() - started }
  } finally {
    for (const g of guests) g.client.stop()
    await proxy.close()
    await app.app.close()
  }
}

async function storedGuestTexts(base: string, token: string): Promise<string[]> {
  const bff = createBffClient({ baseUrl: base })
  const texts: string[] = []
  let before: number | undefined
  // bounded: at most 100 pages of 200
  for (let page = 0; page < 100; page++) {
    const { messages, hasMore } = await bff.fetchMessages(token, before === undefined ? { limit: 200 } : { before, limit: 200 })
    texts.unshift(...messages.flatMap((e) => (e.type === 'message' && e.role === 'guest' ? [e.text] : [])))
    if (!hasMore || !messages.length) break
    before = messages[0]?.seq
  }
  return texts
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
