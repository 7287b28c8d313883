/**
 * @module server/upstreams/genesys/inbound
 * What Genesys sends into the transcript. Messages are held for the reorder window and appended in
 * `channel.time` order (Genesys does not promise order, PROTOCOL.md §3.12); every Genesys message id is a
 * de-dup key, so an echo, a replay or a history entry is stored once. The guest's own message coming back
 * is Genesys' receipt: only then is it appended and acknowledged.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Author, RichContent } from '../../../src/protocol'
import { advanceReceipt, appendEvent, appendMessage } from '../../conversations'
import type { ConversationStore } from '../../stores/types'
import type { StructuredMessage } from './frames'
import { inTimeOrder } from './history'
import { mapStructuredMessage } from './map'
import type { PendingSend } from './send-queue'

export interface InboundDeps {
  store: ConversationStore
  conversationId: string
  log: FastifyBaseLogger
  reorderMs: number
  showAgentTyping(): boolean
  /** The guest message this echo confirms, taken out of the send queue. */
  confirm(clientMessageId: string | undefined, text: string): PendingSend | undefined
  /** The queue may go on (an echo was stored). */
  delivered(): void
  /** A read-only Disconnect: the conversation takes no more guest messages. */
  readOnly(): Promise<void>
}

interface Incoming {
  m: StructuredMessage
  tracingId?: string
  /** From a history page: replayed state, so typing is not shown. */
  fromHistory?: boolean
}

/** How many Parley → Genesys message ids are remembered for `originatingMessageId`. */
const MAX_REMEMBERED = 200

export class Inbound {
  private held: Incoming[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private typingTimer: ReturnType<typeof setTimeout> | undefined
  private applying: Promise<void> = Promise.resolve()
  private genesysIds = new Map<string, string>()

  constructor(private readonly deps: InboundDeps) {}

  /** A live StructuredMessage; typing goes through at once, everything else waits for the reorder window. */
  push(m: StructuredMessage, tracingId: string | undefined): void {
    if (mapStructuredMessage(m).every((x) => x.kind === 'typing')) return void this.applyAll([{ m }])
    this.held.push(tracingId === undefined ? { m } : { m, tracingId })
    this.timer ??= setTimeout(() => this.flush(), this.deps.reorderMs)
  }

  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const batch = inTimeOrder(this.held.map((x) => ({ ...x, time: x.m.time })))
    this.held = []
    void this.applyAll(batch)
  }

  /** Messages read from history (oldest first). */
  history(messages: readonly StructuredMessage[]): Promise<void> {
    return this.applyAll(messages.map((m) => ({ m, fromHistory: true })))
  }

  /** The Genesys id of a message Parley showed (for the `originatingMessageId` of an answer to it). */
  genesysIdOf(parleyMessageId: string): string | undefined {
    return this.genesysIds.get(parleyMessageId)
  }

  close(): void {
    clearTimeout(this.timer)
    clearTimeout(this.typingTimer)
    this.timer = undefined
  }

  /** One batch at a time, so live frames and a history fill never interleave their appends. */
  private applyAll(batch: Incoming[]): Promise<void> {
    this.applying = this.applying.then(async () => {
      for (const x of batch) await this.apply(x).catch((err: unknown) => this.deps.log.error({ err }, 'could not store a Genesys message'))
    })
    return this.applying
  }

  private async apply({ m, tracingId, fromHistory = false }: Incoming): Promise<void> {
    const { store, conversationId, log } = this.deps
    const key = `genesys:${m.id}`
    let index = 0
    for (const x of mapStructuredMessage(m)) {
      const at = m.time ?? new Date().toISOString()
      switch (x.kind) {
        case 'guest-message':
          await this.guestEcho(m, x.text, x.rich, tracingId)
          break
        case 'message': {
          const { entry } = await appendMessage(store, conversationId, { role: x.role, text: x.text, ...(x.author ? { author: x.author } : {}), sentAt: at, ...x.rich }, key)
          this.remember(entry.id, m.id)
          break
        }
        case 'event':
          await appendEvent(store, conversationId, x.event, x.author, { at, dedupKey: `${key}:${index}` })
          break
        case 'typing':
          if (!fromHistory && this.deps.showAgentTyping()) this.agentTyping(x.active, x.durationMs, x.author)
          break
        case 'read-only':
          await this.deps.readOnly()
          break
        case 'ignored':
          log.debug({ reason: x.reason }, 'Genesys message not shown')
          break
      }
      index++
    }
  }

  /** The guest's own message came back: that is Genesys' receipt, so now it is appended and acked. */
  private async guestEcho(m: StructuredMessage, text: string, rich: RichContent, tracingId: string | undefined): Promise<void> {
    const cmid = tracingId ?? m.metadata.customMessageId
    const item = this.deps.confirm(cmid, text)
    // an empty echo that is not ours (a history entry of a file-only message from elsewhere) shows nothing
    if (!item && !text && !rich.attachments) return
    const keys = [...(item ? [item.clientMessageId] : cmid ? [cmid] : []), `genesys:${m.id}`]
    const { store, conversationId } = this.deps
    const { entry, duplicate } = await appendMessage(
      store,
      conversationId,
      {
        role: 'guest',
        text: item?.text || text,
        ...(item ? { author: item.author, clientMessageId: item.clientMessageId } : cmid ? { clientMessageId: cmid } : {}),
        ...(rich.attachments ? { attachments: rich.attachments } : {}),
        ...(item?.reply ? { reply: item.reply } : {}),
        ...(m.time ? { sentAt: m.time } : {}),
      },
      keys,
    )
    await advanceReceipt(store, conversationId, 'deliveredSeq', entry.seq)
    item?.resolve({ ok: true, entry, duplicate })
    this.deps.delivered()
  }

  private remember(parleyId: string, genesysId: string): void {
    this.genesysIds.delete(parleyId)
    this.genesysIds.set(parleyId, genesysId)
    if (this.genesysIds.size > MAX_REMEMBERED) {
      const oldest = this.genesysIds.keys().next()
      if (!oldest.done) this.genesysIds.delete(oldest.value)
    }
  }

  private agentTyping(active: boolean, durationMs: number, author: Author | undefined): void {
    const signal = { type: 'typing' as const, role: 'agent' as const, active }
    this.deps.store.signal(this.deps.conversationId, author ? { ...signal, author } : signal)
    clearTimeout(this.typingTimer)
    if (active) this.typingTimer = setTimeout(() => this.agentTyping(false, 0, author), durationMs)
  }
}
