/**
 * @module server/upstreams/genesys/session
 * One guest's Genesys Web Messaging session, as one lifecycle (`Phase`): opening and configuring the
 * session, reconnecting with the same token, the history fill after a gap, health checks, typing, files,
 * and the end of the conversation. The wire is `link`, the guest's messages wait in `send-queue`, what comes
 * in goes through `inbound`. The session token is the BFF's; it never reaches the browser.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { typeAllowed, type Reply } from '../../../src/protocol'
import type { GenesysConfig } from '../../config'
import { appendMessage, endConversation } from '../../conversations'
import type { ConversationStore } from '../../stores/types'
import type { GuestDraft, GuestSendOutcome, UploadResult } from '../types'
import type { SessionCredential } from './credential'
import type { DeploymentSettings } from './deployment'
import { HEALTH_CHECK_ID, type GenesysFrame, type SessionInfo, type StructuredMessage } from './frames'
import { fetchMissed } from './history'
import { transferUrlAllowed } from './hosts'
import { Inbound } from './inbound'
import { GenesysLink, type Refusal } from './link'
import { configureRefusal } from './refusal'
import type { GenesysAuth } from './auth'
import * as req from './requests'
import { SendQueue, type PendingSend } from './send-queue'

export interface SessionContext {
  genesys: GenesysConfig
  deployment(): DeploymentSettings
  endpoints(): { socketUrl: string; apiUrl: string }
  store: ConversationStore
  log: FastifyBaseLogger
  fetch: typeof fetch
  /** Guest attributes sent once per session as custom attributes. */
  attributes(): Promise<req.Attributes>
  /** Each configured session's limits (the upstream answers the widget's availability with them). */
  sessionConfigured?(info: SessionInfo): void
  /** A configure with `startNew` was answered: the new conversation is Genesys' now. */
  startedNew?(): void
  /** How long a sent message may wait for its echo before the socket is presumed dead. @default 30 s */
  echoTimeoutMs?: number
  /** How long `configureSession` may wait for its SessionResponse. @default 10 s */
  sessionTimeoutMs?: number
  /** An authenticated session's JWT was refused (401): a fresh one from its refresh token, stored; undefined when that fails. */
  refreshAuth?(auth: GenesysAuth): Promise<GenesysAuth | undefined>
}

/** Where the session is; every piece of state that only exists in one phase lives in that phase. */
type Phase =
  | { is: 'idle' }
  /** Socket opening or `configureSession` outstanding. `lostSince`: the first drop of a run of reconnects. */
  | { is: 'connecting'; attempt: number; lostSince?: number; afterExpiry: boolean }
  | { is: 'ready'; info: SessionInfo; filling: boolean }
  /** The agent disconnected it read-only (or 409, or a Clear from elsewhere): no more guest messages. */
  | { is: 'read-only' }
  /** Waiting to reconnect after a drop or a refused configure. */
  | { is: 'waiting'; attempt: number; lostSince?: number; timer: ReturnType<typeof setTimeout> }
  /** Given up until the guest acts again (their messages stay in their outbox). */
  | { is: 'detached' }
  /** Genesys refused the session in a way only the admin can fix. */
  | { is: 'refused' }
  /** Presence Clear outstanding. */
  | { is: 'ending' }
  | { is: 'closed' }

/** Genesys' ButtonResponse type for each kind of guest reply. */
const REPLY_KINDS = { 'quick-reply': 'QuickReply', button: 'Button', 'date-picker': 'DatePicker' } as const satisfies Record<Reply['kind'], string>

const MAX_QUEUE = 50
/** Genesys' SDK sends typing at most once per 5 s (UserTypingProvider). */
const TYPING_EVERY_MS = 5000
/** Typing that meets a busy link waits this long for it, retried at this pace; later it is stale. */
const TYPING_RETRY_FOR_MS = 2000
const TYPING_RETRY_MS = 200
const ANSWER_MS = 10_000
/** A history JWT is fetched again this long before its `exp`. */
const JWT_MARGIN_MS = 60_000

let counter = 0
const tracing = (kind: string): string => `${kind}-${(++counter).toString(36)}`

const isEcho =
  (id: string) =>
  (f: GenesysFrame): boolean =>
    f.class === 'StructuredMessage' && f.body.direction === 'Inbound' && (f.tracingId === id || f.body.metadata.customMessageId === id)

export class GenesysSession {
  private phase: Phase = { is: 'idle' }
  private link: GenesysLink | undefined
  private readonly queue: SendQueue
  private readonly inbound: Inbound
  /** The last session Genesys configured (its limits hold for uploads until the next one). */
  private info: SessionInfo | undefined
  /** Genesys refused our typing (403): the deployment does not take it, whatever config.json says. */
  private typingOff = false
  private typingAt = 0
  private typingRetry: ReturnType<typeof setTimeout> | undefined
  private lastHealth = 0
  private healthTimer: ReturnType<typeof setTimeout> | undefined
  private jwt: { value: string; expMs: number } | undefined
  private configured = new Set<(ok: boolean) => void>()
  /** The next configure starts a new conversation on the token (a new chat after read-only, as the SDK's startNewChat). */
  private startNew: boolean
  /** JWT refreshes after a 401 since the last configured session (the SDK tries 3 times). */
  private authRefreshes = 0

  constructor(
    private readonly ctx: SessionContext,
    readonly conversationId: string,
    private readonly credential: SessionCredential,
  ) {
    this.startNew = credential.startNew === true
    this.queue = new SendQueue({
      intervalMs: Math.ceil(1000 / ctx.genesys.messageRate),
      canSend: () => this.phase.is === 'ready' && !this.phase.filling && this.link?.isOpen === true,
      transmit: (item, attributes) => this.transmit(item, attributes),
      attributes: () => this.customAttributes(),
      expired: () => this.expired(),
      readOnly: () => void this.onReadOnly(),
      noAnswer: () => this.link?.terminate(),
      log: ctx.log,
    })
    this.inbound = new Inbound({
      store: ctx.store,
      conversationId,
      log: ctx.log,
      reorderMs: ctx.genesys.reorderMs,
      showAgentTyping: () => ctx.deployment().showAgentTyping,
      confirm: (cmid, text) => this.queue.confirm(cmid, text),
      delivered: () => this.queue.pump(),
      readOnly: () => this.onReadOnly(),
    })
  }

  /** Where the session is (for tests and logs). */
  get state(): Phase['is'] {
    return this.phase.is
  }

  /** The phase now, read without narrowing (it changes across awaits). */
  private currently(is: Phase['is']): boolean {
    return this.phase.is === is
  }

  /** Open the socket unless it is open or on its way (a detached session comes back on guest activity). */
  connect(): void {
    if (this.phase.is === 'idle' || this.phase.is === 'detached') this.openLink(1)
  }

  /** Send a guest message; resolves when Genesys echoes it (and it is appended) or refuses it. */
  async send(draft: GuestDraft): Promise<GuestSendOutcome> {
    const known = await this.ctx.store.findByKey(this.conversationId, draft.clientMessageId)
    if (known?.type === 'message') return { ok: true, entry: known, duplicate: true }
    const pending = this.queue.find(draft.clientMessageId)
    if (pending) return pending.outcome
    switch (this.phase.is) {
      case 'closed':
      case 'ending':
        return { ok: false, code: 'upstream_unavailable', message: 'The contact centre connection closed; retrying.', retryAfterMs: 2000 }
      case 'refused':
        return { ok: false, code: 'upstream_error', message: 'The contact centre cannot take this chat; the site has been told.' }
      case 'read-only':
        return { ok: false, code: 'conversation_ended', message: 'This conversation has ended.' }
    }
    const bytes = Buffer.byteLength(draft.text)
    if (bytes > this.ctx.genesys.maxMessageBytes)
      return {
        ok: false,
        code: 'message_too_long',
        message: `The contact centre takes messages of up to ${this.ctx.genesys.maxMessageBytes} bytes; this one has ${bytes}.`,
      }
    if (this.queue.length >= MAX_QUEUE) return { ok: false, code: 'rate_limited', message: 'Messages are being sent slowly; trying again shortly.', retryAfterMs: 2000 }
    const item = this.queue.add(draft)
    this.connect()
    return item.outcome
  }

  /**
   * A guest file (PROTOCOL.md §3.14): checked against the session's `allowedMedia` and `blockedExtensions`,
   * then `onAttachment` → presigned PUT → `UploadSuccessEvent`. The id it resolves with goes in the next send.
   */
  async upload(file: { name: string; type: string; bytes: Buffer }): Promise<UploadResult> {
    if (this.phase.is === 'read-only' || this.phase.is === 'closed') return { ok: false, status: 400, message: 'This conversation has ended.' }
    const link = await this.configuredLink()
    if (!link) return { ok: false, status: 503, message: 'The contact centre is unreachable; try again.' }
    const media = this.info?.allowedMedia
    const lower = file.name.toLowerCase()
    if (this.info?.blockedExtensions.some((ext) => lower.endsWith(ext.toLowerCase()))) return { ok: false, status: 415, message: 'Files of this kind are not accepted.' }
    if (media && !typeAllowed(file.type, media.fileTypes)) return { ok: false, status: 415, message: `Files of type ${file.type} are not accepted.` }
    if (media?.maxFileSizeKB !== undefined && file.bytes.length > media.maxFileSizeKB * 1024)
      return { ok: false, status: 413, message: `Files are limited to ${media.maxFileSizeKB} KB.` }
    const attachmentId = randomUUID()
    const forThis = (f: GenesysFrame): boolean => 'attachmentId' in f && f.attachmentId === attachmentId
    const answer = await link.request(
      req.onAttachment(this.credential.token, tracing('upload'), { attachmentId, fileName: file.name, fileType: file.type, fileSize: file.bytes.length }),
      (f) => forThis(f) && (f.class === 'PresignedUrlResponse' || f.class === 'GenerateUrlError'),
      15_000,
    )
    if (!answer.ok) return { ok: false, status: 502, message: 'The upload did not start; try again.' }
    const presigned = answer.frame
    if (presigned.class !== 'PresignedUrlResponse') return { ok: false, status: 415, message: 'The contact centre refused the file.' }
    if (!transferUrlAllowed(this.ctx.genesys, presigned.url)) {
      this.ctx.log.warn({ host: hostOf(presigned.url) }, 'Genesys named an upload URL outside its region; the file is not sent there')
      return { ok: false, status: 502, message: 'The contact centre gave an upload address Parley does not trust.' }
    }
    const scanned = link.waitFor((f) => forThis(f) && (f.class === 'UploadSuccessEvent' || f.class === 'UploadFailureEvent'), 60_000)
    try {
      const put = await this.ctx.fetch(presigned.url, {
        method: 'PUT',
        headers: { ...presigned.headers, 'content-type': file.type },
        body: new Uint8Array(file.bytes),
        signal: AbortSignal.timeout(60_000),
      })
      if (!put.ok) return { ok: false, status: 502, message: `The upload failed (${put.status}).` }
    } catch (err) {
      this.ctx.log.warn({ err }, 'Genesys upload failed')
      return { ok: false, status: 502, message: 'The upload did not complete; try again.' }
    }
    const result = await scanned
    if (!result) return { ok: false, status: 502, message: 'The upload did not complete; try again.' }
    return result.class === 'UploadSuccessEvent' ? { ok: true, attachmentId } : { ok: false, status: 415, message: 'The contact centre rejected the file.' }
  }

  /** The guest removed a file they uploaded but did not send: `deleteAttachment` (PROTOCOL.md §3.14 step 6). */
  async deleteAttachment(attachmentId: string): Promise<boolean> {
    const link = await this.configuredLink()
    if (!link) return false
    const answer = await link.request(
      req.deleteAttachment(this.credential.token, tracing('delete'), attachmentId),
      (f) => f.class === 'AttachmentDeletedResponse' && f.attachmentId === attachmentId,
      ANSWER_MS,
    )
    return answer.ok
  }

  /** A fresh download URL for a file of this session (Genesys' URLs expire): `getAttachment` → PresignedUrlResponse. */
  async downloadUrl(attachmentId: string): Promise<string | undefined> {
    const link = await this.configuredLink()
    if (!link) return undefined
    const answer = await link.request(
      req.getAttachment(this.credential.token, tracing('download'), attachmentId),
      (f) => 'attachmentId' in f && f.attachmentId === attachmentId && (f.class === 'PresignedUrlResponse' || f.class === 'GenerateUrlError'),
      ANSWER_MS,
    )
    if (!answer.ok || answer.frame.class !== 'PresignedUrlResponse') return undefined
    if (transferUrlAllowed(this.ctx.genesys, answer.frame.url)) return answer.frame.url
    this.ctx.log.warn({ host: hostOf(answer.frame.url) }, 'Genesys named a download URL outside its region; not followed')
    return undefined
  }

  /**
   * Guest typing, as Genesys' SDK sends it: only when the deployment shows user typing (absent means no),
   * at most once per 5 s (a text message either way starts the interval afresh), and only while nothing
   * else is outstanding (it waits up to 2 s for that). A 403 switches it off for the session.
   */
  typing(active: boolean, since = Date.now()): void {
    const now = Date.now()
    const link = this.link
    if (!active || this.typingOff || !this.ctx.deployment().showUserTyping) return
    if (this.phase.is !== 'ready' || now - this.typingAt < TYPING_EVERY_MS) return
    if (!link?.idle || this.queue.busy) {
      // the widget tells us only every few seconds, so a typing dropped here would be gone for that long
      if (this.typingRetry === undefined && now - since < TYPING_RETRY_FOR_MS) {
        this.typingRetry = setTimeout(() => {
          this.typingRetry = undefined
          this.typing(true, since)
        }, TYPING_RETRY_MS)
      }
      return
    }
    this.typingAt = now
    this.queue.takeSlot()
    const id = tracing('typing')
    void link.request(req.typingOn(this.credential.token, id), (f) => f.class === 'StructuredMessage' && f.tracingId === id, TYPING_EVERY_MS).then((answer) => {
      if (!answer.ok && 'refused' in answer && answer.refused.code === 403) {
        this.typingOff = true
        this.ctx.log.info('Genesys refused guest typing (403); not sending it for this session')
      }
    })
  }

  /** A guest socket connected: be live, and check the session's health if that is due. */
  guestConnected(): void {
    this.connect()
    this.healthCheck()
  }

  /**
   * The guest ends the chat. Only Presence Clear ends a Genesys conversation (`closeSession` closes
   * connections and leaves the agent a live conversation), so without Clear, or when Genesys does not
   * confirm it, the conversation is `kept`: it goes on until the agent ends it.
   */
  async end(): Promise<'ended' | 'kept'> {
    if (this.phase.is === 'closed') return 'ended'
    if (this.phase.is === 'read-only') {
      this.close()
      return 'ended'
    }
    if (!this.ctx.deployment().clearEnabled) return 'kept'
    const link = await this.configuredLink()
    // configuring may have found the conversation read-only meanwhile
    if (this.currently('read-only')) {
      this.close()
      return 'ended'
    }
    if (!link || this.phase.is !== 'ready') return 'kept'
    const kept = this.phase
    this.phase = { is: 'ending' }
    const answer = await link.request(
      req.presence(this.credential.token, tracing('clear'), 'Clear'),
      (f) => f.class === 'Ack' || f.class === 'SessionClearedEvent',
      ANSWER_MS,
    )
    if (answer.ok) {
      this.close()
      return 'ended'
    }
    this.ctx.log.warn({ refused: 'refused' in answer ? answer.refused.code : undefined }, 'Genesys did not clear the conversation; it stays open')
    if (this.phase.is === 'ending') this.phase = kept
    return 'kept'
  }

  /** Stop everything; pending sends are answered so the guest's outbox resends them later. */
  close(): void {
    if (this.phase.is === 'waiting') clearTimeout(this.phase.timer)
    this.phase = { is: 'closed' }
    this.shutdown()
    this.queue.settleAll({ ok: false, code: 'upstream_unavailable', message: 'The contact centre connection closed; retrying.', retryAfterMs: 2000 })
  }

  // ── connecting ────────────────────────────────────────────────────────────

  private openLink(attempt: number, lostSince?: number): void {
    this.link?.close()
    this.phase = lostSince === undefined ? { is: 'connecting', attempt, afterExpiry: false } : { is: 'connecting', attempt, lostSince, afterExpiry: false }
    this.ctx.log.debug({ conversationId: this.conversationId }, 'opening the Genesys socket')
    const link: GenesysLink = new GenesysLink({
      url: this.ctx.endpoints().socketUrl,
      origin: this.ctx.genesys.origin,
      pingMs: this.ctx.genesys.pingMs,
      log: this.ctx.log,
      events: {
        opened: () => void this.configure(link),
        frame: (f) => {
          if (this.link === link) this.onFrame(f)
        },
        stray: (r) => this.ctx.log.warn({ code: r.code }, 'Genesys reported an error that answers no request; ignored'),
        dropped: () => {
          if (this.link === link) this.onDrop()
        },
      },
    })
    this.link = link
    link.open()
  }

  private async configure(link: GenesysLink): Promise<void> {
    if (this.phase.is !== 'connecting' || this.link !== link) return
    const { token, customerId, auth } = this.credential
    const { deploymentId } = this.ctx.genesys
    const answer = await link.request(
      auth
        ? req.configureAuthenticatedSession(token, deploymentId, this.startNew, tracing('configure'), customerId, auth.jwt)
        : req.configureSession(token, deploymentId, this.startNew, tracing('configure'), customerId),
      (f) => f.class === 'SessionResponse',
      this.ctx.sessionTimeoutMs ?? ANSWER_MS,
    )
    if (this.link !== link) return
    if (answer.ok) {
      if (answer.frame.class === 'SessionResponse') this.onSession(answer.frame.body)
      return
    }
    if ('refused' in answer) {
      if (answer.refused.code === 401 && auth) return void this.reauthenticate(link, auth)
      // "Session authentication failed", "Try to authenticate again": only a new sign-in helps (PROTOCOL.md §3.7)
      if (answer.refused.code === 403 && auth) return this.signInAgain()
      return this.onConfigureRefused(answer.refused)
    }
    if (answer.lost === 'timeout') {
      this.ctx.log.warn({ conversationId: this.conversationId }, 'Genesys did not answer configureSession in time; reconnecting')
      link.terminate()
    }
  }

  /** The JWT expired (401): refresh it and configure again, at most 3 times; then the visitor must sign in again. */
  private async reauthenticate(link: GenesysLink, auth: GenesysAuth): Promise<void> {
    const fresh = this.authRefreshes < 3 ? await this.ctx.refreshAuth?.(auth) : undefined
    this.authRefreshes++
    if (this.link !== link || this.phase.is !== 'connecting') return
    if (!fresh) return this.signInAgain()
    this.credential.auth = fresh
    void this.configure(link)
  }

  /** Genesys no longer takes this authenticated session: the guest hears it, nothing retries blindly. */
  private signInAgain(): void {
    this.shutdown()
    this.phase = { is: 'refused' }
    this.ctx.log.warn({ conversationId: this.conversationId }, 'Genesys refused the authenticated session; the visitor must sign in again')
    this.queue.settleAll({ ok: false, code: 'upstream_error', message: 'Your sign-in has expired; sign in again to go on.' })
    this.notifyConfigured(false)
  }

  private onConfigureRefused(r: Refusal): void {
    const attempt = this.phase.is === 'connecting' ? this.phase.attempt : 1
    const decision = configureRefusal(r.code, r.message, attempt, this.ctx.genesys.reconnectMs)
    this.shutdown()
    if (decision.do === 'stop') {
      this.phase = { is: 'refused' }
      this.ctx.log.error({ code: r.code }, decision.fix)
      this.queue.settleAll({ ok: false, code: 'upstream_error', message: 'The contact centre cannot take this chat; the site has been told.' })
      return this.notifyConfigured(false)
    }
    this.ctx.log.warn({ code: r.code, retryInMs: decision.afterMs }, 'Genesys refused configureSession; trying again')
    // the guest hears it now, and their outbox sends again after the wait
    this.queue.settleAll({
      ok: false,
      code: 'upstream_unavailable',
      message: `The contact centre refused the chat for now (${r.code}); retrying.`,
      retryAfterMs: Math.max(1000, decision.afterMs),
    })
    this.notifyConfigured(false)
    this.phase = { is: 'waiting', attempt: attempt + 1, timer: setTimeout(() => this.openLink(attempt + 1), decision.afterMs) }
  }

  private onSession(info: SessionInfo): void {
    this.ctx.log.debug({ newSession: info.newSession, readOnly: info.readOnly }, 'Genesys session configured')
    if (!info.connected) return // the answer to closeSession
    this.authRefreshes = 0
    const afterExpiry = this.phase.is === 'connecting' && this.phase.afterExpiry
    if (this.startNew) {
      this.startNew = false
      this.ctx.startedNew?.()
    }
    this.info = info
    this.ctx.sessionConfigured?.(info)
    if (info.newSession) this.queue.newSession()
    if (info.readOnly) {
      this.notifyConfigured(true)
      return void this.onReadOnly()
    }
    this.phase = { is: 'ready', info, filling: !info.newSession }
    this.notifyConfigured(true)
    if (info.newSession && this.ctx.deployment().autoStart) void this.autoStart()
    if (afterExpiry && info.newSession)
      void appendMessage(this.ctx.store, this.conversationId, { role: 'system', text: 'The previous conversation expired; this is a new one.' }).catch((err: unknown) =>
        this.ctx.log.error({ err }, 'could not note the expiry'),
      )
    this.scheduleHealth()
    // a session we had before (a reconnect, or a restart of the BFF) may have missed messages: fill the gap
    if (!info.newSession) return void this.fill()
    this.queue.resume()
  }

  /** The link of a configured session, connecting first if needed; undefined when that does not happen in time. */
  private async configuredLink(): Promise<GenesysLink | undefined> {
    if ((this.phase.is === 'ready' || this.phase.is === 'read-only') && this.link?.isOpen) return this.link
    if (this.phase.is === 'closed' || this.phase.is === 'refused' || this.phase.is === 'ending') return undefined
    if (this.phase.is === 'read-only') this.openLink(1)
    else this.connect()
    const ok = await new Promise<boolean>((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer)
        this.configured.delete(done)
        resolve(value)
      }
      const timer = setTimeout(() => done(false), ANSWER_MS)
      this.configured.add(done)
    })
    return ok && this.link?.isOpen ? this.link : undefined
  }

  private notifyConfigured(ok: boolean): void {
    for (const done of [...this.configured]) done(ok)
  }

  private async autoStart(): Promise<void> {
    const attributes = await this.queue.takeAttributes()
    this.queue.takeSlot()
    const id = tracing('join')
    // Genesys acknowledges the auto-start with a Presence Join of its own (SDK: Event.ConversationAutostart)
    const isJoin = (f: GenesysFrame): boolean =>
      f.class === 'StructuredMessage' && (f.tracingId === id || f.body.events.some((e) => e.kind === 'Presence' && e.presence === 'Join'))
    const answer = await this.link?.request(req.presence(this.credential.token, id, 'Join', attributes), isJoin, ANSWER_MS)
    if (answer && !answer.ok && 'refused' in answer) this.ctx.log.warn({ code: answer.refused.code }, 'Genesys refused the auto-start Join')
  }

  // ── frames that answer no request ─────────────────────────────────────────

  private onFrame(f: GenesysFrame): void {
    switch (f.class) {
      case 'StructuredMessage':
        if (f.tracingId === HEALTH_CHECK_ID) return this.onHealthReply(f.body)
        // a text either way restarts the typing interval, as Genesys' SDK does (UserTypingProvider.clear)
        if (f.body.type === 'Text') this.typingAt = 0
        return this.inbound.push(f.body, f.tracingId)
      case 'SessionExpiredEvent':
        return this.expired()
      case 'SessionClearedEvent':
        // cleared from another device of the guest's: the conversation is over here too
        if (this.phase.is !== 'ending') void this.onReadOnly()
        return
      case 'ConnectionClosedEvent':
        // another connection took over, or the session was closed elsewhere: do not reconnect blindly
        if (this.phase.is !== 'ending' && this.phase.is !== 'read-only') this.detach(`Genesys closed the connection${f.reason ? ` (${f.reason})` : ''}`)
        return
      case 'LogoutEvent':
        return void this.onLoggedOut()
      case 'Unknown':
        return this.ctx.log.debug({ class: f.name }, 'Genesys frame ignored')
      default:
        return // answers to requests, settled by the link
    }
  }

  private expired(): void {
    if (this.phase.is === 'connecting') return // already configuring again
    // the Genesys session is gone; the same token configures a new one (PROTOCOL.md §3.10)
    this.ctx.log.info({ conversationId: this.conversationId }, 'Genesys session expired; configuring a new one')
    this.queue.newSession()
    const link = this.link
    if (!link?.isOpen) return
    this.phase = { is: 'connecting', attempt: 1, afterExpiry: true }
    void this.configure(link)
  }

  private onDrop(): void {
    this.link = undefined
    clearTimeout(this.healthTimer)
    this.inbound.flush()
    this.queue.requeueInFlight()
    const phase = this.phase
    if (phase.is !== 'connecting' && phase.is !== 'ready') return
    const now = Date.now()
    const lostSince = (phase.is === 'connecting' ? phase.lostSince : undefined) ?? now
    if (now - lostSince >= this.ctx.genesys.reconnectForMs) return this.detach('no connection to Genesys for the whole reconnect window')
    this.ctx.log.info({ conversationId: this.conversationId }, 'Genesys socket dropped; reconnecting with the same session token')
    this.notifyConfigured(false)
    this.phase = { is: 'waiting', attempt: 1, lostSince, timer: setTimeout(() => this.openLink(1, lostSince), this.ctx.genesys.reconnectMs) }
  }

  /** Give up until the guest acts again; their messages stay in their outbox and come back. */
  private detach(reason: string): void {
    this.ctx.log.warn({ conversationId: this.conversationId, reason }, 'Genesys session detached')
    if (this.phase.is === 'waiting') clearTimeout(this.phase.timer)
    this.phase = { is: 'detached' }
    this.shutdown()
    this.notifyConfigured(false)
    this.queue.settleAll({ ok: false, code: 'upstream_unavailable', message: 'The contact centre is unreachable; retrying.', retryAfterMs: this.ctx.genesys.reconnectMs })
  }

  /** The authenticated session was logged out (here or elsewhere): it takes no more messages. */
  private async onLoggedOut(): Promise<void> {
    this.ctx.log.info({ conversationId: this.conversationId }, 'Genesys authenticated session logged out')
    delete this.credential.auth
    await this.onReadOnly()
    this.shutdown()
  }

  private async onReadOnly(): Promise<void> {
    this.phase = { is: 'read-only' }
    this.queue.settleAll({ ok: false, code: 'conversation_ended', message: 'This conversation has ended; start a new chat.' })
    await endConversation(this.ctx.store, this.conversationId).catch((err: unknown) => this.ctx.log.error({ err }, 'could not end the conversation'))
  }

  private shutdown(): void {
    clearTimeout(this.healthTimer)
    clearTimeout(this.typingRetry)
    this.typingRetry = undefined
    this.queue.stop()
    this.inbound.close()
    const link = this.link
    this.link = undefined
    link?.close()
  }

  // ── sending ───────────────────────────────────────────────────────────────

  private transmit(item: PendingSend, attributes: req.Attributes | undefined): ReturnType<GenesysLink['request']> {
    const link = this.link
    if (!link) return Promise.resolve({ ok: false, lost: 'closed' })
    const { token } = this.credential
    const offer = item.reply?.messageId ? this.inbound.genesysIdOf(item.reply.messageId) : undefined
    const frame = item.reply
      ? req.onMessageButtonResponse(token, item.clientMessageId, {
          text: item.text,
          payload: item.reply.payload,
          kind: REPLY_KINDS[item.reply.kind],
          ...(offer ? { originatingMessageId: offer } : {}),
        })
      : item.attachments?.length
        ? req.onMessageAttachments(token, item.clientMessageId, item.text, item.attachments, attributes)
        : req.onMessageText(token, item.clientMessageId, item.text, attributes)
    return link.request(frame, isEcho(item.clientMessageId), this.ctx.echoTimeoutMs ?? 30_000)
  }

  /** Custom attributes trimmed to what the session accepts. */
  private async customAttributes(): Promise<req.Attributes | undefined> {
    const { kept, dropped } = req.fitAttributes(await this.ctx.attributes(), this.info?.maxCustomDataBytes)
    if (dropped.length) this.ctx.log.warn({ dropped: dropped.length }, 'guest attributes left out: over the session\'s maxCustomDataBytes')
    return Object.keys(kept).length ? kept : undefined
  }

  // ── gap fill and health ───────────────────────────────────────────────────

  private async fill(): Promise<void> {
    try {
      const jwt = await this.historyJwt()
      if (!jwt) return
      const { store } = this.ctx
      const missed = await fetchMissed({
        apiUrl: this.ctx.endpoints().apiUrl,
        jwt,
        origin: this.ctx.genesys.origin,
        fetch: this.ctx.fetch,
        isKnown: async (gid) => (await store.findByKey(this.conversationId, `genesys:${gid}`)) !== undefined,
      })
      this.ctx.log.debug({ missed: missed.length }, 'Genesys history read')
      await this.inbound.history(missed)
    } catch (err) {
      this.ctx.log.warn({ err }, 'could not fill the gap from Genesys history')
    } finally {
      if (this.phase.is === 'ready') this.phase.filling = false
      this.queue.resume()
    }
  }

  /** The history JWT, asked for again only when it is about to expire. */
  private async historyJwt(): Promise<string | undefined> {
    if (this.jwt && this.jwt.expMs - Date.now() > JWT_MARGIN_MS) return this.jwt.value
    const answer = await this.link?.request(req.getJwt(this.credential.token, tracing('jwt')), (f) => f.class === 'JwtResponse', ANSWER_MS)
    if (!answer?.ok || answer.frame.class !== 'JwtResponse') return undefined
    this.jwt = { value: answer.frame.jwt, expMs: answer.frame.exp * 1000 }
    return this.jwt.value
  }

  private scheduleHealth(): void {
    clearTimeout(this.healthTimer)
    const exp = this.info?.expirationDate
    if (exp === undefined) return
    // shortly before the session would expire, ask whether it still lives (and move its expiry)
    const due = Math.min(2 ** 31 - 1, Math.max(this.ctx.genesys.echoIntervalMs, exp * 1000 - Date.now() - 60_000))
    this.healthTimer = setTimeout(() => this.healthCheck(), due)
    this.healthTimer.unref?.()
  }

  private healthCheck(): void {
    const now = Date.now()
    const link = this.link
    if (this.phase.is !== 'ready' || !link || now - this.lastHealth < this.ctx.genesys.echoIntervalMs) return
    this.lastHealth = now
    void link.request(req.echo(this.credential.token), (f) => f.class === 'StructuredMessage' && f.tracingId === HEALTH_CHECK_ID, ANSWER_MS).then((answer) => {
      if (answer.ok || !('lost' in answer) || answer.lost !== 'timeout' || this.link !== link) return
      this.ctx.log.warn({ conversationId: this.conversationId }, 'Genesys did not answer the health check; reconnecting')
      link.terminate()
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

function hostOf(value: string): string {
  try {
    return new URL(value).host
  } catch {
    return 'unreadable'
  }
}
