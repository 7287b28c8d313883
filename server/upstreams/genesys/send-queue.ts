/**
 * @module server/upstreams/genesys/send-queue
 * The guest's messages on their way to Genesys: in the order the guest wrote them, one in flight at a
 * time, paced to the deployment's rate. What a refusal does to a message is `sendRefusal`'s decision; the
 * queue carries it out (resend, wait, or answer the guest with an error).
 */
import type { FastifyBaseLogger } from 'fastify'
import type { GuestDraft, GuestSendOutcome } from '../types'
import type { Answer } from './link'
import { sendRefusal } from './refusal'
import type { Attributes } from './requests'

export interface PendingSend extends GuestDraft {
  order: number
  attempts: number
  /** Sent at least once: Genesys may have it even if no echo came. */
  uncertain: boolean
  resolve: (outcome: GuestSendOutcome) => void
  outcome: Promise<GuestSendOutcome>
}

export interface QueueDeps {
  /** Least time between two requests that count against Genesys' message rate. */
  intervalMs: number
  /** Whether a message may go now (a configured session, no history fill running). */
  canSend(): boolean
  /** Put one message on the wire; resolves with Genesys' answer to it. */
  transmit(item: PendingSend, attributes: Attributes | undefined): Promise<Answer>
  /** The guest's custom attributes, fitted to the session. */
  attributes(): Promise<Attributes | undefined>
  /** The session expired (4006/4007): configure it again, then call `resume()`. */
  expired(): void
  /** Genesys says the conversation takes no more messages (409). */
  readOnly(): void
  /** A message got no answer at all: the connection is presumed dead. */
  noAnswer(): void
  log: FastifyBaseLogger
}

export class SendQueue {
  private queue: PendingSend[] = []
  private inFlight: PendingSend | undefined
  private order = 0
  private nextSendAt = 0
  private pausedUntil = 0
  /** Held until the session is configured again. */
  private held = false
  private attributesState: 'due' | 'sent' | 'dropped' = 'due'
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly deps: QueueDeps) {}

  get length(): number {
    return this.queue.length
  }

  /** Something is queued or in flight, or the pace does not allow another request yet. */
  get busy(): boolean {
    return this.inFlight !== undefined || this.queue.length > 0 || Date.now() < this.nextSendAt
  }

  /** The message with this id, queued or in flight. */
  find(clientMessageId: string): PendingSend | undefined {
    return this.inFlight?.clientMessageId === clientMessageId ? this.inFlight : this.queue.find((p) => p.clientMessageId === clientMessageId)
  }

  add(draft: GuestDraft): PendingSend {
    let resolve!: (outcome: GuestSendOutcome) => void
    const outcome = new Promise<GuestSendOutcome>((r) => (resolve = r))
    const item: PendingSend = { ...draft, order: ++this.order, attempts: 0, uncertain: false, resolve, outcome }
    this.queue.push(item)
    this.pump()
    return item
  }

  /** Another request that counts against the rate (typing, auto-start) takes the next slot. */
  takeSlot(): void {
    this.nextSendAt = Date.now() + this.deps.intervalMs
  }

  /** Custom attributes go with the first message (or auto-start Join) of a session, unless Genesys refused them. */
  async takeAttributes(): Promise<Attributes | undefined> {
    if (this.attributesState !== 'due') return undefined
    this.attributesState = 'sent'
    return this.deps.attributes()
  }

  /** A new Genesys session: its first message carries the attributes again. */
  newSession(): void {
    if (this.attributesState === 'sent') this.attributesState = 'due'
  }

  /** The session is configured again after an expiry. */
  resume(): void {
    this.held = false
    this.pump()
  }

  pump(): void {
    clearTimeout(this.timer)
    if (this.inFlight || this.held || !this.deps.canSend()) return
    const item = this.queue[0]
    if (!item) return
    const wait = Math.max(this.nextSendAt, this.pausedUntil) - Date.now()
    if (wait > 0) {
      this.timer = setTimeout(() => this.pump(), wait)
      return
    }
    this.queue.shift()
    this.inFlight = item
    item.attempts++
    item.uncertain = true
    this.takeSlot()
    void this.transmit(item)
  }

  /**
   * The guest's message came back from Genesys (live echo or history): take it out of the queue. Matched
   * by its id, or by its text when Genesys gave no id back.
   */
  confirm(clientMessageId: string | undefined, text: string): PendingSend | undefined {
    const matches = (p: PendingSend): boolean => (clientMessageId ? p.clientMessageId === clientMessageId : p.text === text)
    if (this.inFlight && matches(this.inFlight)) {
      const item = this.inFlight
      this.inFlight = undefined
      return item
    }
    const i = this.queue.findIndex((p) => p.uncertain && matches(p))
    return i < 0 ? undefined : this.queue.splice(i, 1)[0]
  }

  /** The connection dropped: the message in flight goes back to its place, to be confirmed from history or sent again. */
  requeueInFlight(): void {
    const item = this.inFlight
    this.inFlight = undefined
    if (item) this.requeue(item)
  }

  /** Answer every message that waits (queued and in flight) with `outcome`. */
  settleAll(outcome: GuestSendOutcome): void {
    const all = [...(this.inFlight ? [this.inFlight] : []), ...this.queue]
    this.inFlight = undefined
    this.queue = []
    clearTimeout(this.timer)
    for (const p of all) p.resolve(outcome)
  }

  stop(): void {
    clearTimeout(this.timer)
  }

  private async transmit(item: PendingSend): Promise<void> {
    const attributes = await this.takeAttributes()
    if (this.inFlight !== item) return
    const answer = await this.deps.transmit(item, attributes)
    // confirmed by its echo, or put back by a drop, in the meantime
    if (this.inFlight !== item || answer.ok) return
    if ('lost' in answer) {
      if (answer.lost === 'timeout') {
        this.deps.log.warn('no echo from Genesys; reconnecting')
        this.deps.noAnswer()
      }
      return
    }
    this.inFlight = undefined
    const decision = sendRefusal(answer.refused.code, item.attempts, answer.refused.retryAfterMs)
    switch (decision.do) {
      case 'fail':
        item.resolve({ ok: false, code: decision.code, message: decision.message })
        if (decision.readOnly) this.deps.readOnly()
        break
      case 'retry':
        if (decision.withoutAttributes) {
          // a refusal of the attributes, not of the message: it goes again at once without them
          item.attempts--
          this.attributesState = 'dropped'
          this.deps.log.warn('Genesys refused the custom attributes as too large; sending without them')
        }
        this.pausedUntil = Date.now() + decision.afterMs
        this.requeue(item)
        break
      case 'pause':
        item.attempts--
        this.requeue(item)
        if (decision.until === 'time') this.pausedUntil = Date.now() + decision.afterMs
        else {
          this.held = true
          this.deps.expired()
        }
        break
    }
    this.pump()
  }

  /** Back into the queue in the order the guest wrote, so a resend never overtakes. */
  private requeue(item: PendingSend): void {
    const i = this.queue.findIndex((p) => p.order > item.order)
    if (i < 0) this.queue.push(item)
    else this.queue.splice(i, 0, item)
  }
}
