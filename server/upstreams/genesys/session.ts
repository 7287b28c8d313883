/**
 * @module server/upstreams/genesys/session
 * One guest's Genesys Web Messaging session: the upstream socket, its configure handshake, the send queue
 * (one message in flight, paced to the Genesys rate, 429 honoured), keep-alive, reconnect with the same
 * token and the history fill afterwards. The session token is the BFF's; it never reaches the browser.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import WebSocket from 'ws'
import { typeAllowed, type Author, type FrameErrorCode, type Reply, type RichContent } from '../../../src/protocol'
import type { GenesysConfig } from '../../config'
import { advanceReceipt, appendEvent, appendMessage, endConversation } from '../../conversations'
import type { ConversationStore } from '../../stores/types'
import type { GuestDraft, GuestSendOutcome, UploadResult } from '../types'
import type { DeploymentSettings } from './deployment'
import { HEALTH_CHECK_ID, parseGenesysFrame, type GenesysFrame, type SessionInfo, type StructuredMessage } from './frames'
import { fetchMissed, inTimeOrder } from './history'
import { mapStructuredMessage } from './map'
import { rawText } from '../../raw-data'
import * as req from './requests'

export interface SessionContext {
  genesys: GenesysConfig
  deployment(): DeploymentSettings
  endpoints(): { socketUrl: string; apiUrl: string }
  store: ConversationStore
  log: FastifyBaseLogger
  fetch: typeof fetch
  /** Guest attributes sent once per session as custom attributes. */
  attributes(): Promise<req.Attributes>
  /** How long a sent message may wait for its echo before the socket is presumed dead. @default 30 s */
  echoTimeoutMs?: number
  /** How long echoes and replies are held to be put in `channel.time` order. @default 300 ms */
  reorderMs?: number
}

/** Genesys' ButtonResponse type for each kind of guest reply. */
const REPLY_KINDS = { 'quick-reply': 'QuickReply', button: 'Button', 'date-picker': 'DatePicker' } as const satisfies Record<Reply['kind'], string>

interface PendingSend {
  clientMessageId: string
  text: string
  author: Author
  attachments?: string[]
  reply?: Reply
  order: number
  attempts: number
  /** Sent at least once: Genesys may have it even if no echo came. */
  uncertain: boolean
  resolve: (outcome: GuestSendOutcome) => void
  outcome: Promise<GuestSendOutcome>
}

interface Incoming {
  m: StructuredMessage
  tracingId?: string
  /** From a history page: replayed state, so typing is not shown. */
  fromHistory?: boolean
}

interface Waiter {
  match: (f: GenesysFrame) => boolean
  resolve: (f: GenesysFrame) => void
  reject: (err: Error) => void
  timer: ReturnType<typeof setTimeout>
}

const MAX_QUEUE = 50
const MAX_ATTEMPTS = 3
const TYPING_EVERY_MS = 5000
const HEALTH_EVERY_MS = 30_000
const HEALTH_TIMEOUT_MS = 10_000
/** The server-side error codes after which a resend cannot help (PROTOCOL.md §3.7). */
const REFUSED = new Set([400, 401, 403, 4000, 4017, 4020])

let counter = 0
const tracing = (kind: string): string => `${kind}-${(++counter).toString(36)}`

export class GenesysSession {
  private ws: WebSocket | undefined
  private state: 'idle' | 'connecting' | 'ready' | 'backoff' | 'detached' | 'closed' = 'idle'
  private info: SessionInfo | undefined
  private readOnly = false
  private queue: PendingSend[] = []
  private inFlight: PendingSend | undefined
  private order = 0
  private nextSendAt = 0
  private pausedUntil = 0
  private filling = false
  private expired = false
  private attributesSent = false
  private attributesDropped = false
  private typingAt = 0
  private typingDisabled = false
  private lastHealth = 0
  private dropSince: number | undefined
  private closing = false
  private waiters = new Set<Waiter>()
  private reorder: Incoming[] = []
  private timers: Partial<Record<'pump' | 'echo' | 'reconnect' | 'ping' | 'reorder' | 'health' | 'typing', ReturnType<typeof setTimeout>>> = {}

  constructor(
    private readonly ctx: SessionContext,
    readonly conversationId: string,
    private readonly token: string,
  ) {}

  /** Open the socket unless it is open or on its way (a detached session comes back on guest activity). */
  connect(): void {
    // backoff: the reconnect timer opens it
    if (this.state === 'idle' || this.state === 'detached') this.open()
  }

  /** Send a guest text; resolves when Genesys echoes it (and it is appended) or refuses it. */
  async send(draft: GuestDraft): Promise<GuestSendOutcome> {
    const { store } = this.ctx
    const known = await store.findByKey(this.conversationId, draft.clientMessageId)
    if (known?.type === 'message') return { ok: true, entry: known, duplicate: true }
    const pending = this.inFlight?.clientMessageId === draft.clientMessageId ? this.inFlight : this.queue.find((p) => p.clientMessageId === draft.clientMessageId)
    if (pending) return pending.outcome
    if (this.state === 'closed') return { ok: false, code: 'upstream_unavailable', message: 'The contact centre connection closed; retrying.', retryAfterMs: 2000 }
    if (this.readOnly) return { ok: false, code: 'conversation_ended', message: 'This conversation has ended.' }
    const bytes = Buffer.byteLength(draft.text)
    if (bytes > this.ctx.genesys.maxMessageBytes)
      return {
        ok: false,
        code: 'message_too_long',
        message: `The contact centre takes messages of up to ${this.ctx.genesys.maxMessageBytes} bytes; this one has ${bytes}.`,
      }
    if (this.queue.length >= MAX_QUEUE)
      return { ok: false, code: 'rate_limited', message: 'Messages are being sent slowly; trying again shortly.', retryAfterMs: 2000 }
    let resolve!: (outcome: GuestSendOutcome) => void
    const outcome = new Promise<GuestSendOutcome>((r) => (resolve = r))
    const item: PendingSend = { ...draft, order: ++this.order, attempts: 0, uncertain: false, resolve, outcome }
    this.queue.push(item)
    this.connect()
    this.pump()
    return outcome
  }

  /**
   * A guest file (PROTOCOL.md §3.14): checked against `allowedMedia` and `blockedExtensions`, then
   * `onAttachment` → presigned PUT → `UploadSuccessEvent`. The id it resolves with goes in the next send.
   */
  async upload(file: { name: string; type: string; bytes: Buffer }): Promise<UploadResult> {
    if (this.state === 'closed' || this.readOnly) return { ok: false, status: 400, message: 'This conversation has ended.' }
    if (this.state !== 'ready') {
      this.connect()
      const ok = await this.waitFor((f) => f.class === 'SessionResponse', 10_000).then(() => true, () => false)
      if (!ok) return { ok: false, status: 503, message: 'The contact centre is unreachable; try again.' }
    }
    const media = this.info?.allowedMedia
    const lower = file.name.toLowerCase()
    if (this.info?.blockedExtensions.some((ext) => lower.endsWith(ext.toLowerCase())))
      return { ok: false, status: 415, message: 'Files of this kind are not accepted.' }
    if (media && !typeAllowed(file.type, media.fileTypes))
      return { ok: false, status: 415, message: `Files of type ${file.type} are not accepted.` }
    if (media?.maxFileSizeKB !== undefined && file.bytes.length > media.maxFileSizeKB * 1024)
      return { ok: false, status: 413, message: `Files are limited to ${media.maxFileSizeKB} KB.` }
    const attachmentId = randomUUID()
    const forThis = (f: GenesysFrame): boolean => 'attachmentId' in f && f.attachmentId === attachmentId
    const id = tracing('upload')
    this.write(req.onAttachment(this.token, id, { attachmentId, fileName: file.name, fileType: file.type, fileSize: file.bytes.length }))
    try {
      const presigned = await this.waitFor((f) => forThis(f) && (f.class === 'PresignedUrlResponse' || f.class === 'GenerateUrlError'), 15_000, id)
      if (presigned.class !== 'PresignedUrlResponse') return { ok: false, status: 415, message: 'The contact centre refused the file.' }
      const scanned = this.waitFor((f) => forThis(f) && (f.class === 'UploadSuccessEvent' || f.class === 'UploadFailureEvent'), 60_000)
      const put = await this.ctx.fetch(presigned.url, {
        method: 'PUT',
        headers: { ...presigned.headers, 'content-type': file.type },
        body: new Uint8Array(file.bytes),
        signal: AbortSignal.timeout(60_000),
      })
      if (!put.ok) return { ok: false, status: 502, message: `The upload failed (${put.status}).` }
      const result = await scanned
      return result.class === 'UploadSuccessEvent' ? { ok: true, attachmentId } : { ok: false, status: 415, message: 'The contact centre rejected the file.' }
    } catch (err) {
      this.ctx.log.warn({ err }, 'Genesys upload failed')
      return { ok: false, status: 502, message: 'The upload did not complete; try again.' }
    }
  }

  /** A fresh download URL for a file of this session (Genesys' URLs expire): `getAttachment` → PresignedUrlResponse. */
  async downloadUrl(attachmentId: string): Promise<string | undefined> {
    if (this.state === 'closed') return undefined
    if (this.state !== 'ready') {
      this.connect()
      const ok = await this.waitFor((f) => f.class === 'SessionResponse', 10_000).then(() => true, () => false)
      if (!ok) return undefined
    }
    const id = tracing('download')
    this.write(req.getAttachment(this.token, id, attachmentId))
    const answer = await this.waitFor((f) => 'attachmentId' in f && f.attachmentId === attachmentId && (f.class === 'PresignedUrlResponse' || f.class === 'GenerateUrlError'), 10_000, id).catch(
      () => undefined,
    )
    return answer?.class === 'PresignedUrlResponse' ? answer.url : undefined
  }

  /** Guest typing: at most one event per 5 s, only when the deployment shows it and nothing else waits. */
  typing(active: boolean): void {
    const now = Date.now()
    if (!active || this.typingDisabled || !this.ctx.deployment().showUserTyping) return
    if (this.state !== 'ready' || this.inFlight || this.queue.length || now - this.typingAt < TYPING_EVERY_MS || now < this.nextSendAt) return
    this.typingAt = now
    this.nextSendAt = now + this.sendInterval()
    this.write(req.typingOn(this.token, tracing('typing')))
  }

  /** A guest socket connected: be live, and check the session's health if that is due. */
  guestConnected(): void {
    this.connect()
    this.healthCheck()
  }

  /** The guest ends the chat: Presence Clear where the deployment allows it, else closeSession. */
  async end(): Promise<void> {
    const fail = (err: unknown): void => this.ctx.log.warn({ err }, 'Genesys did not confirm the end of the session')
    if (this.state === 'closed') return
    try {
      if (this.state !== 'ready') {
        this.connect()
        await this.waitFor((f) => f.class === 'SessionResponse', 10_000)
      }
      this.closing = true
      let cleared = false
      if (!this.readOnly && this.ctx.deployment().clearEnabled) {
        const id = tracing('clear')
        this.write(req.presence(this.token, id, 'Clear'))
        cleared = await this.waitFor((f) => f.class === 'SessionClearedEvent', 5000, id).then(
          () => true,
          () => false,
        )
      }
      if (!cleared) {
        const id = tracing('close')
        this.write(req.closeSession(this.token, id))
        await this.waitFor((f) => (f.class === 'SessionResponse' && !f.body.connected) || f.class === 'ConnectionClosedEvent', 5000, id).catch(fail)
      }
    } catch (err) {
      fail(err)
    } finally {
      this.close()
    }
  }

  /** Stop everything; pending sends are answered so the guest's outbox resends them later. */
  close(): void {
    this.state = 'closed'
    this.shutdownSocket()
    this.settleAll({ ok: false, code: 'upstream_unavailable', message: 'The contact centre connection closed; retrying.', retryAfterMs: 2000 })
  }

  // ── socket ────────────────────────────────────────────────────────────────

  private open(): void {
    const { socketUrl } = this.ctx.endpoints()
    this.ctx.log.debug({ conversationId: this.conversationId }, 'opening the Genesys socket')
    this.state = 'connecting'
    const ws = new WebSocket(socketUrl, { origin: this.ctx.genesys.origin, handshakeTimeout: 10_000, maxPayload: 1024 * 1024 })
    this.ws = ws
    let alive = true
    ws.on('open', () => {
      ws.send(JSON.stringify(req.configureSession(this.token, this.ctx.genesys.deploymentId, false, tracing('configure'))))
      this.timers.ping = setInterval(() => {
        if (!alive) return ws.terminate()
        alive = false
        ws.ping()
      }, this.ctx.genesys.pingMs)
    })
    ws.on('pong', () => (alive = true))
    ws.on('message', (data: WebSocket.RawData, isBinary) => {
      alive = true
      if (isBinary) return this.ctx.log.warn('Genesys sent a binary frame; ignored')
      this.onFrame(rawText(data))
    })
    ws.on('unexpected-response', (_request, response) => {
      // a refused upgrade (403: Origin not on the deployment's allowed domains) is not retried blindly
      this.ctx.log.error({ status: response.statusCode }, 'Genesys refused the guest socket upgrade; check GENESYS_ORIGIN against the allowed domains')
      ws.terminate()
    })
    ws.on('error', (err) => this.ctx.log.debug({ err }, 'Genesys socket error'))
    ws.on('close', () => {
      if (this.ws === ws) this.onDrop()
    })
  }

  private shutdownSocket(): void {
    for (const t of Object.values(this.timers)) clearTimeout(t)
    clearInterval(this.timers.ping)
    const ws = this.ws
    this.ws = undefined
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate()
    for (const w of this.waiters) w.reject(new Error('socket closed'))
    this.waiters.clear()
  }

  private onDrop(): void {
    this.ws = undefined
    clearInterval(this.timers.ping)
    clearTimeout(this.timers.echo)
    for (const w of this.waiters) w.reject(new Error('socket closed'))
    this.waiters.clear()
    this.flushReorder()
    if (this.inFlight) this.requeue(this.inFlight)
    this.inFlight = undefined
    if (this.state === 'closed' || this.state === 'detached') return
    const now = Date.now()
    this.dropSince ??= now
    if (now - this.dropSince >= this.ctx.genesys.reconnectForMs) return this.detach('no connection to Genesys for the whole reconnect window')
    this.state = 'backoff'
    this.ctx.log.info({ conversationId: this.conversationId }, 'Genesys socket dropped; reconnecting with the same session token')
    this.timers.reconnect = setTimeout(() => {
      if (this.state === 'backoff') this.open()
    }, this.ctx.genesys.reconnectMs)
  }

  /** Give up until the guest acts again; their messages stay in their outbox and come back. */
  private detach(reason: string): void {
    this.ctx.log.warn({ conversationId: this.conversationId, reason }, 'Genesys session detached')
    this.state = 'detached'
    this.dropSince = undefined
    this.shutdownSocket()
    this.settleAll({ ok: false, code: 'upstream_unavailable', message: 'The contact centre is unreachable; retrying.', retryAfterMs: this.ctx.genesys.reconnectMs })
  }

  private write(frame: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame))
  }

  private waitFor(match: (f: GenesysFrame) => boolean, timeoutMs: number, tracingId?: string): Promise<GenesysFrame> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match: (f) => match(f) || (tracingId !== undefined && f.class === 'Error' && f.tracingId === tracingId),
        resolve: (f) => (f.class === 'Error' ? reject(new Error(`Genesys answered ${f.code}`)) : resolve(f)),
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(new Error('timed out'))
        }, timeoutMs),
      }
      this.waiters.add(waiter)
    })
  }

  // ── frames from Genesys ───────────────────────────────────────────────────

  private onFrame(text: string): void {
    const parsed = parseGenesysFrame(text)
    if (!parsed.ok) return this.ctx.log.warn({ reason: parsed.reason }, 'unreadable Genesys frame dropped')
    const f = parsed.frame
    for (const w of this.waiters)
      if (w.match(f)) {
        clearTimeout(w.timer)
        this.waiters.delete(w)
        w.resolve(f)
      }
    switch (f.class) {
      case 'SessionResponse':
        return this.onSession(f.body)
      case 'StructuredMessage':
        if (f.tracingId === HEALTH_CHECK_ID) return this.onHealthReply(f.body)
        return this.buffer(f.body, f.tracingId)
      case 'TooManyRequests':
        return this.onSendError(f.tracingId, 429, f.retryAfterSeconds * 1000)
      case 'Error':
        return this.onError(f)
      case 'SessionExpiredEvent':
        return this.onExpired()
      case 'SessionClearedEvent':
        if (!this.closing) void this.markEnded()
        return
      case 'ConnectionClosedEvent':
        // another connection took over, the session was closed or cleared: do not reconnect blindly
        if (!this.closing) this.detach(`Genesys closed the connection${f.reason ? ` (${f.reason})` : ''}`)
        return
      case 'JwtResponse':
      case 'PresignedUrlResponse':
      case 'UploadSuccessEvent':
      case 'UploadFailureEvent':
      case 'GenerateUrlError':
      case 'AttachmentDeletedResponse':
        return // answered through waiters
      case 'LogoutEvent':
      case 'Unknown':
        return this.ctx.log.debug({ class: f.class === 'Unknown' ? f.name : f.class }, 'Genesys frame ignored')
    }
  }

  private onSession(info: SessionInfo): void {
    this.ctx.log.debug({ newSession: info.newSession, readOnly: info.readOnly }, 'Genesys session configured')
    if (!info.connected) return // the answer to closeSession
    this.info = info
    this.state = 'ready'
    this.dropSince = undefined
    const afterExpiry = this.expired
    this.expired = false
    if (info.readOnly) {
      void this.onReadOnly()
      return
    }
    if (info.newSession && this.ctx.deployment().autoStart) void this.autoStart()
    if (afterExpiry && info.newSession)
      void appendMessage(this.ctx.store, this.conversationId, { role: 'system', text: 'The previous conversation expired; this is a new one.' }).catch((err: unknown) =>
        this.ctx.log.error({ err }, 'could not note the expiry'),
      )
    this.scheduleHealth()
    // a session we had before (a reconnect, or a restart of the BFF) may have missed messages: fill the gap
    if (!info.newSession) return void this.fill()
    this.pump()
  }

  private async autoStart(): Promise<void> {
    const attributes = await this.customAttributes()
    this.nextSendAt = Date.now() + this.sendInterval()
    this.write(req.presence(this.token, tracing('join'), 'Join', attributes))
  }

  private onError(f: Extract<GenesysFrame, { class: 'Error' }>): void {
    const id = f.tracingId ?? ''
    if (id.startsWith('configure-')) {
      if (f.code === 4006 || f.code === 4007) return this.onExpired()
      return this.detach(`Genesys refused configureSession with ${f.code}`)
    }
    if (id.startsWith('typing-')) {
      // the deployment does not show user typing (403 feature toggle): stop sending it
      this.typingDisabled = true
      return
    }
    if (f.code === 4006 || f.code === 4007) {
      if (this.inFlight && (id === this.inFlight.clientMessageId || !f.tracingId)) this.requeue(this.takeInFlight())
      return this.onExpired()
    }
    if (this.inFlight && (id === this.inFlight.clientMessageId || !f.tracingId)) return this.onSendError(this.inFlight.clientMessageId, f.code, 0)
    this.ctx.log.warn({ code: f.code, tracingId: f.tracingId }, 'Genesys reported an error')
  }

  /** What a refused send means for the guest (PROTOCOL.md §3.7). */
  private onSendError(tracingId: string | undefined, code: number, retryAfterMs: number): void {
    const item = this.inFlight
    if (!item || (tracingId !== undefined && tracingId !== item.clientMessageId)) return
    this.takeInFlight()
    const fail = (code: FrameErrorCode, message: string): void => {
      item.resolve({ ok: false, code, message })
      this.pump()
    }
    if (code === 429) {
      this.pausedUntil = Date.now() + Math.max(retryAfterMs, 1000)
      this.requeue(item)
      return this.pump()
    }
    if (code === 409) {
      item.resolve({ ok: false, code: 'conversation_ended', message: 'This conversation has ended; start a new chat.' })
      return void this.onReadOnly()
    }
    if (code === 4011) return fail('message_too_long', 'The contact centre refused the message as too long.')
    if (code === 4013) {
      this.attributesDropped = true
      this.ctx.log.warn('Genesys refused the custom attributes as too large; sending without them')
      this.requeue(item)
      return this.pump()
    }
    if (REFUSED.has(code) || item.attempts >= MAX_ATTEMPTS) return fail('upstream_error', `The contact centre could not take the message (${code}).`)
    this.pausedUntil = Date.now() + 1000 * item.attempts
    this.requeue(item)
    this.pump()
  }

  private onExpired(): void {
    // the Genesys session is gone; the same token configures a new one (PROTOCOL.md §3.10)
    this.ctx.log.info({ conversationId: this.conversationId }, 'Genesys session expired; configuring a new one')
    this.expired = true
    this.attributesSent = false
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.state = 'connecting'
      this.write(req.configureSession(this.token, this.ctx.genesys.deploymentId, false, tracing('configure')))
    }
  }

  private async onReadOnly(): Promise<void> {
    this.readOnly = true
    this.settleAll({ ok: false, code: 'conversation_ended', message: 'This conversation has ended; start a new chat.' })
    await this.markEnded()
  }

  private async markEnded(): Promise<void> {
    await endConversation(this.ctx.store, this.conversationId).catch((err: unknown) => this.ctx.log.error({ err }, 'could not end the conversation'))
  }

  // ── messages, in channel.time order ───────────────────────────────────────

  /** Hold messages briefly so frames that overtook each other are appended in `channel.time` order. */
  private buffer(m: StructuredMessage, tracingId: string | undefined): void {
    const mapped = mapStructuredMessage(m)
    if (mapped.every((x) => x.kind === 'typing')) return void this.applyAll([{ m }])
    this.reorder.push(tracingId === undefined ? { m } : { m, tracingId })
    this.timers.reorder ??= setTimeout(() => this.flushReorder(), this.ctx.reorderMs ?? 300)
  }

  private flushReorder(): void {
    clearTimeout(this.timers.reorder)
    this.timers.reorder = undefined
    const batch = inTimeOrder(this.reorder.map((x) => ({ ...x, time: x.m.time })))
    this.reorder = []
    void this.applyAll(batch)
  }

  private applying: Promise<void> = Promise.resolve()
  /** One batch at a time, so live frames and a history fill never interleave their appends. */
  private applyAll(batch: Incoming[]): Promise<void> {
    this.applying = this.applying.then(async () => {
      for (const x of batch) await this.apply(x).catch((err: unknown) => this.ctx.log.error({ err }, 'could not store a Genesys message'))
    })
    return this.applying
  }

  private async apply({ m, tracingId, fromHistory = false }: Incoming): Promise<void> {
    const { store, log } = this.ctx
    const key = `genesys:${m.id}`
    let index = 0
    for (const x of mapStructuredMessage(m)) {
      const at = m.time ?? new Date().toISOString()
      switch (x.kind) {
        case 'guest-message':
          await this.onGuestEcho(m, x.text, x.rich, tracingId)
          break
        case 'message':
          await appendMessage(store, this.conversationId, { role: x.role, text: x.text, ...(x.author ? { author: x.author } : {}), sentAt: at, ...x.rich }, key)
          break
        case 'event':
          await appendEvent(store, this.conversationId, x.event, x.author, { at, dedupKey: `${key}:${index}` })
          break
        case 'typing':
          if (!fromHistory && this.ctx.deployment().showAgentTyping) this.agentTyping(x.active, x.durationMs, x.author)
          break
        case 'read-only':
          await this.onReadOnly()
          break
        case 'ignored':
          log.debug({ reason: x.reason }, 'Genesys message not shown')
          break
      }
      index++
    }
  }

  /** The guest's own message came back: that is Genesys' receipt, so now it is appended and acked. */
  private async onGuestEcho(m: StructuredMessage, text: string, rich: RichContent, tracingId: string | undefined): Promise<void> {
    const cmid = tracingId ?? m.metadata.customMessageId
    const item =
      this.inFlight && (this.inFlight.clientMessageId === cmid || (!cmid && this.inFlight.text === text))
        ? this.takeInFlight()
        : this.takeQueued((p) => p.uncertain && (p.clientMessageId === cmid || (!cmid && p.text === text)))
    // an empty echo that is not ours (a history entry of a file-only message from elsewhere) shows nothing
    if (!item && !text && !rich.attachments) return
    const keys = [...(item ? [item.clientMessageId] : cmid ? [cmid] : []), `genesys:${m.id}`]
    const { store } = this.ctx
    const { entry, duplicate } = await appendMessage(
      store,
      this.conversationId,
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
    await advanceReceipt(store, this.conversationId, 'deliveredSeq', entry.seq)
    item?.resolve({ ok: true, entry, duplicate })
    this.pump()
  }

  private agentTyping(active: boolean, durationMs: number, author: Author | undefined): void {
    const signal = { type: 'typing' as const, role: 'agent' as const, active }
    this.ctx.store.signal(this.conversationId, author ? { ...signal, author } : signal)
    clearTimeout(this.timers.typing)
    if (active) this.timers.typing = setTimeout(() => this.agentTyping(false, 0, author), durationMs)
  }

  // ── sending ───────────────────────────────────────────────────────────────

  private sendInterval(): number {
    return Math.ceil(1000 / this.ctx.genesys.messageRate)
  }

  private pump(): void {
    clearTimeout(this.timers.pump)
    if (this.state !== 'ready' || this.filling || this.inFlight || this.readOnly) return
    const item = this.queue[0]
    if (!item) return
    const wait = Math.max(this.nextSendAt, this.pausedUntil) - Date.now()
    if (wait > 0) {
      this.timers.pump = setTimeout(() => this.pump(), wait)
      return
    }
    this.queue.shift()
    this.inFlight = item
    item.attempts++
    item.uncertain = true
    this.nextSendAt = Date.now() + this.sendInterval()
    void this.customAttributes().then((attributes) => {
      if (this.inFlight !== item || this.ws?.readyState !== WebSocket.OPEN) return
      this.write(
        item.reply
          ? req.onMessageButtonResponse(this.token, item.clientMessageId, { text: item.text, payload: item.reply.payload, kind: REPLY_KINDS[item.reply.kind] })
          : item.attachments?.length
            ? req.onMessageAttachments(this.token, item.clientMessageId, item.text, item.attachments, attributes)
            : req.onMessageText(this.token, item.clientMessageId, item.text, attributes),
      )
      clearTimeout(this.timers.echo)
      this.timers.echo = setTimeout(() => {
        // no echo: the socket is presumably dead without a close frame; reconnect, fill, resend
        if (this.inFlight !== item) return
        this.ctx.log.warn({ conversationId: this.conversationId }, 'no echo from Genesys; reconnecting')
        this.ws?.terminate()
      }, this.ctx.echoTimeoutMs ?? 30_000)
    })
  }

  /** Custom attributes go with the first message of a session, trimmed to what it accepts. */
  private async customAttributes(): Promise<req.Attributes | undefined> {
    if (this.attributesSent || this.attributesDropped) return undefined
    this.attributesSent = true
    const { kept, dropped } = req.fitAttributes(await this.ctx.attributes(), this.info?.maxCustomDataBytes)
    if (dropped.length) this.ctx.log.warn({ dropped: dropped.length }, 'guest attributes left out: over the session\'s maxCustomDataBytes')
    return Object.keys(kept).length ? kept : undefined
  }

  private takeInFlight(): PendingSend {
    const item = this.inFlight
    if (!item) throw new Error('nothing in flight')
    clearTimeout(this.timers.echo)
    this.inFlight = undefined
    return item
  }

  private takeQueued(match: (p: PendingSend) => boolean): PendingSend | undefined {
    const i = this.queue.findIndex(match)
    return i < 0 ? undefined : this.queue.splice(i, 1)[0]
  }

  /** Back into the queue in the order the guest wrote, so a resend never overtakes. */
  private requeue(item: PendingSend): void {
    const i = this.queue.findIndex((p) => p.order > item.order)
    if (i < 0) this.queue.push(item)
    else this.queue.splice(i, 0, item)
  }

  private settleAll(outcome: GuestSendOutcome): void {
    const all = [...(this.inFlight ? [this.inFlight] : []), ...this.queue]
    this.inFlight = undefined
    this.queue = []
    clearTimeout(this.timers.echo)
    for (const p of all) p.resolve(outcome)
  }

  // ── gap fill and health ───────────────────────────────────────────────────

  private async fill(): Promise<void> {
    this.filling = true
    try {
      const id = tracing('jwt')
      this.write(req.getJwt(this.token, id))
      const answer = await this.waitFor((f) => f.class === 'JwtResponse' && (f.tracingId === undefined || f.tracingId === id), 10_000, id)
      if (answer.class !== 'JwtResponse') return
      const { store } = this.ctx
      const missed = await fetchMissed({
        apiUrl: this.ctx.endpoints().apiUrl,
        jwt: answer.jwt,
        origin: this.ctx.genesys.origin,
        fetch: this.ctx.fetch,
        isKnown: async (gid) => (await store.findByKey(this.conversationId, `genesys:${gid}`)) !== undefined,
      })
      this.ctx.log.debug({ missed: missed.length }, 'Genesys history read')
      await this.applyAll(missed.map((m) => ({ m, fromHistory: true })))
    } catch (err) {
      this.ctx.log.warn({ err }, 'could not fill the gap from Genesys history')
    } finally {
      this.filling = false
      this.pump()
    }
  }

  private scheduleHealth(): void {
    clearTimeout(this.timers.health)
    const exp = this.info?.expirationDate
    if (exp === undefined) return
    // shortly before the session would expire, ask whether it still lives (and move its expiry)
    const due = Math.min(2 ** 31 - 1, Math.max(HEALTH_EVERY_MS, exp * 1000 - Date.now() - 60_000))
    this.timers.health = setTimeout(() => this.healthCheck(), due)
    this.timers.health.unref?.()
  }

  private healthCheck(): void {
    const now = Date.now()
    if (this.state !== 'ready' || now - this.lastHealth < HEALTH_EVERY_MS) return
    this.lastHealth = now
    this.write(req.echo(this.token))
    this.waitFor((f) => f.class === 'StructuredMessage' && f.tracingId === HEALTH_CHECK_ID, HEALTH_TIMEOUT_MS).catch(() => {
      if (this.state === 'ready') {
        this.ctx.log.warn({ conversationId: this.conversationId }, 'Genesys did not answer the health check; reconnecting')
        this.ws?.terminate()
      }
    })
  }

  private onHealthReply(m: StructuredMessage): void {
    const exp = Number(m.metadata.expirationDate)
    if (this.info && Number.isFinite(exp) && exp > 0) {
      this.info.expirationDate = exp
      this.scheduleHealth()
    }
  }
}
