/**
 * @module server/routes/feedback
 * Business hours (`GET /api/availability`), messages left while the team is out
 * (`POST /api/offline-messages`, landing at the desk as an offline conversation) and the guest's rating
 * of a conversation (`POST /api/guest-sessions/current/rating`).
 */
import type { FastifyInstance } from 'fastify'
import { countChars, normalizeText, parseOfflineMessageBody, parseRatingBody, type Availability } from '../../src/protocol'
import { availabilityAt } from '../business-hours'
import type { Config } from '../config'
import { appendMessage } from '../conversations'
import { sendProblem } from '../problem'
import type { ConversationStore } from '../stores/types'
import type { TokenService } from '../tokens'
import type { Upstream } from '../upstreams/types'
import { bearer, createGuest } from './guest-sessions'

interface Deps {
  config: Config
  store: ConversationStore
  tokens: TokenService
  upstream: Upstream
}

export async function feedbackRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { config, store, tokens, upstream } = deps
  // only the built-in desk has somewhere to put them; Genesys has its own after-hours flows (docs/conversation.md)
  const takesOfflineMessages = upstream.name === 'desk'

  app.get('/api/availability', async (_request, reply) => {
    const hours = config.businessHours && availabilityAt(config.businessHours, Date.now())
    const answer: Availability = { open: hours?.open ?? true, offlineMessages: takesOfflineMessages }
    if (hours?.nextChangeAt !== undefined) answer.nextChangeAt = new Date(hours.nextChangeAt).toISOString()
    const attachments = upstream.attachmentLimits?.()
    if (attachments) answer.attachments = attachments
    if (upstream.guestCanEnd?.() === false) answer.guestCanEnd = false
    return reply.header('cache-control', 'no-store').send(answer)
  })

  app.post(
    '/api/offline-messages',
    { config: { rateLimit: { max: config.limits.guestRatePerMinute, timeWindow: 60_000 } } },
    async (request, reply) => {
      if (!takesOfflineMessages) return sendProblem(reply, 501, 'not_supported', 'This contact centre does not take offline messages here.')
      const body = parseOfflineMessageBody(request.body)
      if (!body.ok) return sendProblem(reply, 400, 'bad_request', body.message)
      const text = normalizeText(body.value.message)
      if (countChars(text) > config.limits.maxMessageChars)
        return sendProblem(reply, 400, 'bad_request', `Messages are limited to ${config.limits.maxMessageChars} characters.`)
      const profile = { email: body.value.email, ...(body.value.name ? { displayName: body.value.name } : {}) }
      const guest = await createGuest(store, profile, { offline: true })
      const author = { name: body.value.name ?? body.value.email }
      await appendMessage(store, guest.conversationId, { role: 'guest', author, text })
      return reply.code(201).header('cache-control', 'no-store').send({ received: true })
    },
  )

  app.post('/api/guest-sessions/current/rating', async (request, reply) => {
    const claims = await bearer(request, reply, tokens)
    if (!claims) return reply
    const body = parseRatingBody(request.body)
    if (!body.ok) return sendProblem(reply, 400, 'bad_request', body.message)
    const rating = { ...body.value, ...(body.value.comment ? { comment: normalizeText(body.value.comment) } : {}), at: new Date().toISOString() }
    // a guest may change their mind: the last rating stands
    const updated = await store.updateConversation(claims.conversationId, { rating })
    if (!updated) return sendProblem(reply, 404, 'not_found', 'The conversation no longer exists.')
    return reply.code(204).send()
  })
}
