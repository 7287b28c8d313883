/**
 * @module server/upstreams/desk/desk-routes
 * The desk's HTTP routes. Every one signs in with a bearer token before its body is read (`onRequest`),
 * through the same throttled sign-in as the desk socket.
 * - `POST /api/desk/conversations/:id/attachments`: an agent's file for its next reply (the raw body, as
 *   the guest upload route takes it).
 * - `/api/desk/canned-replies`: the team's canned replies, for every agent (canned-routes.ts).
 * - `GET|POST /api/desk/agents`, `DELETE /api/desk/agents/:id`: accounts, for admins. This is what
 *   `npm run desk -- agent …` calls when the BFF keeps its state in memory (no Redis to write to).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { publicBase, type Config } from '../../config'
import type { FileVault } from '../../files'
import { sendProblem } from '../../problem'
import { readUpload, refused as refusedUpload } from '../../routes/attachments'
import type { ConversationStore } from '../../stores/types'
import { agentAvatarUrl } from '../../stores/agent-records'
import { agentDisplayName, issueAgent, publicAgent, signInLink, type DeskAgent } from './agents'
import { cannedReplyRoutes } from './canned-routes'
import { bearerAgent, type DeskAuth } from './sign-in'

export async function deskRoutes(app: FastifyInstance, deps: { config: Config; store: ConversationStore; files: FileVault; auth: DeskAuth }): Promise<void> {
  const { config, store, files, auth } = deps
  const signedIn = new WeakMap<FastifyRequest, DeskAgent>()
  const agentOf = (request: FastifyRequest): DeskAgent => {
    const agent = signedIn.get(request)
    // onRequest put it there or answered already
    if (!agent) throw new Error('desk route reached without a signed-in agent')
    return agent
  }

  app.addHook('onRequest', async (request, reply) => {
    const agent = await bearerAgent(request, reply, auth)
    if (!agent) return reply
    signedIn.set(request, agent)
    return undefined
  })

  await app.register(async (uploads) => {
    // the body is the file itself, whatever its type (a .json file must not be parsed as JSON)
    uploads.removeAllContentTypeParsers()
    uploads.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.limits.maxUploadBytes }, (_request, body, done) => done(null, body))
    uploads.post<{ Params: { conversationId: string } }>(
      '/api/desk/conversations/:conversationId/attachments',
      { bodyLimit: config.limits.maxUploadBytes, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const agent = agentOf(request)
        const c = await store.getConversation(request.params.conversationId)
        if (!c) return sendProblem(reply, 404, 'not_found', 'No such conversation.')
        const file = readUpload(request, reply)
        if (!file) return reply
        const result = await files.put(c.id, file)
        if (!result.ok) return refusedUpload(reply, result)
        request.log.info({ agentId: agent.id, conversationId: c.id, attachmentId: result.attachment.id }, 'desk file uploaded')
        return reply.code(201).header('cache-control', 'no-store').send({ attachmentId: result.attachment.id })
      },
    )
  })

  cannedReplyRoutes(app, { store, agentOf })

  const admin = (request: FastifyRequest): boolean => agentOf(request).role === 'admin'
  const forbidden = 'Only a desk admin may manage accounts.'

  app.get('/api/desk/agents', async (request, reply) => {
    if (!admin(request)) return sendProblem(reply, 403, 'forbidden', forbidden)
    const agents = (await store.listAgents()).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    return reply.header('cache-control', 'no-store').send({ agents: agents.map(publicAgent) })
  })

  app.post<{ Body: unknown }>('/api/desk/agents', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    if (!admin(request)) return sendProblem(reply, 403, 'forbidden', forbidden)
    const body = request.body
    const rawName = typeof body === 'object' && body !== null && 'name' in body && typeof body.name === 'string' ? body.name : ''
    const rawRole = typeof body === 'object' && body !== null && 'role' in body ? body.role : 'agent'
    const name = agentDisplayName(rawName)
    if (!name) return sendProblem(reply, 400, 'bad_request', 'Send {"name": "…"}: 1-80 characters.')
    if (rawRole !== 'agent' && rawRole !== 'admin') return sendProblem(reply, 400, 'bad_request', 'The role is "agent" or "admin".')
    const rawAvatar = typeof body === 'object' && body !== null && 'avatarUrl' in body ? body.avatarUrl : undefined
    const avatarUrl = typeof rawAvatar === 'string' ? agentAvatarUrl(rawAvatar) : undefined
    if (rawAvatar !== undefined && !avatarUrl) return sendProblem(reply, 400, 'bad_request', 'The avatar is an https:// URL of at most 2048 characters.')
    const { agent, token } = issueAgent(name, rawRole, new Date(), avatarUrl)
    await store.putAgent(agent)
    request.log.info({ agentId: agent.id, role: agent.role, by: agentOf(request).id }, 'desk account added')
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ agent: publicAgent(agent), token, link: signInLink(publicBase(config, request), token) })
  })

  app.delete<{ Params: { id: string } }>('/api/desk/agents/:id', async (request, reply) => {
    if (!admin(request)) return sendProblem(reply, 403, 'forbidden', forbidden)
    const agent = await store.revokeAgent(request.params.id)
    if (!agent) return sendProblem(reply, 404, 'not_found', 'No such account (the bootstrap admin cannot be revoked: change PARLEY_DESK_TOKEN).')
    request.log.info({ agentId: agent.id, by: agentOf(request).id }, 'desk account revoked')
    return reply.header('cache-control', 'no-store').send({ agent: publicAgent(agent) })
  })
}
