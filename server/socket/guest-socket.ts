/**
 * @module server/socket/guest-socket
 * `/api/socket`: the guest's WebSocket (`parley.v1`). Token and Origin are checked before the upgrade;
 * afterwards every frame is parsed by the protocol parser and answered, never thrown.
 */
import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import {
  CloseCode,
  countChars,
  hasContent,
  normalizeText,
  parseClientFrame,
  PROTOCOL,
  type ClientFrame,
  type ServerFrame,
} from '../../src/protocol'
import { publicBase, type Config } from '../config'
import { advanceReceipt, appendMessage } from '../conversations'
import { rawText } from '../raw-data'
import { sendProblem } from '../problem'
import { StoreUnavailableError, type ConversationRecord, type ConversationStore } from '../stores/types'
import type { Metrics } from '../routes/metrics'
import type { GuestClaims, TokenService } from '../tokens'
import type { Upstream } from '../upstreams/types'
import type { FileVault } from '../files'
import { createTokenBucket, type TokenBucket } from './bucket'
import { createDispatch } from './dispatch'
import { batchWrites } from './batch-writes'
import { offeredCredential } from './upgrade'

/** Replays longer than this send `reset` instead: the widget refetches over HTTP. */
const MAX_REPLAY = 500
/** How long a slow consumer has to read its close frame before the socket is cut. */
const SLOW_CONSUMER_GRACE_MS = 5000
/** Sockets pinged per turn of the event loop. */
const HEARTBEAT_SLICE = 250
/** Rate-limited frames tolerated before the socket is closed with 4008. */
const MAX_VIOLATIONS = 50
/**
 * What one socket may send of each frame type besides `send` and `typing` (per guest, from the config):
 * sustained rate per second and burst. A `resume` replays up to MAX_REPLAY entries, so it gets about one
 * every three seconds (20 of them drew 3.6 MiB of replay before); the rest are cheap but still bounded.
 * Frames that do not parse count as `malformed`.
 */
const FRAME_BUDGETS = {
  resume: { rate: 1 / 3, burst: 2 },
  read: { rate: 5, burst: 20 },
  auth: { rate: 0.2, burst: 3 },
  ping: { rate: 10, burst: 50 },
  malformed: { rate: 5, burst: 30 },
} as const
type BudgetedFrame = keyof typeof FRAME_BUDGETS

interface GuestLimits {
  messages: TokenBucket
  typing: TokenBucket
  sockets: Set<WebSocket>
  /** Upgrades that passed the checks and hold a place among `sockets` until they open or fail. */
  pending: number
  violations: number
  sendsPausedUntil: number
}

export interface GuestSocketHub {
  /**
   * Shutdown: refuse new sockets, then close each open one with 1012 at a random moment within `windowMs`
   * (so reconnects spread out instead of stampeding), once the frames it already sent are handled.
   */
  drain(windowMs: number): Promise<void>
  count(): number
  /** Guests whose limits this node holds (one entry per guest with a socket open or opening). */
  trackedGuests(): number
}

declare module 'fastify' {
  interface FastifyRequest {
    guestClaims?: GuestClaims
    /** The response object of the upgrade, which @fastify/websocket attached to the TCP socket. */
    upgradeResponse?: ServerResponse
    /** Gives back the place among the guest's sockets this upgrade holds; idempotent. */
    releaseSocketPlace?: () => void
  }
}

export function registerGuestSocket(
  app: FastifyInstance,
  deps: {
    config: Config
    store: ConversationStore
    tokens: TokenService
    upstream: Upstream
    files: FileVault
    metrics?: Metrics
    /** True while the node is overloaded: new sockets get 503 with Retry-After (@fastify/under-pressure). */
    overloaded?: () => boolean
  },
): GuestSocketHub {
  const { config, store, tokens, upstream, files } = deps
  const limits = new Map<string, GuestLimits>()
  const alive = new WeakMap<WebSocket, boolean>()
  /** Open sockets, each with a way to wait until the frames it sent so far are handled. */
  const sockets = new Map<WebSocket, () => Promise<void>>()
  let draining = false
  const opening = new Map<string, Promise<void>>()
  const dispatch = createDispatch(store)

  /** Forget a guest's limits once nothing of it is open or opening (the entry would otherwise leak). */
  const forgetIfIdle = (guestId: string, l: GuestLimits): void => {
    if (l.sockets.size === 0 && l.pending === 0 && limits.get(guestId) === l) limits.delete(guestId)
  }

  const limitsFor = (guestId: string): GuestLimits => {
    let l = limits.get(guestId)
    if (!l) {
      l = {
        messages: createTokenBucket(config.limits.msgRate, config.limits.msgBurst),
        typing: createTokenBucket(config.limits.typingRate, Math.max(2, config.limits.typingRate)),
        sockets: new Set(),
        pending: 0,
        violations: 0,
        sendsPausedUntil: 0,
      }
      limits.set(guestId, l)
    }
    return l
  }

  // one timer for all sockets: ping, and terminate those that missed the previous pong. In slices with a
  // turn of the event loop between them: pinging 10,000 sockets in one go blocked the loop for ~280 ms
  // (`npm run bench -- idle`), which every message in flight at that moment waited for.
  const heartbeat = setInterval(() => {
    const all = [...sockets.keys()]
    const slice = (from: number): void => {
      for (const ws of all.slice(from, from + HEARTBEAT_SLICE)) {
        if (ws.readyState !== ws.OPEN) continue
        if (alive.get(ws) === false) {
          ws.terminate()
          continue
        }
        alive.set(ws, false)
        ws.ping()
      }
      if (from + HEARTBEAT_SLICE < all.length) setImmediate(slice, from + HEARTBEAT_SLICE)
    }
    slice(0)
  }, config.heartbeatMs)
  heartbeat.unref()
  app.addHook('onClose', async () => {
    clearInterval(heartbeat)
    dispatch.close()
  })

  /** Open the upstream side once per conversation, even with several sockets racing. */
  function ensureUpstream(c: ConversationRecord): Promise<void> {
    if (c.upstreamOpened) return Promise.resolve()
    let p = opening.get(c.id)
    if (!p) {
      p = (async () => {
        const fresh = await store.getConversation(c.id)
        if (!fresh || fresh.upstreamOpened) return
        await store.updateConversation(c.id, { upstreamOpened: true })
        await upstream.openConversation(fresh)
      })().finally(() => opening.delete(c.id))
      opening.set(c.id, p)
    }
    return p
  }

  app.get(
    '/api/socket',
    {
      websocket: true,
      // a request that never became a socket (no upgrade, a handshake ws refused) gives its place back
      onResponse: async (request) => request.releaseSocketPlace?.(),
      preValidation: async (request, reply) => {
        if (draining) {
          reply.header('retry-after', '1')
          return sendProblem(reply, 503, 'unavailable', 'The server is restarting.')
        }
        if (deps.overloaded?.()) {
          reply.header('retry-after', '5')
          return sendProblem(reply, 503, 'unavailable', 'The server is busy; try again shortly.')
        }
        const offered = offeredCredential(request, reply, config.allowedOrigins, PROTOCOL)
        if ('refused' in offered) return offered.refused
        const verified = await tokens.verify(offered.token)
        if (!verified.ok) return sendProblem(reply, 401, 'unauthorized', `The guest token is ${verified.reason}.`)
        // checked and taken in one synchronous step: parallel upgrades of one guest cannot all pass the check
        // before any of them has opened
        const { guestId } = verified.claims
        const held = limitsFor(guestId)
        if (held.sockets.size + held.pending >= config.limits.socketsPerGuest) {
          forgetIfIdle(guestId, held)
          reply.header('retry-after', '5')
          return sendProblem(reply, 429, 'rate_limited', 'Too many sockets for this guest.')
        }
        held.pending++
        const tcp = request.raw.socket
        const release = (): void => {
          if (!request.releaseSocketPlace) return
          request.releaseSocketPlace = undefined
          tcp.off('close', release)
          held.pending--
          forgetIfIdle(guestId, held)
        }
        request.releaseSocketPlace = release
        // a handshake that ws refuses, or a client gone before the upgrade, ends with the TCP socket
        tcp.once('close', release)
        request.guestClaims = verified.claims
        request.upgradeResponse = reply.raw
      },
    },
    (socket: WebSocket, request: FastifyRequest) => {
      const claims = request.guestClaims
      if (!claims) return socket.close(CloseCode.Forbidden, 'unauthenticated')
      // Nothing may hold the request once the socket is open: it keeps the upgrade's headers (the token
      // among them) and its response alive as long as the socket. @fastify/websocket leaves the response
      // attached to the TCP socket and adds an 'error' listener holding both; the response is detached
      // and that listener replaced by ours (below). That was about 5 kB per idle guest (docs/benchmarks.md).
      const log = request.log
      const base = publicBase(config, request)
      const tcp = request.raw.socket
      const batch = batchWrites(tcp)
      request.upgradeResponse?.detachSocket(tcp)
      request.upgradeResponse = undefined
      socket.removeAllListeners('error')
      const { guestId, conversationId } = claims
      const guestLimits = limitsFor(claims.guestId)
      // the place this upgrade held becomes the socket's, in one step (added first, so the entry is never idle)
      guestLimits.sockets.add(socket)
      request.releaseSocketPlace?.()
      sockets.set(socket, () => queue)
      alive.set(socket, true)
      socket.on('pong', () => alive.set(socket, true))

      const send = (frame: ServerFrame): void => {
        if (frame.type === 'ack') deps.metrics?.messageAcked()
        else if (frame.type === 'error') deps.metrics?.frameRefused(frame.code)
        if (socket.readyState !== socket.OPEN) return
        if (socket.bufferedAmount > config.limits.slowConsumerBytes) {
          // the guest stopped reading: send nothing more, let it resume from its last seq; a peer that does
          // not even read the close frame is cut after a grace period so its buffer is freed
          socket.close(CloseCode.SlowConsumer, 'slow consumer')
          setTimeout(() => socket.terminate(), SLOW_CONSUMER_GRACE_MS).unref()
          return
        }
        batch()
        socket.send(JSON.stringify(frame))
      }

      // receipt marks this socket has announced; a mark moves forward only
      const announced = { delivered: 0, read: 0, epoch: '' }
      const sendReceipts = (c: Pick<ConversationRecord, 'deliveredSeq' | 'deskReadSeq' | 'epoch'>): void => {
        if (announced.epoch && c.epoch !== announced.epoch) {
          // the history was lost (Redis restarted without it): never a silent gap, the client resyncs
          announced.epoch = c.epoch
          send({ type: 'reset', epoch: c.epoch })
        }
        if (c.deliveredSeq > announced.delivered) {
          announced.delivered = c.deliveredSeq
          send({ type: 'receipt', status: 'delivered', upToSeq: c.deliveredSeq })
        }
        if (c.deskReadSeq > announced.read) {
          announced.read = c.deskReadSeq
          send({ type: 'receipt', status: 'read', upToSeq: c.deskReadSeq })
        }
      }

      const unsubscribe = dispatch.watch(claims.conversationId, claims.guestId, (event) => {
        if (event.type === 'entry') send(files.present(claims.conversationId, event.entry, base))
        else if (event.type === 'conversation') sendReceipts(event.conversation)
        else if (event.type === 'signal' && event.signal.role !== 'guest') {
          const { role, active, author } = event.signal
          send(author ? { type: 'typing', role, active, author } : { type: 'typing', role, active })
        } else if (event.type === 'revoked') socket.close(CloseCode.Forbidden, 'credentials revoked')
      })

      // the token expires while the socket is open: tell the client to refresh and reconnect
      // (a client that refreshed in time sent an `auth` frame, which moves this deadline)
      let expiry: ReturnType<typeof setTimeout> | undefined
      const expireAt = (expiresAt: number): void => {
        clearTimeout(expiry)
        expiry = setTimeout(() => socket.close(CloseCode.TokenExpired, 'token expired'), Math.max(0, expiresAt * 1000 - Date.now()))
      }
      expireAt(claims.expiresAt)

      socket.on('close', () => {
        clearTimeout(expiry)
        unsubscribe()
        sockets.delete(socket)
        guestLimits.sockets.delete(socket)
        forgetIfIdle(claims.guestId, guestLimits)
        upstream.guestDisconnected?.(claims.conversationId)
      })
      socket.on('error', (err) => log.debug({ err }, 'guest socket error'))

      const violation = (frame: ServerFrame): void => {
        send(frame)
        if (++guestLimits.violations > MAX_VIOLATIONS) socket.close(CloseCode.Policy, 'rate limit')
      }

      const bucket = (type: BudgetedFrame): TokenBucket => createTokenBucket(FRAME_BUDGETS[type].rate, FRAME_BUDGETS[type].burst)
      const budgets: Record<BudgetedFrame, TokenBucket> = {
        resume: bucket('resume'),
        read: bucket('read'),
        auth: bucket('auth'),
        ping: bucket('ping'),
        malformed: bucket('malformed'),
      }
      /** Takes from the socket's budget for this frame type; over it, answers with an error and returns false. */
      const withinBudget = (type: BudgetedFrame): boolean => {
        const wait = budgets[type].take()
        if (!wait) return true
        violation({ type: 'error', code: 'rate_limited', message: `Too many ${type === 'malformed' ? 'malformed' : `"${type}"`} frames.`, retryAfterMs: wait })
        return false
      }

      async function handle(frame: ClientFrame, c: ConversationRecord): Promise<void> {
        switch (frame.type) {
          case 'ping':
            return send({ type: 'pong' })
          case 'read':
            // shown at the desk as "Seen"; the mark only moves forward and never past the transcript
            return advanceReceipt(store, c.id, 'guestReadSeq', frame.upToSeq)
          case 'auth': {
            const verified = await tokens.verify(frame.token)
            if (!verified.ok || verified.claims.guestId !== guestId || verified.claims.conversationId !== conversationId)
              return send({ type: 'error', code: 'unauthorized', message: 'The new token was not accepted; reconnect with it.' })
            return expireAt(verified.claims.expiresAt)
          }
          case 'typing': {
            const wait = guestLimits.typing.take()
            if (wait) return violation({ type: 'error', code: 'rate_limited', message: 'Typing updates are limited.', retryAfterMs: wait })
            store.signal(c.id, { type: 'typing', role: 'guest', active: frame.active })
            return upstream.guestTyping(c, frame.active)
          }
          case 'resume': {
            if (frame.epoch !== c.epoch || frame.afterSeq > c.lastSeq) return send({ type: 'reset', epoch: c.epoch })
            if (!withinBudget('resume')) return
            const missed = await store.readAfter(c.id, frame.afterSeq, MAX_REPLAY + 1)
            if (missed.length > MAX_REPLAY) return send({ type: 'reset' })
            for (const entry of missed) send(files.present(c.id, entry, base))
            return
          }
          case 'send': {
            const { clientMessageId } = frame
            const text = normalizeText(frame.text)
            const { reply } = frame
            const attachments = frame.attachments?.length ? frame.attachments : undefined
            if (attachments && !upstream.uploadAttachment)
              return send({ type: 'error', code: 'bad_frame', message: 'This contact centre does not take attachments yet.', clientMessageId })
            if (!hasContent(text) && !attachments)
              return send({ type: 'error', code: 'empty_message', message: 'The message is empty.', clientMessageId })
            if (countChars(text) > config.limits.maxMessageChars)
              return send({
                type: 'error',
                code: 'message_too_long',
                message: `Messages are limited to ${config.limits.maxMessageChars} characters.`,
                clientMessageId,
              })
            if (c.status === 'ended')
              return send({ type: 'error', code: 'conversation_ended', message: 'This conversation has ended.', clientMessageId })
            // once a send is refused, later ones wait too: otherwise a token refilled in between would let a
            // later message overtake an earlier one, and the guest's order would be lost
            const now = Date.now()
            const wait = now < guestLimits.sendsPausedUntil ? guestLimits.sendsPausedUntil - now : guestLimits.messages.take(now)
            if (wait) guestLimits.sendsPausedUntil = Math.max(guestLimits.sendsPausedUntil, now + wait)
            if (wait)
              return violation({ type: 'error', code: 'rate_limited', message: 'You are sending too fast.', clientMessageId, retryAfterMs: wait })
            const author = { name: c.guestName }
            if (upstream.sendGuestMessage) {
              // not awaited: the ack waits for the contact centre's confirmation, and pings, typing and later
              // sends must not queue behind it (the upstream keeps the guest's order itself)
              void upstream.sendGuestMessage(c, { clientMessageId, text, author, ...(attachments ? { attachments } : {}), ...(reply ? { reply } : {}) }).then(
                (outcome) =>
                  send(
                    outcome.ok
                      ? { type: 'ack', clientMessageId, seq: outcome.entry.seq }
                      : { type: 'error', code: outcome.code, message: outcome.message, clientMessageId, ...(outcome.retryAfterMs ? { retryAfterMs: outcome.retryAfterMs } : {}) },
                  ),
                (err: unknown) => {
                  log.error({ err }, 'upstream send failed')
                  send({ type: 'error', code: 'internal', message: 'Something went wrong; try again.', clientMessageId })
                },
              )
              return
            }
            const described = attachments && (await files.resolve(c.id, attachments))
            if (attachments && !described)
              return send({ type: 'error', code: 'bad_frame', message: 'An attachment is unknown; upload it again.', clientMessageId })
            const rich = { ...(described ? { attachments: described } : {}), ...(reply ? { reply } : {}) }
            const { entry, duplicate } = await appendMessage(store, c.id, { role: 'guest', text, author, clientMessageId, ...rich }, clientMessageId)
            send({ type: 'ack', clientMessageId, seq: entry.seq })
            if (duplicate) return
            await upstream.guestMessage?.(c, entry)
            return advanceReceipt(store, c.id, 'deliveredSeq', entry.seq)
          }
        }
      }

      // frames are handled one at a time, in arrival order
      let queue = Promise.resolve()
      const onMessage = (data: RawData, isBinary: boolean): void => {
        if (isBinary) return withinBudget('malformed') ? send({ type: 'error', code: 'binary_frame', message: 'Only JSON text frames are accepted.' }) : undefined
        const parsed = parseClientFrame(rawText(data))
        if (!parsed.ok) return withinBudget('malformed') ? send({ type: 'error', code: parsed.code, message: parsed.message }) : undefined
        const { type } = parsed.value
        // a resume is charged only when it replays (handle); send and typing have per-guest limits of their own
        if (type !== 'send' && type !== 'typing' && type !== 'resume' && !withinBudget(type)) return
        queue = queue
          .then(async () => {
            const c = await store.getConversation(claims.conversationId)
            if (!c) return socket.close(CloseCode.Forbidden, 'conversation not found')
            await handle(parsed.value, c)
          })
          .catch((err: unknown) => {
            const clientMessageId = parsed.value.type === 'send' ? parsed.value.clientMessageId : undefined
            if (err instanceof StoreUnavailableError) {
              log.warn({ err }, 'store unavailable')
              // the widget keeps the message and resends it once the store is back
              return send({ type: 'error', code: 'unavailable', message: 'Briefly unavailable; retrying.', retryAfterMs: 2000, ...(clientMessageId ? { clientMessageId } : {}) })
            }
            log.error({ err }, 'guest frame failed')
            send({ type: 'error', code: 'internal', message: 'Something went wrong; try again.', ...(clientMessageId ? { clientMessageId } : {}) })
          })
      }
      socket.on('message', onMessage)

      queue = queue
        .then(async () => {
          const c = await store.getConversation(claims.conversationId)
          if (!c) return socket.close(CloseCode.Forbidden, 'conversation not found')
          announced.epoch = c.epoch
          send({ type: 'ready', guestId: claims.guestId, conversationId: c.id, epoch: c.epoch, lastSeq: c.lastSeq, heartbeatMs: config.heartbeatMs })
          sendReceipts(c)
          await ensureUpstream(c)
          if (c.status === 'open') upstream.guestConnected?.(c)
        })
        .catch((err: unknown) => {
          if (err instanceof StoreUnavailableError) {
            log.warn({ err }, 'store unavailable')
            return socket.close(CloseCode.Restarting, 'store unavailable')
          }
          log.error({ err }, 'guest socket setup failed')
          socket.close(1011, 'internal error')
        })
    },
  )

  return {
    async drain(windowMs) {
      draining = true
      await Promise.all(
        [...sockets].map(async ([ws, settled]) => {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * windowMs))
          await settled()
          ws.close(CloseCode.Restarting, 'server restarting')
        }),
      )
    },
    count: () => sockets.size,
    trackedGuests: () => limits.size,
  }
}
