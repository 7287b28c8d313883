import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { GenesysLink, type LinkEvents, type Refusal } from './link'
import type { GenesysFrame } from './frames'

const log = Fastify({ logger: false }).log
const servers: WebSocketServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate()
    await new Promise((resolve) => s.close(resolve))
  }
})

/** A Genesys stand-in that records what it receives and answers only when the test says. */
async function genesys(): Promise<{ url: string; received: string[]; socket: () => WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  servers.push(wss)
  await new Promise((resolve) => wss.once('listening', resolve))
  const received: string[] = []
  let current: WebSocket | undefined
  wss.on('connection', (ws) => {
    current = ws
    ws.on('message', (data: Buffer) => received.push(String(JSON.parse(data.toString('utf8')).tracingId)))
  })
  const address = wss.address()
  return {
    url: `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    received,
    socket: () => {
      if (!current) throw new Error('not connected')
      return current
    },
  }
}

async function opened(url: string, events: Partial<LinkEvents> = {}): Promise<GenesysLink> {
  return new Promise((resolve) => {
    const link: GenesysLink = new GenesysLink({
      url,
      origin: 'https://shop.example',
      pingMs: 10_000,
      log,
      events: { frame: () => undefined, stray: () => undefined, dropped: () => undefined, ...events, opened: () => resolve(link) },
    })
    link.open()
  })
}

const waitUntil = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  if (!condition()) throw new Error('condition did not hold within 1 s')
}

const request = (tracingId: string) => ({ action: 'onMessage', token: 't', tracingId })
const echoOf = (id: string) => (f: GenesysFrame) => f.class === 'StructuredMessage' && f.tracingId === id
const echo = (tracingId: string) => JSON.stringify({ type: 'message', class: 'StructuredMessage', code: 200, tracingId, body: { id: `g-${tracingId}`, direction: 'Inbound', text: 'x' } })
const refusal = (code: number) => JSON.stringify({ type: 'response', class: 'string', code, body: 'refused' })

describe('GenesysLink', () => {
  it('keeps one request outstanding: the next goes only when the first is answered', async () => {
    const g = await genesys()
    const link = await opened(g.url)
    const first = link.request(request('a'), echoOf('a'), 5000)
    const second = link.request(request('b'), echoOf('b'), 5000)
    await waitUntil(() => g.received.length === 1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(g.received).toEqual(['a'])
    g.socket().send(echo('a'))
    expect(await first).toMatchObject({ ok: true })
    await waitUntil(() => g.received.length === 2)
    g.socket().send(echo('b'))
    expect(await second).toMatchObject({ ok: true })
    link.close()
  })

  it('gives an error without tracingId to the outstanding request only, and the next request its own answer', async () => {
    const g = await genesys()
    const link = await opened(g.url)
    const typing = link.request(request('typing'), echoOf('typing'), 5000)
    const message = link.request(request('message'), echoOf('message'), 5000)
    await waitUntil(() => g.received.length === 1)
    g.socket().send(refusal(403))
    expect(await typing).toEqual({ ok: false, refused: { code: 403, message: 'refused' } })
    await waitUntil(() => g.received.length === 2)
    g.socket().send(echo('message'))
    expect(await message).toMatchObject({ ok: true })
    link.close()
  })

  it('reports an error with nothing outstanding as a stray, and a code 429 with its retryAfter', async () => {
    const g = await genesys()
    const strays: Refusal[] = []
    const link = await opened(g.url, { stray: (r) => strays.push(r) })
    await waitUntil(() => g.received.length === 0)
    g.socket().send(refusal(5000))
    await waitUntil(() => strays.length === 1)
    expect(strays).toEqual([{ code: 5000, message: 'refused' }])
    const sent = link.request(request('m'), echoOf('m'), 5000)
    await waitUntil(() => g.received.length === 1)
    g.socket().send(JSON.stringify({ type: 'response', class: 'TooManyRequestsErrorMessage', code: 429, body: { retryAfter: 3, errorCode: 4029, errorMessage: 'slow down' } }))
    expect(await sent).toEqual({ ok: false, refused: { code: 429, message: 'slow down', retryAfterMs: 3000 } })
    link.close()
  })

  it('answers a request that gets nothing with a timeout, then sends the next', async () => {
    const g = await genesys()
    const link = await opened(g.url)
    const silent = link.request(request('silent'), echoOf('silent'), 100)
    const next = link.request(request('next'), echoOf('next'), 5000)
    expect(await silent).toEqual({ ok: false, lost: 'timeout' })
    await waitUntil(() => g.received.length === 2)
    g.socket().send(echo('next'))
    expect(await next).toMatchObject({ ok: true })
    link.close()
  })

  it('settles everything as closed when the socket drops, and says so', async () => {
    const g = await genesys()
    let dropped = 0
    const link = await opened(g.url, { dropped: () => dropped++ })
    const outstanding = link.request(request('a'), echoOf('a'), 5000)
    const waiting = link.request(request('b'), echoOf('b'), 5000)
    await waitUntil(() => g.received.length === 1)
    g.socket().terminate()
    expect(await outstanding).toEqual({ ok: false, lost: 'closed' })
    expect(await waiting).toEqual({ ok: false, lost: 'closed' })
    await waitUntil(() => dropped === 1)
    expect(await link.request(request('c'), echoOf('c'), 5000)).toEqual({ ok: false, lost: 'closed' })
  })
})
