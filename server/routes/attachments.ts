/**
 * @module server/routes/attachments
 * `POST /api/guest-sessions/current/attachments`: the guest's file as the raw request body, its MIME type
 * as `Content-Type` and its name in `X-Parley-File-Name` (URI-encoded). The upstream takes it (Genesys:
 * presigned upload; the desk: its file store) and answers with an id the guest sends in `send.attachments`.
 * The desk's agents upload through their own route (server/upstreams/desk/desk-routes.ts), and
 * `GET /api/files/:id?c&e&s` serves a desk file through the signed URL `FileVault.present` made.
 */
import { readFile } from 'node:fs/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config'
import { sendProblem } from '../problem'
import type { ConversationStore } from '../stores/types'
import type { TokenService } from '../tokens'
import type { UploadResult, Upstream } from '../upstreams/types'
import type { FileVault } from '../files'
import { createUploadGate } from '../upload-gate'
import { bearer } from './guest-sessions'

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/**
 * Control characters (C0, DEL, C1) and every bidi mark, embedding, override and isolate: in a file name they
 * only serve to disguise it ("invoice\u202Egnp.exe" shows as "invoiceexe.png").
 */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** A file name as shown to agents: decoded, no path, control and bidi characters removed, at most 255 characters. */
export function fileName(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined
  let name: string
  try {
    name = decodeURIComponent(header)
  } catch {
    return undefined
  }
  name = (name.split(/[\\/]/).pop() ?? '').replace(HIDDEN, '').trim()
  if (!name || name.length > 255 || name === '.' || name === '..') return undefined
  return name
}

/** The file of an upload request (raw body, `Content-Type`, `X-Parley-File-Name`), or a 400 already sent. */
export function readUpload(request: FastifyRequest, reply: FastifyReply): { name: string; type: string; bytes: Buffer } | undefined {
  const name = fileName(request.headers['x-parley-file-name'])
  if (!name) return void sendProblem(reply, 400, 'bad_request', 'Send the file name, URI-encoded, in X-Parley-File-Name.')
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (!MIME.test(type)) return void sendProblem(reply, 400, 'bad_request', 'Send the file type as Content-Type.')
  const bytes = request.body
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) return void sendProblem(reply, 400, 'bad_request', 'The file is empty.')
  return { name, type, bytes }
}

export const refused = (reply: FastifyReply, result: Extract<UploadResult, { ok: false }>): FastifyReply =>
  sendProblem(reply, result.status, result.status === 413 || result.status === 415 ? 'file_refused' : result.status === 400 ? 'bad_request' : 'unavailable', result.message)

export async function attachmentRoutes(
  app: FastifyInstance,
  deps: { config: Config; store: ConversationStore; tokens: TokenService; upstream: Upstream; files: FileVault },
): Promise<void> {
  const { config, store, tokens, upstream, files } = deps
  // the body is the file itself, whatever its type (a .json file must not be parsed as JSON)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.limits.maxUploadBytes }, (_request, body, done) => done(null, body))
  const uploads = { bodyLimit: config.limits.maxUploadBytes, config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }
  const gate = createUploadGate({ perKey: config.limits.uploadsPerGuest, total: config.limits.uploadsTotal })

  app.post('/api/guest-sessions/current/attachments', {
    ...uploads,
    // the token is checked and a place taken before a byte of the body is read: a bogus bearer streams nothing
    onRequest: async (request, reply) => {
      const claims = await bearer(request, reply, tokens)
      if (!claims) return reply
      const release = gate.enter(claims.guestId)
      if (!release) {
        reply.header('retry-after', '5')
        return sendProblem(reply, 429, 'rate_limited', 'Too many uploads at once; wait for one to finish.')
      }
      // 'close' comes whether the answer was sent or the client went away mid-body
      reply.raw.once('close', release)
      request.guestClaims = claims
    },
  }, async (request, reply) => {
    const claims = request.guestClaims
    if (!claims) return sendProblem(reply, 401, 'unauthorized', 'Send "Authorization: Bearer <guestToken>".')
    if (!upstream.uploadAttachment) return sendProblem(reply, 501, 'not_supported', 'This contact centre does not take attachments yet.')
    const file = readUpload(request, reply)
    if (!file) return reply
    const c = await store.getConversation(claims.conversationId)
    if (!c) return sendProblem(reply, 404, 'not_found', 'The conversation no longer exists.')
    const result = await upstream.uploadAttachment(c, file)
    if (!result.ok) return refused(reply, result)
    return reply.code(201).header('cache-control', 'no-store').send({ attachmentId: result.attachmentId })
  })

  app.delete<{ Params: { id: string } }>('/api/guest-sessions/current/attachments/:id', async (request, reply) => {
    const claims = await bearer(request, reply, tokens)
    if (!claims) return reply
    const { id } = request.params
    if (!/^[A-Za-z0-9._:-]{1,200}$/.test(id)) return sendProblem(reply, 400, 'bad_request', 'Not an attachment id.')
    const c = await store.getConversation(claims.conversationId)
    // a file that is never sent is the contact centre's to drop; an upstream that keeps nothing has nothing to do
    if (c) await upstream.discardAttachment?.(c, id)
    return reply.code(204).send()
  })

  app.get<{ Params: { id: string }; Querystring: Partial<Record<'c' | 'e' | 's', string>> }>('/api/files/:id', async (request, reply) => {
    const { id } = request.params
    const q = request.query
    const expires = Number(q.e)
    const conversationId = q.c ?? ''
    if (!q.s || !Number.isSafeInteger(expires) || !files.verify({ conversationId, id, expires, signature: q.s }))
      return sendProblem(reply, 403, 'link_expired', 'This file link is invalid or has expired; reopen the chat for a fresh one.')
    const found = await files.local(conversationId, id)
    if (!found) {
      // the contact centre keeps it (Genesys): send the browser to a URL fresh from there
      const c = await store.getConversation(conversationId)
      const url = c && (await upstream.attachmentUrl?.(c, id))
      if (!url || !/^https?:\/\//.test(url)) return sendProblem(reply, 404, 'not_found', 'The file is no longer available.')
      return reply.code(302).header('location', url).header('cache-control', 'no-store').send()
    }
    const { attachment, path } = found
    // images are shown in the chat; everything else is a download that never renders in the BFF's origin
    const inline = /^image\/(png|jpeg|gif|webp)$/.test(attachment.type)
    return reply
      .header('content-type', attachment.type)
      .header('content-length', attachment.size)
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(attachment.name)}`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      // the widget runs on other sites: its <img> must be allowed to load this
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', `private, max-age=${Math.max(0, expires - Math.floor(Date.now() / 1000))}`)
      // a buffer, not a stream: a streamed answer sometimes left its keep-alive connection counted as busy,
      // so a shutdown waited for it (Fastify's keepAliveTimeout, 72 s); files are at most PARLEY_MAX_UPLOAD_BYTES
      .send(await readFile(path))
  })
}
