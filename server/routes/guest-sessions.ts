/**
 * @module server/routes/guest-sessions
 * Creating a guest, refreshing its tokens, reading its transcript, and "end and forget".
 * The browser only ever holds Parley tokens; vendor credentials never leave the BFF.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  parseCreateGuestSessionBody,
  type CreateGuestSessionBody,
  parseHistoryQuery,
  parseRefreshBody,
  type GuestSession,
  type MessagesPage,
  type RefreshedTokens,
} from '../../src/protocol'
import { publicBase, type Config } from '../config'
import { endConversation, newId } from '../conversations'
import { sendProblem } from '../problem'
import type { ConversationRecord, ConversationStore, GuestRecord, VerifiedIdentity } from '../stores/types'
import type { Metrics } from './metrics'
import { refreshFamily, type GuestClaims, type TokenService } from '../tokens'
import { createWindowCounter } from '../rate-limit-store'
import type { Upstream } from '../upstreams/types'
import type { FileVault } from '../files'
import type { IdentityVerifier } from '../identity'
import { bindGuest, openGuestOfSub, verifyIdentity } from '../identity-sessions'
import { applyIdentity } from '../stores/records'
import { guestDevice, guestLanguage } from '../upstreams/desk/guest-context'

interface Deps {
  metrics?: Metrics
  config: Config
  store: ConversationStore
  tokens: TokenService
  upstream: Upstream
  files: FileVault
  /** Verifies host-signed identity tokens; unset when `PARLEY_IDENTITY_*` is. */
  identity?: IdentityVerifier
  /** True while the node is overloaded: new guests get 503 with Retry-After instead of slowing everyone. */
  overloaded?: () => boolean
}

function socketUrl(config: Config, request: FastifyRequest): string {
  return `${publicBase(config, request).replace(/^http/, 'ws')}/api/socket`
}

/** Verify `Authorization: Bearer <guestToken>`, or answer 401 and return undefined. */
export async function bearer(request: FastifyRequest, reply: FastifyReply, tokens: TokenService): Promise<GuestClaims | undefined> {
  const header = request.headers.authorization
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
  const verified = token ? await tokens.verify(token) : undefined
  if (verified?.ok) return verified.claims
  await sendProblem(reply, 401, 'unauthorized', verified ? `The guest token is ${verified.reason}.` : 'Send "Authorization: Bearer <guestToken>".')
  return undefined
}

/** The ended conversation of the guest token in `Authorization`, if one is sent; anything else is ignored. */
async function endedConversation(request: FastifyRequest, tokens: TokenService, store: ConversationStore): Promise<ConversationRecord | undefined> {
  const header = request.headers.authorization
  const verified = header?.startsWith('Bearer ') ? await tokens.verify(header.slice(7).trim()) : undefined
  const c = verified?.ok ? await store.getConversation(verified.claims.conversationId) : undefined
  return c?.status === 'ended' ? c : undefined
}

/**
 * A new guest and its (still empty) conversation. `offline`: a message left outside business hours.
 * `identity`: the host vouched for the guest; its name, e-mail and attributes win over the typed ones.
 * `context`: the browser's language and a device summary, for the desk's guest panel.
 */
export async function createGuest(
  store: ConversationStore,
  profile: CreateGuestSessionBody,
  options: { offline?: boolean; identity?: VerifiedIdentity; context?: Pick<GuestRecord, 'language' | 'device'> } = {},
): Promise<GuestRecord> {
  const guestId = newId('g')
  const conversationId = newId('c')
  const now = new Date().toISOString()
  const typed: GuestRecord = {
    guestId,
    conversationId,
    attributes: profile.attributes ?? {},
    createdAt: now,
    revoked: false,
    ...(profile.displayName ? { displayName: profile.displayName } : {}),
    ...(profile.email ? { email: profile.email } : {}),
    ...(options.context?.language ? { language: options.context.language } : {}),
    ...(options.context?.device ? { device: options.context.device } : {}),
  }
  const guest = options.identity ? applyIdentity(typed, options.identity) : typed
  const conversation: ConversationRecord = {
    id: conversationId,
    guestId,
    guestName: guest.displayName || `Guest ${guestId.slice(2, 7)}`,
    epoch: randomBytes(8).toString('base64url'),
    status: 'open',
    lastSeq: 0,
    deskReadSeq: 0,
    deliveredSeq: 0,
    humanJoined: false,
    upstreamOpened: false,
    createdAt: now,
    updatedAt: now,
  }
  if (options.offline) conversation.offline = true
  await store.createGuest(guest, conversation)
  if (options.identity) await store.bindIdentity(guestId, options.identity)
  return guest
}

export async function guestSessionRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { config, store, tokens, upstream, files } = deps

  app.post(
    '/api/guest-sessions',
    { config: { rateLimit: { max: config.limits.guestRatePerMinute, timeWindow: 60_000 } } },
    async (request, reply) => {
      const body = parseCreateGuestSessionBody(request.body)
      if (!body.ok) return sendProblem(reply, 400, 'bad_request', body.message)
      // a bad identity is refused before anything else happens (no guest, no upstream call)
      const identity = body.value.identityToken ? await verifyIdentity(deps.identity, body.value.identityToken, reply) : undefined
      if (body.value.identityToken && !identity) return reply
      if (deps.overloaded?.()) {
        reply.header('retry-after', '5')
        return sendProblem(reply, 503, 'unavailable', 'The service is busy; try again shortly.')
      }
      if (!upstream.ready()) {
        reply.header('retry-after', '5')
        return sendProblem(reply, 503, 'unavailable', 'The contact centre is not reachable; try again shortly.')
      }
      // Genesys authenticated messaging: the login is exchanged first; a refused one creates nothing
      const { genesysLogin } = body.value
      if (genesysLogin && !upstream.signIn) return sendProblem(reply, 400, 'bad_request', 'This contact centre takes no sign-in ("genesysLogin").')
      const signedIn = genesysLogin && (await upstream.signIn?.(genesysLogin))
      if (genesysLogin && !signedIn) return sendProblem(reply, 401, 'invalid_identity', 'The contact centre did not accept the sign-in.')
      // the same person on another device continues their open conversation
      const open = !signedIn && identity ? await openGuestOfSub(store, identity.sub) : undefined
      // only the reduced forms are kept, never the raw headers
      const context = { language: guestLanguage(request.headers['accept-language']), device: guestDevice(request.headers['user-agent']) }
      const guest = open && identity ? await bindGuest(store, open, identity) : await createGuest(store, body.value, { context, ...(identity ? { identity } : {}) })
      // a new chat after an ended one (its guest token sent along): the upstream may go on with its session,
      // but never from one person to another
      if (signedIn) await store.updateConversation(guest.conversationId, { upstreamSession: signedIn })
      const previous = open || signedIn ? undefined : await endedConversation(request, tokens, store)
      const previousGuest = previous && (await store.getGuest(previous.guestId))
      const samePerson = previousGuest && previousGuest.verified?.sub === identity?.sub
      const carried = previous && samePerson && (await upstream.continueSession?.(previous))
      if (carried) await store.updateConversation(guest.conversationId, { upstreamSession: carried })
      const issued = await tokens.issue(guest)
      deps.metrics?.guestCreated()
      const session: GuestSession = { guestId: guest.guestId, conversationId: guest.conversationId, ...issued, socketUrl: socketUrl(config, request) }
      return reply.code(201).header('cache-control', 'no-store').send(session)
    },
  )

  // per address by the plugin; per token family here, where the family is known (one guest's chain may not
  // rotate hundreds of times a minute even from many addresses)
  const familyRefreshes = createWindowCounter({ max: config.limits.refreshFamilyPerMinute, windowMs: 60_000 })
  app.post('/api/guest-sessions/refresh', { config: { rateLimit: { max: config.limits.refreshRatePerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
    const body = parseRefreshBody(request.body)
    if (!body.ok) return sendProblem(reply, 400, 'bad_request', body.message)
    const { identityToken } = body.value
    const identity = identityToken ? await verifyIdentity(deps.identity, identityToken, reply) : undefined
    if (identityToken && !identity) return reply
    const family = refreshFamily(body.value.refreshToken)
    const wait = family === undefined ? 0 : familyRefreshes.hit(family)
    if (wait) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)))
      return sendProblem(reply, 429, 'rate_limited', 'This session refreshes too often; wait and try again.')
    }
    const rotated = await tokens.rotate(body.value.refreshToken)
    if (!rotated.ok) return sendProblem(reply, 401, 'invalid_refresh_token', 'The refresh token is unknown, expired or already used.')
    if (identity) {
      const bound = rotated.guest.verified
      if (bound && bound.sub !== identity.sub) {
        // another person's session on this device: it ends here, they start their own
        const issuedFamily = refreshFamily(rotated.tokens.refreshToken)
        if (issuedFamily) await store.revokeFamily(issuedFamily)
        return sendProblem(reply, 403, 'identity_mismatch', 'This session belongs to someone else; log out and start a new one.')
      }
      // an anonymous guest who signed in is upgraded in place; a verified one takes the newer claims
      await bindGuest(store, rotated.guest, identity)
    }
    const answer: RefreshedTokens = rotated.tokens
    return reply.header('cache-control', 'no-store').send(answer)
  })

  // "log out" on one device: its tokens die, the conversation stays for the person's other devices
  app.post('/api/guest-sessions/logout', { config: { rateLimit: { max: config.limits.refreshRatePerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
    const body = parseRefreshBody(request.body)
    if (!body.ok) return sendProblem(reply, 400, 'bad_request', body.message)
    const guest = await tokens.revoke(body.value.refreshToken)
    const conversation = guest && (await store.getConversation(guest.conversationId))
    // an authenticated upstream session (Genesys) is logged out there too
    if (conversation) await upstream.signOut?.(conversation)
    return reply.code(204).send()
  })

  app.get('/api/guest-sessions/current/messages', async (request, reply) => {
    const claims = await bearer(request, reply, tokens)
    if (!claims) return reply
    const query = parseHistoryQuery(request.query)
    if (!query.ok) return sendProblem(reply, 400, 'bad_request', query.message)
    const { entries, hasMore } = await store.readBefore(claims.conversationId, query.value.before, query.value.limit)
    const page: MessagesPage = { messages: entries.map((e) => files.present(claims.conversationId, e, publicBase(config, request))), hasMore }
    return reply.header('cache-control', 'no-store').send(page)
  })

  app.delete('/api/guest-sessions/current', async (request, reply) => {
    const claims = await bearer(request, reply, tokens)
    if (!claims) return reply
    const c = await store.getConversation(claims.conversationId)
    if (c) {
      // the contact centre first: a conversation it keeps open must not be ended (or orphaned) here
      if ((await upstream.endConversation(c)) === 'kept')
        return sendProblem(reply, 409, 'not_supported', 'The contact centre ends this conversation; close the chat instead.')
      await endConversation(store, c.id)
    }
    await store.revokeGuest(claims.guestId)
    await store.deleteConversation(claims.conversationId)
    await files.removeConversation(claims.conversationId)
    return reply.code(204).send()
  })
}
