/**
 * A Genesys Web Messaging guest API on 127.0.0.1, shaped by Genesys' own SDK and its fixtures
 * (`tests/genesys/fixtures/`, docs/genesys.md): the guest socket (`/v1?deploymentId=`), the deployment's
 * `config.json`, the JWT-authorised history endpoint and presigned uploads. Test switches: reorder outbound
 * frames, rate-limit with 429 / `retryAfter`, expire sessions, drop sockets without a close frame, cap
 * connections per session at 3, swallow echoes, refuse or ignore `configureSession`. It validates every
 * request the way the schema does and records them for assertions.
 *
 * Vendor mode (the default, every Genesys test runs in it) behaves as the vendor's frames show, not as
 * our connector would like: error frames carry no `tracingId`; `config.json` has no typing flags unless a
 * test sets them, and `enableAttachments` with empty `modes`; Presence Clear is answered by a `code:200`
 * string frame, then `SessionClearedEvent`, then `ConnectionClosedEvent`; `closeSession` only closes
 * connections and the agent keeps the conversation. `vendor: false` gives the older, kinder behaviour.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import { asObject, parseJson, readBoolean, readField, readString, type Fields } from '../../src/protocol/read'
import { rawText } from '../../server/raw-data'
import { SimAuth, type SimIdentityProvider } from './simulator-auth'

export interface SimDeployment {
  id: string
  status?: string
  allowedOrigins: string[]
  /** Absent → the flag is absent from config.json (vendor mode), which Genesys reads as false. */
  showUserTyping?: boolean
  showAgentTyping?: boolean
  autoStart?: boolean
  clearEnabled?: boolean
  disconnectType?: 'Send' | 'ReadOnly'
  maxCustomDataBytes?: number
}

export interface SimOptions {
  deployment: SimDeployment
  /** `onMessage` per second per session; past it → 429 / 4029. @default 2 */
  rate?: number
  /** Seconds sent in `retryAfter`. @default 1 */
  retryAfter?: number
  /** Longest text in UTF-8 bytes (→ 4011). @default 4096 */
  maxTextBytes?: number
  /** Connections per session; the oldest above it gets ConnectionClosedEvent. @default 3 */
  maxConnections?: number
  /** Answers guest texts like a bot (for e2e). */
  autoReply?: (text: string) => string | undefined
  /** Behave as the vendor's frames show (see the module comment). @default true */
  vendor?: boolean
  /** Answer guest typing with 403 even where config.json shows it (the feature toggle is off server-side). */
  refuseTyping?: boolean
  /** Answer guest typing (echo or 403) this much later, so the answer can meet a message in flight. */
  typingAnswerDelayMs?: number
  /** Base of the presigned upload URLs handed out. @default the simulator's own URL */
  uploadUrlBase?: string
  /** The identity provider of authenticated messaging; unset → every code exchange is refused. */
  identityProvider?: SimIdentityProvider
}

export interface SimMessage {
  id: string
  type: 'Text' | 'Structured' | 'Event'
  text?: string
  direction: 'Inbound' | 'Outbound'
  channel: { time: string; type?: string; messageId?: string; from?: Record<string, string> }
  content?: unknown[]
  events?: unknown[]
  metadata?: Record<string, string>
  originatingEntity?: string
}

interface SimSession {
  token: string
  /** Generation: `startNew` and expiry start a new one with the same token. */
  conversation: number
  messages: SimMessage[]
  readOnly: boolean
  expired: boolean
  /** The conversation is live on the agent side: only Presence Clear (or an agent's disconnect) ends it. */
  agentSideOpen: boolean
  /** Presence Clear ended it: the next configure with the token starts a new one. */
  cleared: boolean
  sent: number[]
  attributes: Record<string, string>[]
}

export interface ReceivedRequest {
  action: string
  frame: Fields
  origin: string | undefined
  authorization: string | undefined
}

export class GenesysSimulator {
  readonly requests: ReceivedRequest[] = []
  /** Highest number of simultaneous connections seen per token. */
  readonly peakConnections = new Map<string, number>()
  readonly sessions = new Map<string, SimSession>()
  readonly uploads = new Map<string, Buffer>()
  /** Download URLs handed out by `getAttachment` (each one fresh). */
  downloadUrls = 0
  private uploadMeta = new Map<string, { fileName: string; fileType: string; token: string }>()
  /** 429 answers given. */
  rateLimited = 0
  /** Connections opened in total (reconnects count). */
  connectionsOpened = 0
  /** Outbound frames to hold back and release reversed (reordering). */
  reorderNext = 0
  /** Swallow the echo of the next N guest texts (they are stored, as if the echo was lost on the way). */
  swallowEchoes = 0
  /** Drop the socket (no close frame) right after storing the next guest text, before its echo. */
  dropAfterNextText = false
  /** Answer the next N `configureSession` with this error frame (`class:"string"`) instead of a session. */
  refuseConfigure: { times: number; code: number; body: string } | undefined
  /** Leave the next N `configureSession` unanswered. */
  ignoreConfigure = 0
  private held: { token: string; frame: object }[] = []
  private sockets = new Map<string, WebSocket[]>()
  private http: Server
  private wss: WebSocketServer
  private clock = Date.parse('2026-01-01T00:00:00Z')
  url = ''
  /** Authenticated messaging: code exchange, JWTs, refresh, revoke (simulator-auth.ts). */
  readonly auth: SimAuth

  constructor(readonly options: SimOptions) {
    this.auth = new SimAuth(options.identityProvider, options.deployment.id, (token, frame) => this.deliver(token, frame))
    this.http = createServer((req, res) => void this.onHttp(req, res))
    this.wss = new WebSocketServer({ noServer: true })
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x')
      const origin = req.headers.origin
      const known = url.pathname === '/v1' && url.searchParams.get('deploymentId') === options.deployment.id
      if (!known || !origin || !options.deployment.allowedOrigins.includes(origin)) {
        socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
        return
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, req))
    })
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve))
    const address = this.http.address()
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    return this
  }

  get vendor(): boolean {
    return this.options.vendor ?? true
  }

  get wsUrl(): string {
    return this.url.replace('http:', 'ws:')
  }

  async stop(): Promise<void> {
    for (const list of this.sockets.values()) for (const ws of list) ws.terminate()
    this.wss.close()
    this.http.closeAllConnections()
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
  }

  /** The only session (most tests have one guest). */
  only(): SimSession {
    const [s, ...rest] = this.sessions.values()
    if (!s || rest.length) throw new Error(`expected one session, have ${this.sessions.size}`)
    return s
  }

  openConnections(token: string): number {
    return this.sockets.get(token)?.length ?? 0
  }

  // ── what the agent side does ──────────────────────────────────────────────

  agentSays(token: string, text: string, from: { nickname?: string; firstName?: string; image?: string } = { nickname: 'Ada' }, bot = false): SimMessage {
    return this.push(token, {
      id: randomUUID(),
      type: 'Text',
      text,
      direction: 'Outbound',
      channel: { time: this.tick(), type: 'Private', from },
      originatingEntity: bot ? 'Bot' : 'Human',
    })
  }

  /** A Structured message (quick replies, cards, a date picker…) as Genesys bots and agents send them (PROTOCOL.md §3.6). */
  agentContent(token: string, text: string, content: unknown[], bot = true): SimMessage {
    return this.push(token, {
      id: randomUUID(),
      type: 'Structured',
      text,
      direction: 'Outbound',
      channel: { time: this.tick(), type: 'Private', from: { nickname: bot ? 'Bot' : 'Ada' } },
      content,
      originatingEntity: bot ? 'Bot' : 'Human',
    })
  }

  agentTyping(token: string, durationMs = 5000): void {
    this.pushLive(token, this.envelope({ id: randomUUID(), type: 'Event', direction: 'Outbound', channel: { time: this.tick(), from: { nickname: 'Ada' } }, events: [{ eventType: 'Typing', typing: { type: 'On', duration: durationMs } }] }))
  }

  presence(token: string, type: 'Join' | 'Disconnect', readOnly = false): SimMessage {
    const s = this.session(token)
    if (readOnly) s.readOnly = true
    if (type === 'Disconnect') s.agentSideOpen = false
    return this.push(token, {
      id: randomUUID(),
      type: 'Event',
      direction: 'Outbound',
      channel: { time: this.tick(), type: 'Private', from: { nickname: 'Ada' } },
      events: [{ eventType: 'Presence', presence: { type } }],
      ...(readOnly ? { metadata: { readOnly: 'true' } } : {}),
      originatingEntity: 'Human',
    })
  }

  /** Push any frame (a recorded fixture) to every connection of the session. */
  pushFrame(token: string, frame: object): void {
    this.pushLive(token, frame)
  }

  /** The session expires: SessionExpiredEvent now, and the next configure starts a new conversation. */
  expire(token: string): void {
    const s = this.session(token)
    s.expired = true
    this.pushLive(token, { type: 'response', class: 'SessionExpiredEvent', code: 200, body: {} })
  }

  /** Cut every socket of the session (or all) without a close frame. */
  drop(token?: string): void {
    for (const [t, list] of this.sockets) if (!token || t === token) for (const ws of list) ws.terminate()
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private tick(): string {
    this.clock += 1000
    return new Date(this.clock).toISOString()
  }

  private session(token: string): SimSession {
    const s = this.sessions.get(token)
    if (!s) throw new Error('unknown session')
    return s
  }

  private envelope(body: SimMessage, tracingId?: string): object {
    return { type: 'message', class: 'StructuredMessage', code: 200, body, ...(tracingId ? { tracingId } : {}) }
  }

  private push(token: string, m: SimMessage): SimMessage {
    this.session(token).messages.push(m)
    this.pushLive(token, this.envelope(m))
    return m
  }

  private pushLive(token: string, frame: object): void {
    if (this.reorderNext > 0) {
      this.held.push({ token, frame })
      if (--this.reorderNext > 0) return
      const held = this.held.reverse()
      this.held = []
      for (const h of held) this.deliver(h.token, h.frame)
      return
    }
    this.deliver(token, frame)
  }

  private deliver(token: string, frame: object): void {
    for (const ws of this.sockets.get(token) ?? []) ws.send(JSON.stringify(frame))
  }

  private onSocket(ws: WebSocket, req: IncomingMessage): void {
    this.connectionsOpened++
    let token: string | undefined
    const origin = req.headers.origin
    const reply = (frame: object): void => ws.send(JSON.stringify(frame))
    // Genesys' error frames carry no tracingId (vendor fixtures, frames captured in ovotech#165)
    const error = (code: number, body: string, tracingId?: string): void =>
      reply({ type: 'response', class: 'string', code, body, ...(tracingId && !this.vendor ? { tracingId } : {}) })
    ws.on('close', () => {
      if (!token) return
      const list = this.sockets.get(token) ?? []
      this.sockets.set(token, list.filter((x) => x !== ws))
    })
    ws.on('message', (data) => {
      const parsed = parseJson(rawText(data))
      const f = parsed.ok ? asObject(parsed.value) : undefined
      const action = f && readString(f, 'action')
      const t = f && readString(f, 'token', 2048)
      const tracingId = f && readString(f, 'tracingId')
      if (!f || !action || !t) return error(400, 'Request failed.', tracingId)
      this.requests.push({ action, frame: f, origin, authorization: req.headers.authorization })
      if (action === 'configureSession' || action === 'configureAuthenticatedSession') {
        if (readString(f, 'deploymentId') !== this.options.deployment.id) return error(400, 'Deployment not found', tracingId)
        const data = asObject(readField(f, 'data'))
        if (action === 'configureAuthenticatedSession' && !this.auth.check(data ? readString(data, 'code', 8192) : undefined, t)) return error(401, 'User is unauthorized', tracingId)
        if (this.ignoreConfigure > 0) return void this.ignoreConfigure--
        const refuse = this.refuseConfigure
        if (refuse && refuse.times > 0) {
          refuse.times--
          return error(refuse.code, refuse.body, tracingId)
        }
        token = t
        this.attach(t, ws)
        return reply({ type: 'response', class: 'SessionResponse', code: 200, body: this.configure(t, readBoolean(f, 'startNew') === true), ...(tracingId ? { tracingId } : {}) })
      }
      if (t !== token) return error(4007, 'Session not found', tracingId)
      const s = this.session(t)
      switch (action) {
        case 'onMessage':
          return this.onMessage(s, f, tracingId, reply, error, ws)
        case 'echo':
          return reply(this.envelope({ id: randomUUID(), type: 'Text', text: 'ping', direction: 'Inbound', channel: { time: this.tick() }, metadata: { durationSeconds: '259200', expirationDate: String(Math.floor(Date.now() / 1000) + 259200) } }, tracingId))
        case 'getJwt':
          return reply({ type: 'response', class: 'JwtResponse', code: 200, body: { jwt: `jwt.${t}`, exp: Math.floor(Date.now() / 1000) + 900 }, ...(tracingId ? { tracingId } : {}) })
        case 'closeSession':
          // closes connections only: the conversation stays with the agent (SDK: CloseSessionRequest)
          for (const other of this.sockets.get(t) ?? []) if (other !== ws) other.send(JSON.stringify({ type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {} }))
          return reply({ type: 'response', class: 'SessionResponse', code: 200, body: { connected: false, newSession: false, readOnly: s.readOnly }, ...(tracingId ? { tracingId } : {}) })
        case 'deleteAttachment': {
          const attachmentId = readString(f, 'attachmentId') ?? ''
          this.uploads.delete(attachmentId)
          this.uploadMeta.delete(attachmentId)
          return reply({ type: 'message', class: 'AttachmentDeletedResponse', code: 200, body: { attachmentId } })
        }
        case 'getAttachment': {
          const attachmentId = readString(f, 'attachmentId') ?? ''
          if (!this.uploads.has(attachmentId)) return reply({ type: 'message', class: 'GenerateUrlError', code: 200, body: { attachmentId, errorCode: 4001, errorMessage: 'not found' }, ...(tracingId ? { tracingId } : {}) })
          this.downloadUrls++
          return reply({ type: 'response', class: 'PresignedUrlResponse', code: 200, body: { attachmentId, headers: {}, url: `${this.url}/downloads/${attachmentId}?fresh=${this.downloadUrls}` }, ...(tracingId ? { tracingId } : {}) })
        }
        case 'onAttachment': {
          const attachmentId = readString(f, 'attachmentId') ?? randomUUID()
          const fileName = readString(f, 'fileName')
          const fileType = readString(f, 'fileType')
          if (!fileName || !fileType || typeof readField(f, 'fileSize') !== 'number') return error(400, 'Request failed.', tracingId)
          this.uploadMeta.set(attachmentId, { fileName, fileType, token: t })
          return reply({ type: 'response', class: 'PresignedUrlResponse', code: 200, body: { attachmentId, headers: { 'x-amz-tagging': 'sim=1' }, url: `${this.options.uploadUrlBase ?? this.url}/uploads/${attachmentId}` }, ...(tracingId ? { tracingId } : {}) })
        }
        default:
          return error(400, 'Request failed.', tracingId)
      }
    })
  }

  private attach(token: string, ws: WebSocket): void {
    const list = [...(this.sockets.get(token) ?? []).filter((x) => x !== ws), ws]
    const max = this.options.maxConnections ?? 3
    while (list.length > max) {
      const oldest = list.shift()
      oldest?.send(JSON.stringify({ type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {} }))
      oldest?.close()
    }
    this.sockets.set(token, list)
    this.peakConnections.set(token, Math.max(this.peakConnections.get(token) ?? 0, list.length))
  }

  private configure(token: string, startNew: boolean): object {
    const existing = this.sessions.get(token)
    const fresh = !existing || startNew || existing.expired || existing.cleared
    const s: SimSession = fresh
      ? { token, conversation: (existing?.conversation ?? 0) + 1, messages: [], readOnly: false, expired: false, agentSideOpen: true, cleared: false, sent: [], attributes: [] }
      : existing
    this.sessions.set(token, s)
    const d = this.options.deployment
    return {
      connected: true,
      newSession: fresh,
      readOnly: s.readOnly,
      maxCustomDataBytes: d.maxCustomDataBytes ?? 100,
      allowedMedia: { inbound: { fileTypes: [{ type: 'image/png' }, { type: 'image/jpeg' }], maxFileSizeKB: 10240 } },
      blockedExtensions: ['.exe'],
      clearedExistingSession: false,
      durationSeconds: 259200,
      expirationDate: Math.floor(Date.now() / 1000) + 259200,
    }
  }

  private onMessage(
    s: SimSession,
    f: Fields,
    tracingId: string | undefined,
    reply: (frame: object) => void,
    error: (code: number, body: string, tracingId?: string) => void,
    ws: WebSocket,
  ): void {
    const message = asObject(readField(f, 'message'))
    const type = message && readString(message, 'type')
    if (!message || !type) return error(400, 'Request failed.', tracingId)
    if (s.expired) return error(4006, 'Session has expired', tracingId)
    const now = Date.now()
    s.sent = s.sent.filter((t) => now - t < 1000)
    if (s.sent.length >= (this.options.rate ?? 2)) {
      this.rateLimited++
      return reply({
        type: 'response',
        class: 'TooManyRequestsErrorMessage',
        code: 429,
        body: { retryAfter: this.options.retryAfter ?? 1, errorCode: 4029, errorMessage: 'Message rate too high for this session' },
        ...(tracingId && !this.vendor ? { tracingId } : {}),
      })
    }
    s.sent.push(now)
    const attrs = asObject(readField(asObject(readField(asObject(readField(message, 'channel')) ?? {}, 'metadata')) ?? {}, 'customAttributes'))
    if (attrs) {
      if (Buffer.byteLength(JSON.stringify(attrs)) > (this.options.deployment.maxCustomDataBytes ?? 100))
        return error(4013, `Custom Attributes in channel metadata is larger than ${this.options.deployment.maxCustomDataBytes ?? 100} bytes`, tracingId)
      const copy: Record<string, string> = {}
      for (const k of Object.keys(attrs)) copy[k] = readString(attrs, k) ?? ''
      s.attributes.push(copy)
    }
    if (type === 'Event') {
      const events = readField(message, 'events')
      const ev = asObject(Array.isArray(events) ? events[0] : undefined)
      const eventType = ev && readString(ev, 'eventType')
      const presence = ev && readString(asObject(readField(ev, 'presence')) ?? {}, 'type')
      const typingShown = this.vendor ? this.options.deployment.showUserTyping === true : this.options.deployment.showUserTyping !== false
      if (eventType === 'Typing') {
        const answer = (): void =>
          !typingShown || this.options.refuseTyping
            ? error(403, 'Turn on the Feature Toggle or fix the configuration.', tracingId)
            : reply(this.envelope({ id: randomUUID(), type: 'Event', direction: 'Inbound', channel: { time: this.tick() }, events: ev ? [ev] : [] }, tracingId))
        if (this.options.typingAnswerDelayMs) setTimeout(answer, this.options.typingAnswerDelayMs)
        else answer()
        return
      }
      if (presence === 'Clear') {
        if (!this.options.deployment.clearEnabled) return error(403, 'Presence events Conversation Clear are not supported', tracingId)
        if (this.vendor) reply({ type: 'response', class: 'string', code: 200, body: 'Conversation cleared' })
        s.messages = []
        s.agentSideOpen = false
        s.cleared = true
        const all = this.sockets.get(s.token) ?? []
        for (const x of all) x.send(JSON.stringify({ type: 'message', class: 'SessionClearedEvent', code: 200, body: {} }))
        for (const x of all) if (this.vendor || x !== ws) x.send(JSON.stringify({ type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {} }))
        return
      }
      return reply(this.envelope({ id: randomUUID(), type: 'Event', direction: 'Inbound', channel: { time: this.tick() }, events: ev ? [ev] : [] }, tracingId))
    }
    if (s.readOnly) return error(409, 'Session is read-only, no new messages allowed', tracingId)
    const text = readString(message, 'text') ?? ''
    if (Buffer.byteLength(text) > (this.options.maxTextBytes ?? 4096)) return error(4011, `Message length ${Buffer.byteLength(text)} is larger than 4096`, tracingId)
    const metadata = asObject(readField(message, 'metadata'))
    const content = readField(message, 'content')
    const echo: SimMessage = {
      id: randomUUID(),
      type: 'Text',
      text,
      direction: 'Inbound',
      channel: { time: this.tick() },
      ...(metadata ? { metadata: { customMessageId: readString(metadata, 'customMessageId') ?? '' } } : {}),
      ...(Array.isArray(content) ? { content: this.echoContent(content) } : {}),
    }
    s.messages.push(echo)
    if (this.dropAfterNextText) {
      this.dropAfterNextText = false
      ws.terminate()
      return
    }
    if (this.swallowEchoes > 0) this.swallowEchoes--
    else this.pushLive(s.token, this.envelope(echo, tracingId))
    const answer = this.options.autoReply?.(text)
    if (answer !== undefined) setTimeout(() => this.agentSays(s.token, answer, { nickname: 'Sim Agent' }), 20)
  }

  /** Attachments in an echo carry what Genesys knows about the upload (name, type, a download URL). */
  private echoContent(content: unknown[]): unknown[] {
    return content.map((c) => {
      const a = asObject(readField(asObject(c) ?? {}, 'attachment'))
      const id = a && readString(a, 'id')
      const meta = id ? this.uploadMeta.get(id) : undefined
      return id && meta ? { contentType: 'Attachment', attachment: { id, filename: meta.fileName, mime: meta.fileType, url: `${this.url}/downloads/${id}` } } : c
    })
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (await this.auth.handle(req, url.pathname, json)) return
    const config = /^\/webdeployments\/v1\/deployments\/([^/]+)\/config\.json$/.exec(url.pathname)
    if (config && req.method === 'GET') {
      const d = this.options.deployment
      if (config[1] !== d.id) return json(404, { message: 'not found' })
      const typingFlags = this.vendor
        ? {
            ...(d.showUserTyping === undefined ? {} : { showUserTypingIndicator: d.showUserTyping }),
            ...(d.showAgentTyping === undefined ? {} : { showAgentTypingIndicator: d.showAgentTyping }),
          }
        : { showUserTypingIndicator: d.showUserTyping ?? true, showAgentTypingIndicator: d.showAgentTyping ?? true }
      return json(200, {
        id: d.id,
        version: '1',
        status: d.status ?? 'Active',
        apiEndpoint: this.url,
        messenger: {
          enabled: true,
          apps: {
            conversations: {
              messagingEndpoint: this.wsUrl,
              ...typingFlags,
              autoStart: { enabled: d.autoStart ?? false },
              conversationDisconnect: { enabled: true, type: d.disconnectType ?? 'ReadOnly' },
              conversationClear: { enabled: d.clearEnabled ?? false },
            },
          },
          // newer deployments: the limits come with each SessionResponse (allowedMedia), modes stay empty
          fileUpload: this.vendor ? { enableAttachments: true, modes: [] } : { modes: [{ fileTypes: ['image/png', 'image/jpeg'], maxFileSizeKB: 10240 }] },
        },
      })
    }
    if (url.pathname === '/api/v2/webmessaging/messages' && req.method === 'GET') {
      const auth = req.headers.authorization ?? ''
      const s = auth.startsWith('Bearer jwt.') ? this.sessions.get(auth.slice('Bearer jwt.'.length)) : undefined
      if (!s) return json(401, { message: 'unauthorized' })
      const size = Number(url.searchParams.get('pageSize') ?? 25)
      const page = Number(url.searchParams.get('pageNumber') ?? 1)
      const newestFirst = [...s.messages].reverse()
      const entities = newestFirst.slice((page - 1) * size, page * size)
      return json(200, { entities, pageSize: size, pageNumber: page, total: newestFirst.length, pageCount: Math.ceil(newestFirst.length / size) })
    }
    const download = /^\/downloads\/([^/]+)$/.exec(url.pathname)
    const bytes = download?.[1] ? this.uploads.get(download[1]) : undefined
    if (download && req.method === 'GET') {
      if (!bytes) return json(404, { message: 'not found' })
      res.writeHead(200, { 'content-type': this.uploadMeta.get(download[1] ?? '')?.fileType ?? 'application/octet-stream', 'access-control-allow-origin': '*' }).end(bytes)
      return
    }
    const upload = /^\/uploads\/([^/]+)$/.exec(url.pathname)
    if (upload?.[1] && req.method === 'PUT') {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      await new Promise((resolve) => req.on('end', resolve))
      const id = upload[1]
      const meta = this.uploadMeta.get(id)
      if (!meta || req.headers['x-amz-tagging'] !== 'sim=1' || req.headers['content-type'] !== meta.fileType) return json(403, { message: 'signature mismatch' })
      this.uploads.set(id, Buffer.concat(chunks))
      res.writeHead(200).end()
      // scanned and accepted: Genesys tells the session
      this.deliver(meta.token, { type: 'message', class: 'UploadSuccessEvent', code: 200, body: { attachmentId: id, downloadUrl: `${this.url}/downloads/${id}`, timestamp: new Date().toISOString() } })
      return
    }
    json(404, { message: 'not found' })
  }
}
