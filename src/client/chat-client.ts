/**
 * @module client/chat-client
 * The whole guest side without a framework: session (create, restore, refresh), socket, outbox, resume.
 * The Vue widget runs exactly this; Node scripts use it with `ws` as the socket.
 */
import {
  countChars,
  DEFAULT_MAX_MESSAGE_CHARS,
  hasContent,
  normalizeText,
  parseGuestSession,
  type Attachment,
  type CreateGuestSessionBody,
  type Draft,
  type ErrorFrame,
  type GuestSession,
  type ReceiptFrame,
  type SendFrame,
  type ServerFrame,
  type ServerTypingFrame,
  type TranscriptEntry,
} from '../protocol'
import { asObject, readId, readSeq } from '../protocol/read'
import type { BackoffOptions } from './backoff'
import { BffError, createBffClient, type BffClient } from './bff-http'
import { createConnection, type ConnectionState } from './connection'
import { createEmitter } from './emitter'
import { createOutbox, type OutboxItem } from './outbox'
import { defaultSocketFactory, type SocketFactory } from './socket'
import { safeRead, safeWrite, type StorageLike } from './storage'

export interface ChatClientEvents {
  session: GuestSession | undefined
  connection: ConnectionState
  /** New or replayed transcript entries, in seq order. */
  entries: TranscriptEntry[]
  /** History was lost or too far behind: these entries replace everything shown. */
  reset: TranscriptEntry[]
  /** Older entries, from `loadOlder`. */
  older: TranscriptEntry[]
  typing: ServerTypingFrame
  receipt: ReceiptFrame
  outbox: OutboxItem[]
  /** A problem to show the guest: an `error` frame or a failed HTTP call. */
  error: { code: string; message: string }
  /** Where the next reconnect resumes (other tabs mirror it). */
  resume: ResumePoint | undefined
}

/** Where the session lives; the Vue widget passes its Pinia store. @default in memory */
export interface SessionHolder {
  get(): GuestSession | undefined
  set(session: GuestSession | undefined): void
}

export interface ChatClientOptions {
  /** Base URL of the BFF. */
  bffUrl: string
  /** @default the global WebSocket */
  WebSocket?: SocketFactory
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** Keeps session, resume point and outbox across reloads. @default none */
  storage?: StorageLike
  /** @default 'parley' */
  storageKey?: string
  session?: SessionHolder
  /** Sent when a guest session is created. */
  profile?: CreateGuestSessionBody
  /** Who the visitor is, signed by the host site's backend (docs/identity.md): a token, or a function that fetches a fresh one. */
  identityToken?: IdentitySource
  /** @default 4000, the BFF's default */
  maxMessageChars?: number
  heartbeatMs?: number
  backoff?: BackoffOptions
}

/** A host-signed identity token, or a function that fetches a fresh one (they live 10 minutes at most). */
export type IdentitySource = string | (() => Promise<string | undefined> | string | undefined)

export interface ChatClient {
  /** Restore or create the session and connect; `profile` (a pre-chat form) goes with a session created now. */
  start(options?: { profile?: CreateGuestSessionBody }): Promise<void>
  /** Queue a message with its files or the quick reply it answers; returns its outbox item (undefined when empty). */
  send(text: string, draft?: Draft): OutboxItem | undefined
  /** Upload a file for a later `send`; `done` resolves with the attachment to put in `draft.attachments`. */
  upload(file: File, onProgress?: (fraction: number) => void): { done: Promise<Attachment>; abort(): void }
  retry(clientMessageId: string): void
  setTyping(active: boolean): void
  markRead(upToSeq: number): void
  /** Fetch the page of history before the oldest entry seen; resolves false when there is no more. */
  loadOlder(): Promise<boolean>
  /** Skip the backoff wait. */
  reconnect(): void
  goOffline(): void
  /** End the conversation upstream and forget everything on this device. */
  endChat(): Promise<void>
  /** After the conversation ended: forget it on this device and start a new one. */
  startNew(): Promise<void>
  /** The visitor signed in on the host site: a conversation under way is upgraded in place, a new one starts verified. */
  identify(token: IdentitySource): Promise<void>
  /** End the verified session on this device: nothing of it stays in storage, and a new anonymous guest starts. */
  logout(): Promise<void>
  /** Rate the conversation (1–5, an optional comment). Rejects with a `BffError` when the BFF refuses. */
  rate(score: number, comment?: string): Promise<void>
  stop(): void
  on: ReturnType<typeof createEmitter<ChatClientEvents>>['on']
  readonly connection: ConnectionState
}

export interface ResumePoint {
  epoch: string
  lastSeq: number
}

/** The engine behind a tab that leads: a chat client that can also take messages composed in other tabs. */
export interface EngineClient extends ChatClient {
  /** Queue a message composed elsewhere (another tab), keeping its id so resending stays idempotent. */
  adopt(item: OutboxItem): void
  /** Whether `start()` was called (and `stop()` not since). */
  readonly started: boolean
}

export function readResumePoint(raw: unknown): ResumePoint | undefined {
  const o = asObject(raw)
  const epoch = o && readId(o, 'epoch')
  const lastSeq = o && readSeq(o, 'lastSeq')
  return epoch && lastSeq !== undefined ? { epoch, lastSeq } : undefined
}

const REFRESH_MARGIN_MS = 60_000

/** `rate()` of the engine and of a follower tab: both hold the session, the rating is plain HTTP. */
export async function rateConversation(bff: BffClient, holder: SessionHolder, score: number, comment?: string): Promise<void> {
  const session = holder.get()
  if (!session) throw new BffError('No conversation.', 0, 'no_session')
  await bff.rate(session.guestToken, comment ? { score, comment } : { score })
}

/**
 * `upload()` of the engine and of a follower tab, once `session` (which may still be being created) is there.
 * `abort()` after the upload finished discards the file at the BFF (the guest removed it before sending).
 */
export function uploadFile(bff: BffClient, session: Promise<GuestSession | undefined>, file: File, onProgress?: (fraction: number) => void): ReturnType<ChatClient['upload']> {
  let abort: (() => void) | undefined
  let aborted = false
  const done = session.then(async (s) => {
    if (aborted) throw new BffError('Cancelled.', 0, 'aborted')
    if (!s) throw new BffError('No conversation.', 0, 'no_session')
    const upload = bff.upload(s.guestToken, file, onProgress)
    abort = upload.abort
    const id = await upload.done
    abort = () => void bff.discardUpload(s.guestToken, id).catch(() => undefined)
    if (aborted) abort()
    return { id, name: file.name, type: file.type || 'application/octet-stream', size: file.size }
  })
  return { done, abort: () => ((aborted = true), abort?.()) }
}

/** The `send` frame of an outbox item: its files go by id. */
export function sendFrame(item: OutboxItem): SendFrame {
  const frame: SendFrame = { type: 'send', clientMessageId: item.clientMessageId, text: item.text }
  if (item.attachments) frame.attachments = item.attachments.map((a) => a.id)
  if (item.reply) frame.reply = item.reply
  return frame
}

/** The storage keys a client with this `storageKey` uses. */
export function storageKeys(storageKey = 'parley'): { session: string; resume: string; outbox: string } {
  return { session: `${storageKey}:session`, resume: `${storageKey}:resume`, outbox: `${storageKey}:outbox` }
}

export function createChatClient(options: ChatClientOptions): EngineClient {
  const { storage, storageKey = 'parley', maxMessageChars = DEFAULT_MAX_MESSAGE_CHARS } = options
  const keys = storageKeys(storageKey)
  const events = createEmitter<ChatClientEvents>()
  const bff = createBffClient(options.fetch ? { baseUrl: options.bffUrl, fetch: options.fetch } : { baseUrl: options.bffUrl })
  let memorySession: GuestSession | undefined
  const holder: SessionHolder = options.session ?? { get: () => memorySession, set: (s) => (memorySession = s) }

  let resume = readResumePoint(safeRead(storage, keys.resume))
  let oldestSeq: number | undefined
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  /** This client has loaded the transcript once (so resuming from `resume.lastSeq` misses nothing shown). */
  let synced = false
  let creating: Promise<GuestSession> | undefined
  let refreshing: Promise<void> | undefined
  let stopped = false
  let profile = options.profile
  let identity = options.identityToken
  const identityToken = async (): Promise<string | undefined> => (typeof identity === 'function' ? identity() : identity)

  const outbox = createOutbox({ key: keys.outbox, onChange: (items) => events.emit('outbox', items), ...(storage ? { storage } : {}) })

  function setSession(session: GuestSession | undefined): void {
    holder.set(session)
    safeWrite(storage, keys.session, session)
    clearTimeout(refreshTimer)
    if (session && !stopped) {
      const due = Date.parse(session.expiresAt) - Date.now() - REFRESH_MARGIN_MS
      refreshTimer = setTimeout(() => void refreshTokens(), Math.max(5_000, due))
    }
    events.emit('session', session)
  }
  /** Seqs already given to listeners in this conversation: each entry is emitted once, replays are dropped. */
  const shown = new Set<number>()
  function emitNew(event: 'entries' | 'older', list: TranscriptEntry[]): void {
    const fresh = list.filter((e) => !shown.has(e.seq))
    for (const e of fresh) shown.add(e.seq)
    if (fresh.length) events.emit(event, fresh)
  }
  function emitReset(list: TranscriptEntry[]): void {
    shown.clear()
    for (const e of list) shown.add(e.seq)
    events.emit('reset', list)
  }

  function setResume(point: ResumePoint | undefined): void {
    resume = point
    safeWrite(storage, keys.resume, point)
    events.emit('resume', point)
  }
  const report = (err: unknown): void => {
    const e = err instanceof BffError ? err : new BffError('Something went wrong.', 0, 'internal')
    events.emit('error', { code: e.code, message: e.message })
  }

  async function newSession(): Promise<GuestSession> {
    creating ??= identityToken()
      .then((token) => bff.createGuestSession(token ? { ...profile, identityToken: token } : profile, after))
      .finally(() => (creating = undefined))
    const session = await creating
    after = undefined
    shown.clear()
    setResume(undefined)
    oldestSeq = undefined
    setSession(session)
    return session
  }

  /** Refresh the tokens; a session the BFF no longer knows (e.g. after a restart) is replaced by a new one. */
  function refreshTokens(): Promise<void> {
    refreshing ??= (async () => {
      const current = holder.get()
      if (!current) return
      try {
        const tokens = await bff.refresh(current.refreshToken)
        setSession({ ...current, ...tokens })
        // the open socket takes the new token in-band, so a refresh never interrupts the conversation
        connection.send({ type: 'auth', token: tokens.guestToken })
      } catch (err) {
        if (err instanceof BffError && err.status === 401) {
          // the conversation is gone: start a new one; unacked messages are resent into it
          events.emit('error', { code: 'session_lost', message: 'The previous conversation could not be resumed; a new one was started.' })
          // acked messages went down with the old conversation: send them again into the new one
          for (const item of outbox.items()) if (item.state === 'sent') outbox.retry(item.clientMessageId)
          await newSession()
          emitReset([])
        } else throw err
      }
    })().finally(() => (refreshing = undefined))
    return refreshing
  }

  /**
   * Fetch the newest page over HTTP, then resume live from its end. `replace` (after `reset` or a new
   * epoch) makes it replace what is shown; otherwise it is merged (a fresh page load, a tab taking over).
   */
  async function resync(epoch: string, replace: boolean): Promise<void> {
    const session = holder.get()
    if (!session) return
    const page = await bff.fetchMessages(session.guestToken, { limit: 50 })
    const lastSeq = page.messages.at(-1)?.seq ?? 0
    oldestSeq = page.messages[0]?.seq
    synced = true
    outbox.forgetUpTo(lastSeq)
    setResume({ epoch, lastSeq })
    if (replace) emitReset(page.messages)
    else emitNew('entries', page.messages)
    connection.send({ type: 'resume', epoch, afterSeq: lastSeq })
  }

  function flushOutbox(): void {
    for (const item of outbox.sending()) connection.send(sendFrame(item))
  }

  function onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ready':
        if (frame.heartbeatMs) connection.setHeartbeat(frame.heartbeatMs)
        // a resume point from storage is only good for entries this page has shown: the first time, load them
        if (synced && resume && resume.epoch === frame.epoch) connection.send({ type: 'resume', epoch: frame.epoch, afterSeq: resume.lastSeq })
        else void resync(frame.epoch, resume !== undefined && resume.epoch !== frame.epoch).catch(report)
        flushOutbox()
        return
      case 'message':
      case 'event':
        if (frame.type === 'message' && frame.clientMessageId && frame.role === 'guest') outbox.forget(frame.clientMessageId)
        if (resume && frame.seq > resume.lastSeq) setResume({ epoch: resume.epoch, lastSeq: frame.seq })
        if (oldestSeq === undefined || frame.seq < oldestSeq) oldestSeq = frame.seq
        return emitNew('entries', [frame])
      case 'ack':
        // an ack for an entry already shown (a resend after a reconnect, answered with the original seq)
        // has nothing left to wait for
        if (resume && frame.seq <= resume.lastSeq) return outbox.forget(frame.clientMessageId)
        return outbox.ack(frame.clientMessageId, frame.seq)
      case 'typing':
        return events.emit('typing', frame)
      case 'receipt':
        return events.emit('receipt', frame)
      case 'reset':
        if (resume) void resync(frame.epoch ?? resume.epoch, true).catch(report)
        return
      case 'error':
        return onError(frame)
      case 'pong':
        return
      default: {
        const unhandled: never = frame
        return unhandled
      }
    }
  }

  function onError(frame: ErrorFrame): void {
    const id = frame.clientMessageId
    if (id && (frame.code === 'rate_limited' || frame.code === 'upstream_unavailable' || frame.code === 'unavailable')) {
      // still "sending": once the BFF says there is room, resend everything unacked in order (one timer for
      // all of them, so the order the guest wrote in is the order they are appended)
      retryTimer ??= setTimeout(() => {
        retryTimer = undefined
        flushOutbox()
      }, frame.retryAfterMs ?? 1000)
      return
    }
    // a refused in-band token changes nothing now: the server closes with 4001 at expiry and we refresh then;
    // a limit without a message id is on typing updates, which are advisory: nothing to tell the guest
    if (frame.code === 'unauthorized' || (!id && frame.code === 'rate_limited')) return
    if (id) outbox.fail(id, frame.message)
    events.emit('error', { code: frame.code, message: frame.message })
  }

  const connection = createConnection({
    socket: options.WebSocket ?? defaultSocketFactory(),
    credentials: async () => {
      let session = holder.get() ?? (await newSession())
      if (Date.parse(session.expiresAt) - Date.now() < 10_000) {
        await refreshTokens()
        session = holder.get() ?? session
      }
      return { url: new URL(session.socketUrl, options.bffUrl.replace(/^http/, 'ws')).toString(), token: session.guestToken }
    },
    onFrame,
    onState: (state) => events.emit('connection', state),
    onAuthProblem: () => refreshTokens().catch(report),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  })

  /** The guest token of a conversation that ended, sent with the next new session (see `startNew`). */
  let after: string | undefined

  /** Forget the conversation on this device: tokens, resume point, outbox, what is shown. */
  function forget(): void {
    outbox.clear()
    setResume(undefined)
    setSession(undefined)
    synced = false
    emitReset([])
  }

  const client: EngineClient = {
    async start(startOptions) {
      if (startOptions?.profile) profile = startOptions.profile
      stopped = false
      if (!holder.get()) {
        const stored = parseGuestSession(safeRead(storage, keys.session))
        if (stored) setSession(stored)
        // a session kept from an earlier page: the visitor may have signed in (or be someone else) since
        if (stored && identity) void client.identify(identity)
      } else setSession(holder.get())
      events.emit('outbox', outbox.items())
      connection.start()
    },
    send(raw, draft) {
      const text = normalizeText(raw)
      if (!hasContent(text) && !draft?.attachments?.length) return undefined
      const item = outbox.add(text, draft)
      if (countChars(text) > maxMessageChars) {
        outbox.fail(item.clientMessageId, `Messages are limited to ${maxMessageChars} characters.`)
        return item
      }
      // while earlier messages wait out a refusal, a new one waits with them: sent now it would overtake them
      if (retryTimer === undefined) connection.send(sendFrame(item))
      return item
    },
    // a guest may attach before their first message: the file waits for the session being created
    upload: (file, onProgress) => uploadFile(bff, Promise.resolve(holder.get() ?? newSession()), file, onProgress),
    adopt(item) {
      outbox.put(item)
      if (item.state === 'sending' && retryTimer === undefined) connection.send(sendFrame(item))
    },
    retry(id) {
      const item = outbox.retry(id)
      if (item) connection.send(sendFrame(item))
    },
    setTyping(active) {
      connection.send({ type: 'typing', active })
    },
    markRead(upToSeq) {
      connection.send({ type: 'read', upToSeq })
    },
    async loadOlder() {
      const session = holder.get()
      if (!session || oldestSeq === undefined || oldestSeq <= 1) return false
      const page = await bff.fetchMessages(session.guestToken, { before: oldestSeq, limit: 50 })
      oldestSeq = page.messages[0]?.seq ?? oldestSeq
      emitNew('older', page.messages)
      return page.hasMore
    },
    reconnect: () => connection.reconnectNow(),
    goOffline: () => connection.goOffline(),
    async endChat() {
      const session = holder.get()
      connection.stop()
      if (session) await bff.endSession(session.guestToken).catch(report)
      forget()
      // a pre-chat profile goes too: this device keeps nothing about the guest
      profile = options.profile
    },
    async startNew() {
      // the BFF may go on with the upstream session of the ended conversation (Genesys: startNew on the same token)
      after = holder.get()?.guestToken
      connection.stop()
      forget()
      connection.start()
    },
    async identify(token) {
      identity = token
      await refreshing
      const current = holder.get()
      const signed = current && (await identityToken())
      if (!current || !signed) return
      try {
        const tokens = await bff.refresh(current.refreshToken, signed)
        setSession({ ...current, ...tokens })
        connection.send({ type: 'auth', token: tokens.guestToken })
      } catch (err) {
        // this device held someone else's verified conversation: theirs stays theirs, this visitor starts anew
        if (!(err instanceof BffError && err.code === 'identity_mismatch')) return report(err)
        connection.stop()
        forget()
        connection.start()
      }
    },
    async logout() {
      const session = holder.get()
      connection.stop()
      identity = undefined
      profile = options.profile
      after = undefined
      forget()
      if (session) await bff.logout(session.refreshToken).catch(() => undefined)
      if (!stopped) connection.start()
    },
    rate: (score, comment) => rateConversation(bff, holder, score, comment),
    get started() {
      return !stopped && connection.state.status !== 'idle'
    },
    stop() {
      stopped = true
      clearTimeout(refreshTimer)
      clearTimeout(retryTimer)
      retryTimer = undefined
      connection.stop()
    },
    on: events.on,
    get connection() {
      return connection.state
    },
  }
  return client
}
