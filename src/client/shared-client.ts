/**
 * @module client/shared-client
 * One socket per guest per browser. The tab that holds the lock leads: it runs the real chat client and
 * relays its events to the other tabs; the others follow: they send their actions to the leader and show
 * what it relays. Followers mirror the session, resume point and outbox into their own storage, so when
 * the leader closes, the next tab in line takes over the same conversation and resends what was unacked.
 */
import { hasContent, normalizeText, type CreateGuestSessionBody, type GuestSession } from '../protocol'
import { createBffClient } from './bff-http'
import { createChatClient, rateConversation, uploadFile, readResumePoint, storageKeys, type ChatClient, type ChatClientEvents, type ChatClientOptions, type EngineClient, type SessionHolder } from './chat-client'
import type { ConnectionState } from './connection'
import { createEmitter } from './emitter'
import { newOutboxItem, parseOutboxItems, type OutboxItem } from './outbox'
import { memoryStorage, safeRead, safeWrite } from './storage'
import { parseCommand, parseLeaderMessage, type Command, type LeaderMessage, type RelayedEvents } from './tab-messages'
import { browserTabEnv, holdLock, type ChannelLike, type TabEnv } from './tabs'

export interface SharedChatClientOptions extends ChatClientOptions {
  /** How tabs find each other. @default the browser's Web Locks + BroadcastChannel; `false` → this tab alone */
  tabs?: TabEnv | false
}

export type TabRole = 'pending' | 'leader' | 'follower'

export interface SharedChatClient extends ChatClient {
  readonly role: TabRole
}

const RELAYED: readonly (keyof RelayedEvents)[] = ['session', 'connection', 'entries', 'reset', 'typing', 'receipt', 'outbox', 'error', 'resume']

export function createSharedChatClient(options: SharedChatClientOptions): SharedChatClient {
  const env = options.tabs === false ? undefined : (options.tabs ?? browserTabEnv())
  if (!env) {
    const alone = createChatClient(options)
    return Object.assign(alone, { role: 'leader' as const })
  }

  const storageKey = options.storageKey ?? 'parley'
  const keys = storageKeys(storageKey)
  // a tab that persists nothing still needs somewhere to mirror the leader's state for a takeover
  const storage = options.storage ?? memoryStorage()
  let memorySession: GuestSession | undefined
  const holder: SessionHolder = options.session ?? { get: () => memorySession, set: (s) => (memorySession = s) }
  const events = createEmitter<ChatClientEvents>()
  const bff = createBffClient(options.fetch ? { baseUrl: options.bffUrl, fetch: options.fetch } : { baseUrl: options.bffUrl })
  const channel: ChannelLike = env.channel(`parley:${storageKey}`)
  const release = new AbortController()

  let role: TabRole = 'pending'
  let engine: EngineClient | undefined
  let wantStarted = false
  /** A pre-chat profile given before this tab knew whether it leads. */
  let wantProfile: CreateGuestSessionBody | undefined
  let connection: ConnectionState = { status: 'idle' }
  let leaderOutbox: OutboxItem[] = []
  /** Sent by this tab but not yet seen in the leader's outbox: resent to a new leader, adopted on takeover. */
  const unconfirmed = new Map<string, OutboxItem>()
  let identity = options.identityToken
  let historyFor: string | undefined
  let oldestSeq: number | undefined

  const post = (message: LeaderMessage | Command): void => {
    try {
      channel.postMessage(message)
    } catch {
      // a closed channel (tab shutting down): nothing to tell
    }
  }

  // ── leader ────────────────────────────────────────────────────────────────
  function lead(): void {
    role = 'leader'
    engine = createChatClient({ ...options, storage, session: holder, ...(identity ? { identityToken: identity } : {}) })
    for (const name of RELAYED) {
      engine.on(name, (payload) => {
        events.emit(name, payload)
        // `name` and `payload` belong together (same K), which TypeScript cannot follow through the loop
        post({ kind: 'event', event: name, payload } as LeaderMessage)
      })
    }
    engine.on('older', (payload) => events.emit('older', payload))
    const taken = [...unconfirmed.values()]
    unconfirmed.clear()
    if (wantStarted || holder.get() || safeRead(storage, keys.session) || taken.length) void engine.start(wantProfile ? { profile: wantProfile } : undefined)
    for (const item of taken) engine.adopt(item)
    // followers re-introduce themselves and resend what the old leader may not have kept
    post({ kind: 'leader' })
  }

  function obey(command: Command): void {
    const e = engine
    if (!e) return
    const started = (): EngineClient => {
      if (!e.started) void e.start()
      return e
    }
    switch (command.kind) {
      case 'hello':
        return post({
          kind: 'snapshot',
          session: holder.get(),
          resume: readResumePoint(safeRead(storage, keys.resume)),
          outbox: parseOutboxItems(safeRead(storage, keys.outbox)),
          connection: e.connection,
        })
      case 'start':
        if (command.profile && !e.started) return void e.start({ profile: command.profile })
        return void started()
      case 'newChat':
        return void e.startNew()
      case 'send':
        return started().adopt(command.item)
      case 'retry':
        return e.retry(command.clientMessageId)
      case 'typing':
        return e.setTyping(command.active)
      case 'read':
        return e.markRead(command.upToSeq)
      case 'reconnect':
        return e.reconnect()
      case 'endChat':
        return void e.endChat()
      case 'identify':
        return void e.identify(command.token)
      case 'logout':
        return void e.logout()
    }
  }

  // ── follower ──────────────────────────────────────────────────────────────
  function follow(): void {
    role = 'follower'
    post({ kind: 'hello' })
    if (wantStarted) post(wantProfile ? { kind: 'start', profile: wantProfile } : { kind: 'start' })
    for (const item of unconfirmed.values()) post({ kind: 'send', item })
    emitOutbox()
  }

  function emitOutbox(): void {
    const known = new Set(leaderOutbox.map((x) => x.clientMessageId))
    events.emit('outbox', [...leaderOutbox, ...[...unconfirmed.values()].filter((x) => !known.has(x.clientMessageId))])
  }

  function adoptSession(session: GuestSession | undefined): void {
    holder.set(session)
    safeWrite(storage, keys.session, session)
    events.emit('session', session)
    if (session && session.conversationId !== historyFor) {
      historyFor = session.conversationId
      // the live events only carry what happens from now on; the transcript so far comes over HTTP
      bff.fetchMessages(session.guestToken, { limit: 50 }).then(
        (page) => {
          oldestSeq = Math.min(oldestSeq ?? Infinity, page.messages[0]?.seq ?? Infinity)
          events.emit('entries', page.messages)
        },
        () => undefined,
      )
    }
  }

  function hear(message: LeaderMessage): void {
    if (message.kind === 'leader') return follow()
    if (message.kind === 'snapshot') {
      adoptSession(message.session)
      safeWrite(storage, keys.resume, message.resume)
      hear({ kind: 'event', event: 'outbox', payload: message.outbox })
      return hear({ kind: 'event', event: 'connection', payload: message.connection })
    }
    switch (message.event) {
      case 'session':
        return adoptSession(message.payload)
      case 'resume':
        return safeWrite(storage, keys.resume, message.payload)
      case 'outbox':
        leaderOutbox = message.payload
        safeWrite(storage, keys.outbox, leaderOutbox.length ? leaderOutbox : undefined)
        for (const item of leaderOutbox) unconfirmed.delete(item.clientMessageId)
        return emitOutbox()
      case 'connection':
        connection = message.payload
        return events.emit('connection', connection)
      case 'entries':
      case 'reset':
        for (const e of message.payload) {
          if (e.type === 'message' && e.clientMessageId) unconfirmed.delete(e.clientMessageId)
          oldestSeq = Math.min(oldestSeq ?? Infinity, e.seq)
        }
        if (message.event === 'reset') oldestSeq = message.payload[0]?.seq
        return events.emit(message.event, message.payload)
      case 'typing':
        return events.emit('typing', message.payload)
      case 'receipt':
        return events.emit('receipt', message.payload)
      case 'error':
        return events.emit('error', message.payload)
    }
  }

  channel.addEventListener('message', ({ data }) => {
    if (role === 'leader') {
      const command = parseCommand(data)
      if (command) obey(command)
    } else if (role === 'follower') {
      const message = parseLeaderMessage(data)
      if (message) hear(message)
    }
  })

  void holdLock(env.locks, `parley:${storageKey}:leader`, true, release.signal).then((leading) => {
    if (release.signal.aborted) return
    if (leading) return lead()
    follow()
    // wait in line: when the leading tab closes, the browser hands the lock to the next one
    void holdLock(env.locks, `parley:${storageKey}:leader`, false, release.signal).then((next) => {
      if (next && !release.signal.aborted) lead()
    })
  })

  const tell = (command: Command): void => {
    if (engine) obey(command)
    else if (role === 'follower') post(command)
  }

  return {
    get role() {
      return role
    },
    async start(startOptions) {
      wantStarted = true
      wantProfile = startOptions?.profile ?? wantProfile
      if (engine) await engine.start(startOptions)
      else if (role === 'follower') post(startOptions?.profile ? { kind: 'start', profile: startOptions.profile } : { kind: 'start' })
    },
    send(raw, draft) {
      if (engine) return engine.send(raw, draft)
      const text = normalizeText(raw)
      if (!hasContent(text) && !draft?.attachments?.length) return undefined
      const item = newOutboxItem(text, draft)
      unconfirmed.set(item.clientMessageId, item)
      if (role === 'follower') post({ kind: 'send', item })
      emitOutbox()
      return item
    },
    retry: (clientMessageId) => tell({ kind: 'retry', clientMessageId }),
    setTyping: (active) => tell({ kind: 'typing', active }),
    markRead: (upToSeq) => tell({ kind: 'read', upToSeq }),
    async loadOlder() {
      if (engine) return engine.loadOlder()
      const session = holder.get()
      if (!session || oldestSeq === undefined || oldestSeq <= 1) return false
      const page = await bff.fetchMessages(session.guestToken, { before: oldestSeq, limit: 50 })
      oldestSeq = page.messages[0]?.seq ?? oldestSeq
      events.emit('older', page.messages)
      return page.hasMore
    },
    reconnect: () => tell({ kind: 'reconnect' }),
    goOffline() {
      // the leading tab hears the same `offline` event from the browser
      engine?.goOffline()
    },
    async endChat() {
      if (engine) return engine.endChat()
      post({ kind: 'endChat' })
      unconfirmed.clear()
    },
    async startNew() {
      if (engine) return engine.startNew()
      post({ kind: 'newChat' })
      unconfirmed.clear()
    },
    async identify(token) {
      identity = token
      if (engine) return engine.identify(token)
      const signed = typeof token === 'function' ? await token() : token
      if (signed && role === 'follower') post({ kind: 'identify', token: signed })
    },
    async logout() {
      identity = undefined
      if (engine) return engine.logout()
      // this tab's own mirror goes now; the leader relays the new anonymous session
      for (const key of Object.values(keys)) safeWrite(storage, key, undefined)
      holder.set(undefined)
      unconfirmed.clear()
      historyFor = undefined
      post({ kind: 'logout' })
      events.emit('reset', [])
    },
    upload: (file, onProgress) => (engine ? engine.upload(file, onProgress) : uploadFile(bff, Promise.resolve(holder.get()), file, onProgress)),
    rate: (score, comment) => (engine ? engine.rate(score, comment) : rateConversation(bff, holder, score, comment)),
    stop() {
      engine?.stop()
      release.abort()
      channel.close()
      events.clear()
    },
    on: events.on,
    get connection() {
      return engine ? engine.connection : connection
    },
  }
}
