/**
 * @module server/upstreams/desk/canned-routes
 * The team's canned replies, for every signed-in agent (the desk's `onRequest` hook signed them in):
 * `GET /api/desk/canned-replies`, `POST` one (`{title, text}`), `PUT /:id` to change it, `DELETE /:id`.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { normalizeText } from '../../../src/protocol'
import { sendProblem } from '../../problem'
import { MAX_CANNED_REPLIES, MAX_CANNED_TEXT, MAX_CANNED_TITLE } from '../../stores/agent-records'
import type { CannedReply, ConversationStore } from '../../stores/types'
import { agentDisplayName, type DeskAgent } from './agents'

/** `{title, text}` from a request body, or why not. */
function readBody(body: unknown): { title: string; text: string } | string {
  const o = typeof body === 'object' && body !== null ? body : {}
  const rawTitle = 'title' in o && typeof o.title === 'string' ? o.title : ''
  const rawText = 'text' in o && typeof o.text === 'string' ? o.text : ''
  // a title is one line like an agent's name: no invisible or bidi-control characters
  const title = rawTitle.length <= MAX_CANNED_TITLE ? agentDisplayName(rawTitle) : undefined
  const text = normalizeText(rawText).trim()
  if (!title) return `Send {"title": "…", "text": "…"}: a title of 1-${MAX_CANNED_TITLE} characters.`
  if (!text || text.length > MAX_CANNED_TEXT) return `The text is 1-${MAX_CANNED_TEXT} characters.`
  return { title, text }
}

const byTitle = (a: CannedReply, b: CannedReply): number => a.title.localeCompare(b.title)

export function cannedReplyRoutes(app: FastifyInstance, deps: { store: ConversationStore; agentOf: (request: FastifyRequest) => DeskAgent }): void {
  const { store, agentOf } = deps
  const limit = { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }

  app.get('/api/desk/canned-replies', async (_request, reply) => {
    const replies = (await store.listCannedReplies()).sort(byTitle)
    return reply.header('cache-control', 'no-store').send({ replies })
  })

  app.post<{ Body: unknown }>('/api/desk/canned-replies', limit, async (request, reply) => {
    const body = readBody(request.body)
    if (typeof body === 'string') return sendProblem(reply, 400, 'bad_request', body)
    if ((await store.listCannedReplies()).length >= MAX_CANNED_REPLIES)
      return sendProblem(reply, 400, 'bad_request', `A team keeps ${MAX_CANNED_REPLIES} canned replies at most; delete one first.`)
    const saved: CannedReply = { id: `cr_${randomBytes(9).toString('base64url')}`, ...body, updatedBy: agentOf(request).id, updatedAt: new Date().toISOString() }
    await store.putCannedReply(saved)
    return reply.code(201).header('cache-control', 'no-store').send({ reply: saved })
  })

  app.put<{ Params: { id: string }; Body: unknown }>('/api/desk/canned-replies/:id', limit, async (request, reply) => {
    const body = readBody(request.body)
    if (typeof body === 'string') return sendProblem(reply, 400, 'bad_request', body)
    const known = (await store.listCannedReplies()).some((r) => r.id === request.params.id)
    if (!known) return sendProblem(reply, 404, 'not_found', 'No such canned reply.')
    const saved: CannedReply = { id: request.params.id, ...body, updatedBy: agentOf(request).id, updatedAt: new Date().toISOString() }
    await store.putCannedReply(saved)
    return reply.header('cache-control', 'no-store').send({ reply: saved })
  })

  app.delete<{ Params: { id: string } }>('/api/desk/canned-replies/:id', limit, async (request, reply) => {
    if (!(await store.deleteCannedReply(request.params.id))) return sendProblem(reply, 404, 'not_found', 'No such canned reply.')
    return reply.code(204).send()
  })
}
