/**
 * @module server/upstreams/desk/desk-socket
 * The agent console's socket: conversation list, transcripts, replies, typing, end. Signed in with an
 * agent's token (or `PARLEY_DESK_TOKEN`) offered as a subprotocol, checked before the upgrade like the
 * guest socket; failed sign-ins are throttled per address. Everything the agent does is written under
 * the account's name and marked with its id; the socket closes (4003) when the account is revoked.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import { DESK_PROTOCOL, parseDeskClientFrame, type AgentRef, type DeskServerFrame, type TranscriptEntry } from '../../../src/protocol'
import { publicBase, type Config } from '../../config'
import { advanceReceipt } from '../../conversations'
import { offeredCredential } from '../../socket/upgrade'
import type { FileVault } from '../../files'
import type { ConversationRecord, ConversationStore } from '../../stores/types'
import { agentAuthor, BOOTSTRAP_AGENT_ID, type DeskAgent } from './agents'
import { act } from './desk-actions'
import type { Presence } from './presence'
import { refuseSignIn, type DeskAuth } from './sign-in'
import { summarize } from './summaries'

const TRANSCRIPT_LIMIT = 500
/** Close code of a desk socket whose account was revoked (DESIGN.md §5: forbidden, do not reconnect). */
export const REVOKED_CLOSE = 4003

/** Entries an agent may have written: the ones worth looking up in the marks. */
const byAgent = (e: TranscriptEntry): boolean => e.type === 'event' || e.role === 'agent'

export function registerDeskSocket(
  app: FastifyInstance,
  deps: { config: Config; store: ConversationStore; files: FileVault; auth: DeskAuth; presence: Presence },
): void {
  const { config, store, files, auth, presence } = deps
  const signedIn = new WeakMap<FastifyRequest, DeskAgent>()

  /** Names of the agents marks point at, per socket: an account's name does not change. */
  const namer = (): ((agentId: string) => Promise<AgentRef>) => {
    const known = new Map<string, AgentRef>([[BOOTSTRAP_AGENT_ID, { id: BOOTSTRAP_AGENT_ID, name: config.deskAdminName }]])
    return async (agentId) => {
      const hit = known.get(agentId)
      if (hit) return hit
      const ref = { id: agentId, name: (await store.getAgent(agentId))?.name ?? agentId }
      known.set(agentId, ref)
      return ref
    }
  }

  app.get(
    '/api/desk/socket',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const offered = offeredCredential(request, reply, config.allowedOrigins, DESK_PROTOCOL)
        if ('refused' in offered) return offered.refused
        const result = await auth.signIn(offered.token, request.ip)
        if (!result.ok) return refuseSignIn(reply, result)
        signedIn.set(request, result.agent)
        return undefined
      },
    },
    (socket: WebSocket, request) => {
      const agent = signedIn.get(request)
      if (!agent) return socket.close(REVOKED_CLOSE, 'not signed in')
      const base = publicBase(config, request)
      const nameOf = namer()
      const send = (frame: DeskServerFrame): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
      }
      const fail = (err: unknown): void => {
        request.log.error({ err }, 'desk socket action failed')
        send({ type: 'error', message: 'The action failed; try again.' })
      }
      send({ type: 'hello', agent: { id: agent.id, name: agent.name, role: agent.role } })
      const leave = presence.join(agent)
      const unwatchTeam = presence.onChange((agents) => send({ type: 'agents', agents }))
      // the first sight of the team, unless the join above already told it
      presence.team().then((agents) => send({ type: 'agents', agents }), fail)
      const row = (c: ConversationRecord): Promise<void> =>
        summarize(store, c, nameOf).then((conversation) => {
          if (conversation) send({ type: 'conversation', conversation })
        })

      async function attributed(conversationId: string, entries: TranscriptEntry[]): Promise<Record<string, AgentRef>> {
        const marks = await store.agentMarks(conversationId, entries.filter(byAgent).map((e) => e.id))
        const by: Record<string, AgentRef> = {}
        for (const [entryId, agentId] of marks) by[entryId] = await nameOf(agentId)
        return by
      }

      // entries go out in the order they came, each with the agent behind it when there is one
      let outgoing = Promise.resolve()
      const unsubscribe = store.subscribe((event) => {
        if (event.type === 'entry') {
          const { conversationId, entry } = event
          outgoing = outgoing
            .then(async () => {
              const by = byAgent(entry) ? (await attributed(conversationId, [entry]))[entry.id] : undefined
              const presented = files.present(conversationId, entry, base)
              send(by ? { type: 'entry', conversationId, entry: presented, by } : { type: 'entry', conversationId, entry: presented })
            })
            .catch(fail)
        } else if (event.type === 'conversation') row(event.conversation).catch(fail)
        else if (event.type === 'signal' && event.signal.role === 'guest')
          send({ type: 'guest-typing', conversationId: event.conversationId, active: event.signal.active })
        else if (event.type === 'agent-revoked' && event.agentId === agent.id) {
          request.log.info({ agentId: agent.id }, 'desk account revoked; closing its socket')
          socket.close(REVOKED_CLOSE, 'revoked')
        }
      })
      socket.on('close', () => {
        unsubscribe()
        unwatchTeam()
        leave()
      })

      void (async () => {
        const all = await store.listConversations()
        all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
        const rows = await Promise.all(all.map((c) => summarize(store, c, nameOf)))
        send({ type: 'conversations', conversations: rows.filter((r) => r !== undefined) })
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
                const by = await attributed(c.id, entries)
                return send({ type: 'transcript', conversationId: c.id, entries: entries.map((e) => files.present(c.id, e, base)), by })
              }
              case 'typing':
                return store.signal(c.id, { type: 'typing', role: 'agent', active: frame.active, author: agentAuthor(agent) })
              default: {
                const refused = await act({ config, store, files }, agent, c, frame)
                if (refused) send({ type: 'error', message: refused })
                return
              }
            }
          })
          .catch(fail)
      })
    },
  )
}
