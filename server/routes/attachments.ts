/**
 * @module server/routes/attachments
 * `POST /api/guest-sessions/current/attachments`: the guest's file as the raw request body, its MIME type
 * as `Content-Type` and its name in `X-Parley-File-Name` (URI-encoded). The upstream takes it (Genesys:
 * presigned upload) and answers with an id the guest sends in `send.attachments`.
 */
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config'
import { sendProblem } from '../problem'
import type { ConversationStore } from '../stores/types'
import type { TokenService } from '../tokens'
import type { Upstream } from '../upstreams/types'
import { bearer } from './guest-sessions'

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/** A file name as shown to agents: decoded, no path, no control characters, at most 255 characters. */
export function fileName(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined
  let name: string
  try {
    name = decodeURIComponent(header)
  } catch {
    return undefined
  }
  name = name.split(/[\\/]/).pop() ?? ''
  if (!name || name.length > 255 || /[\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') return undefined
  return name
}

export async function attachmentRoutes(app: FastifyInstance, deps: { config: Config; store: ConversationStore; tokens: TokenService; upstream: Upstream }): Promise<void> {
  const { config, store, tokens, upstream } = deps
  // the body is the file itself, whatever its type (a .json file must not be parsed as JSON)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.limits.maxUploadBytes }, (_request, body, done) => done(null, body))

  app.post('/api/guest-sessions/current/attachments', { bodyLimit: config.limits.maxUploadBytes }, async (request, reply) => {
    const claims = await bearer(request, reply, tokens)
    if (!claims) return reply
    if (!upstream.uploadAttachment) return sendProblem(reply, 501, 'not_supported', 'This contact centre does not take attachments yet.')
    const name = fileName(request.headers['x-parley-file-name'])
    if (!name) return sendProblem(reply, 400, 'bad_request', 'Send the file name, URI-encoded, in X-Parley-File-Name.')
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (!MIME.test(type)) return sendProblem(reply, 400, 'bad_request', 'Send the file type as Content-Type.')
    const bytes = request.body
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) return sendProblem(reply, 400, 'bad_request', 'The file is empty.')
    const c = await store.getConversation(claims.conversationId)
    if (!c) return sendProblem(reply, 404, 'not_found', 'The conversation no longer exists.')
    const result = await upstream.uploadAttachment(c, { name, type, bytes })
    if (!result.ok) return sendProblem(reply, result.status, result.status === 413 || result.status === 415 ? 'file_refused' : result.status === 400 ? 'bad_request' : 'unavailable', result.message)
    return reply.code(201).header('cache-control', 'no-store').send({ attachmentId: result.attachmentId })
  })
}
