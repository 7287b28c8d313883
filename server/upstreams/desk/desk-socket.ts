/**
 * @module server/upstreams/desk/desk-socket
 * The agent console's socket: conversation list, transcripts, replies, typing, end. Signed in with
 * `PARLEY_DESK_TOKEN` offered as a subprotocol, checked before the upgrade like the guest socket.
 */
import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import {
  countChars,
  DESK_PROTOCOL,
  hasContent,
  normalizeText,
  parseDeskClientFrame,
  type DeskServerFrame,
} from '../../../src/protocol'
import { publicBase, type Config } from '../../config'
import { advanceReceipt, appendEvent, appendMessage, endConversation } from '../../conversations'
import { sendProblem } from '../../problem'
import { offeredCredential, sameSecret } from '../../socket/upgrade'
import type { FileVault } from '../../files'
import type { ConversationStore } from '../../stores/types'
import { summarize } from './summaries'

const TRANSCRIPT_LIMIT = 500

export function registerDeskSocket(app: FastifyInstance, deps: { config: Config; store: ConversationStore; files: FileVault }): void {
  const { config, store, files } = deps

  app.get(
    '/api/desk/socket',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const offered = offeredCredential(request, reply, config.allowedOrigins, DESK_PROTOCOL)
        if ('refused' in offered) return offered.refused
        if (!sameSecret(offered.token, config.deskToken)) return sendProblem(reply, 401, 'unauthorized', 'A valid desk token is required.')
        return undefined
      },
    },
    (socket: WebSocket, request) => {
      const base = publicBase(config, request)
      const send = (frame: DeskServerFrame): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
      }
      const fail = (err: unknown): void => {
        request.log.error({ err }, 'desk socket action failed')
        send({ type: 'error', message: 'The action failed; try again.' })
      }

      const unsubscribe = store.subscribe((event) => {
        if (event.type === 'entry') send({ type: 'entry', conversationId: event.conversationId, entry: files.present(event.conversationId, event.entry, base) })
        else if (event.type === 'conversation')
          summarize(store, event.conversation).then((conversation) => send({ type: 'conversation', conversation }), fail)
        else if (event.type === 'signal' && event.signal.role === 'guest')
          send({ type: 'guest-typing', conversationId: event.conversationId, active: event.signal.active })
      })
      socket.on('close', unsubscribe)

      void (async () => {
        const all = await store.listConversations()
        all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
        send({ type: 'conversations', conversations: await Promise.all(all.map((c) => summarize(store, c))) })
      })().catch(fail)

      let queue = Promise.resolve()
      socket.on('message', (data, isBinary) => {
        if (isBinary) return send({ type: 'error', message: 'Binary frames are not supported.' })
        const parsed = parseDeskClientFrame(data.toString('utf8'))
        if (!parsed.ok) return send({ type: 'error', message: parsed.message })
        const frame = parsed.value
        // one frame at a time, so a reply never overtakes the one before it
        queue = queue
          .then(async () => {
            if (frame.type === 'ping') return send({ type: 'pong' })
            const c = await store.getConversation(frame.conversationId)
            if (!c) return send({ type: 'error', message: 'No such conversation.' })
            switch (frame.type) {
              case 'open': {
                await advanceReceipt(store, c.id, 'deskReadSeq', c.lastSeq)
                const { entries } = await store.readBefore(c.id, undefined, TRANSCRIPT_LIMIT)
                return send({ type: 'transcript', conversationId: c.id, entries: entries.map((e) => files.present(c.id, e, base)) })
              }
              case 'typing':
                return store.signal(c.id, { type: 'typing', role: 'agent', active: frame.active, author: { name: agentName(frame.agentName) } })
              case 'end':
                return endConversation(store, c.id)
              case 'leave': {
                if (!c.humanJoined) return
                // the bot answers again from here on
                await store.updateConversation(c.id, { humanJoined: false })
                await appendEvent(store, c.id, 'agent-left', { name: agentName(frame.agentName) })
                return
              }
              case 'reply': {
                const text = normalizeText(frame.text)
                const { attachmentIds, quickReplies, buttons, cards } = frame
                const attachments = attachmentIds && (await files.resolve(c.id, attachmentIds))
                if (attachmentIds && !attachments) return send({ type: 'error', message: 'An attachment is unknown; upload it again.' })
                if (!hasContent(text) && !attachments && !cards) return send({ type: 'error', message: 'The reply is empty.' })
                if (countChars(text) > config.limits.maxMessageChars)
                  return send({ type: 'error', message: `Replies are limited to ${config.limits.maxMessageChars} characters.` })
                if (c.status === 'ended') return send({ type: 'error', message: 'This conversation has ended.' })
                const author = { name: agentName(frame.agentName) }
                if (!c.humanJoined) {
                  await store.updateConversation(c.id, { humanJoined: true })
                  await appendEvent(store, c.id, 'agent-joined', author)
                }
                const rich = { ...(attachments ? { attachments } : {}), ...(quickReplies ? { quickReplies } : {}), ...(buttons ? { buttons } : {}), ...(cards ? { cards } : {}) }
                await appendMessage(store, c.id, { role: 'agent', author, text, ...rich }, `agent:${frame.clientMessageId}`)
                const after = await store.getConversation(c.id)
                if (after) await advanceReceipt(store, c.id, 'deskReadSeq', after.lastSeq)
                return
              }
            }
          })
          .catch(fail)
      })
    },
  )
}

function agentName(raw: string): string {
  const name = normalizeText(raw).trim().slice(0, 80)
  return name || 'Agent'
}
