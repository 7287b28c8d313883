/**
 * @module server/upstreams/genesys/link
 * One guest socket to Genesys: opening it, keep-alive pings, and requests matched to their answers.
 *
 * Genesys' error frames carry no `tracingId` (vendor fixtures, frames captured from a real org), so an
 * error can only be attributed to what is outstanding on the connection. The link therefore keeps exactly
 * one request outstanding at a time and sends the next one only when the first is answered, refused or
 * timed out: an error then always belongs to the request it answers, never to another one in flight.
 * An error with nothing outstanding belongs to no request; it is reported as a stray and changes nothing.
 */
import type { FastifyBaseLogger } from 'fastify'
import WebSocket from 'ws'
import { rawText } from '../../raw-data'
import { parseGenesysFrame, type GenesysFrame } from './frames'
import type { Request } from './requests'

export type Refusal = { code: number; message: string; retryAfterMs?: number }

/** What became of a request: its answer, Genesys' refusal, or no answer at all. */
export type Answer = { ok: true; frame: GenesysFrame } | { ok: false; refused: Refusal } | { ok: false; lost: 'timeout' | 'closed' }

export interface LinkEvents {
  /** The socket is open; nothing has been sent on it yet. */
  opened(): void
  /** Every frame that is not a refusal, after any request it answers was settled. */
  frame(f: GenesysFrame): void
  /** A refusal with no request outstanding (or naming a request that is no longer outstanding). */
  stray(refusal: Refusal): void
  /** The socket went away on its own (not through `close()`). */
  dropped(): void
}

export interface LinkOptions {
  url: string
  origin: string
  pingMs: number
  log: FastifyBaseLogger
  events: LinkEvents
}

interface Outstanding {
  frame: Request
  answers: (f: GenesysFrame) => boolean
  timeoutMs: number
  settle: (a: Answer) => void
  timer?: ReturnType<typeof setTimeout>
}

interface Waiter {
  match: (f: GenesysFrame) => boolean
  resolve: (f: GenesysFrame | undefined) => void
  timer: ReturnType<typeof setTimeout>
}

export class GenesysLink {
  private ws: WebSocket | undefined
  private current: Outstanding | undefined
  private line: Outstanding[] = []
  private waiters = new Set<Waiter>()
  private ping: ReturnType<typeof setInterval> | undefined
  private closed = false

  constructor(private readonly o: LinkOptions) {}

  open(): void {
    const ws = new WebSocket(this.o.url, { origin: this.o.origin, handshakeTimeout: 10_000, maxPayload: 1024 * 1024 })
    this.ws = ws
    let alive = true
    ws.on('open', () => {
      this.ping = setInterval(() => {
        if (!alive) return ws.terminate()
        alive = false
        ws.ping()
      }, this.o.pingMs)
      this.o.events.opened()
    })
    ws.on('pong', () => (alive = true))
    ws.on('message', (data: WebSocket.RawData, isBinary) => {
      alive = true
      if (isBinary) return this.o.log.warn('Genesys sent a binary frame; ignored')
      this.onText(rawText(data))
    })
    ws.on('unexpected-response', (_request, response) => {
      // 403 at the upgrade: the Origin is not on the deployment's allowed domains; a retry cannot help soon
      this.o.log.error({ status: response.statusCode }, 'Genesys refused the guest socket upgrade; check GENESYS_ORIGIN against the allowed domains')
      ws.terminate()
    })
    ws.on('error', (err) => this.o.log.debug({ err }, 'Genesys socket error'))
    ws.on('close', () => {
      if (this.ws !== ws) return
      this.ws = undefined
      this.settleAll({ ok: false, lost: 'closed' })
      if (!this.closed) this.o.events.dropped()
    })
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN
  }

  /** Nothing outstanding and nothing waiting its turn. */
  get idle(): boolean {
    return !this.current && this.line.length === 0
  }

  /**
   * Send `frame` when the connection has nothing else outstanding and resolve with what answers it:
   * a frame `answers` accepts, a refusal (an error frame arriving while it is outstanding), or a loss.
   */
  request(frame: Request, answers: (f: GenesysFrame) => boolean, timeoutMs: number): Promise<Answer> {
    if (!this.isOpen) return Promise.resolve({ ok: false, lost: 'closed' })
    return new Promise((settle) => {
      this.line.push({ frame, answers, timeoutMs, settle })
      this.next()
    })
  }

  /** A frame that answers no request (a pushed event, e.g. `UploadSuccessEvent`); undefined after the timeout or a close. */
  waitFor(match: (f: GenesysFrame) => boolean, timeoutMs: number): Promise<GenesysFrame | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        match,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          resolve(undefined)
        }, timeoutMs),
      }
      this.waiters.add(waiter)
    })
  }

  /** The connection is presumed dead (no pong, no echo): cut it; `dropped` follows. */
  terminate(): void {
    this.ws?.terminate()
  }

  /** Close on purpose: no `dropped` event; everything outstanding is settled as lost. */
  close(): void {
    this.closed = true
    clearInterval(this.ping)
    const ws = this.ws
    this.ws = undefined
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate()
    this.settleAll({ ok: false, lost: 'closed' })
  }

  private next(): void {
    if (this.current || !this.isOpen) return
    const item = this.line.shift()
    if (!item) return
    this.current = item
    item.timer = setTimeout(() => this.finish(item, { ok: false, lost: 'timeout' }), item.timeoutMs)
    this.ws?.send(JSON.stringify(item.frame))
  }

  private finish(item: Outstanding, answer: Answer): void {
    if (this.current !== item) return
    clearTimeout(item.timer)
    this.current = undefined
    item.settle(answer)
    this.next()
  }

  private settleAll(answer: Answer): void {
    clearInterval(this.ping)
    const all = [...(this.current ? [this.current] : []), ...this.line]
    this.current = undefined
    this.line = []
    for (const item of all) {
      clearTimeout(item.timer)
      item.settle(answer)
    }
    for (const w of this.waiters) {
      clearTimeout(w.timer)
      w.resolve(undefined)
    }
    this.waiters.clear()
  }

  private onText(text: string): void {
    const parsed = parseGenesysFrame(text)
    if (!parsed.ok) return this.o.log.warn({ reason: parsed.reason }, 'unreadable Genesys frame dropped')
    const f = parsed.frame
    if (f.class === 'Error' || f.class === 'TooManyRequests') {
      const refusal: Refusal =
        f.class === 'Error' ? { code: f.code, message: f.message } : { code: 429, message: f.errorMessage, retryAfterMs: f.retryAfterSeconds * 1000 }
      const item = this.current
      // a tracingId, where one comes, must name the outstanding request; without one the outstanding request is meant
      if (item && (f.tracingId === undefined || f.tracingId === item.frame.tracingId)) return this.finish(item, { ok: false, refused: refusal })
      return this.o.events.stray(refusal)
    }
    if (this.current?.answers(f)) this.finish(this.current, { ok: true, frame: f })
    for (const w of this.waiters)
      if (w.match(f)) {
        clearTimeout(w.timer)
        this.waiters.delete(w)
        w.resolve(f)
      }
    this.o.events.frame(f)
  }
}
