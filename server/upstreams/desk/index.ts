/**
 * @module server/upstreams/desk
 * The built-in local desk, the default upstream: conversations stay in the BFF's store, human agents
 * answer from the console at `/desk`, and an auto-responder bot covers until one does. With several
 * nodes, the bot answers on the node holding the conversation's lease, so each message is answered once;
 * a node that takes a conversation over answers what its last holder left unanswered.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { Config } from '../../config'
import type { Leases } from '../../leases'
import type { FileVault } from '../../files'
import type { ConversationStore } from '../../stores/types'
import type { Upstream } from '../types'
import { createWatchers } from '../watchers'
import { createDeskBot, unansweredGuestMessages } from './bot'
import { registerDeskSocket } from './desk-socket'
import { deskRoutes } from './desk-routes'
import { createPresence } from './presence'
import { createDeskAuth } from './sign-in'
import { createSignInThrottle } from './sign-in-throttle'

/** A conversation no guest socket on this node has watched for this long is let go (its lease freed). */
const IDLE_RELEASE_MS = 60_000
/** Failed desk sign-ins allowed per client address in `SIGN_IN_WINDOW_MS`, across all nodes, unless set. */
export { DEFAULT_DESK_SIGNIN_FAILURES as SIGN_IN_FAILURES } from '../../config'
const SIGN_IN_WINDOW_MS = 15 * 60_000

export function createDeskUpstream(deps: {
  config: Config
  store: ConversationStore
  leases: Leases
  log: FastifyBaseLogger
  files: FileVault
  botDelayMs?: number
  idleReleaseMs?: number
  /** Where failed sign-ins are counted: the rate-limit Redis shared by every node; unset: this process. */
  rateLimitRedis?: Redis | undefined
}): Upstream {
  const { config, store, leases, log, files } = deps
  const throttle = createSignInThrottle({
    maxFailures: config.deskSignInFailures,
    windowMs: SIGN_IN_WINDOW_MS,
    redis: deps.rateLimitRedis,
    prefix: config.redisPrefix,
    onError: (err) => log.warn({ err }, 'desk sign-in counter unavailable; the attempt is let through to the token check'),
  })
  const auth = createDeskAuth({ store, throttle, bootstrapToken: config.deskToken, bootstrapName: config.deskAdminName })
  const presence = createPresence(store, config.deskAdminName)
  const onError = (err: unknown): void => log.error({ err }, 'desk bot failed')
  const bot = config.deskBot ? createDeskBot(store, deps.botDelayMs === undefined ? { onError } : { onError, replyDelayMs: deps.botDelayMs }) : undefined

  const watchers = createWatchers(deps.idleReleaseMs ?? IDLE_RELEASE_MS, (conversationId) => void leases.release(conversationId).catch(onError))

  const stopAcquired = leases.onAcquired((conversationId) => {
    if (!bot) return
    void (async () => {
      const c = await store.getConversation(conversationId)
      if (!c || c.humanJoined || c.status !== 'open') return
      for (const m of await unansweredGuestMessages(store, conversationId)) bot.answer(conversationId, m.reply?.payload ?? m.text, m.seq)
    })().catch(onError)
  })

  return {
    name: 'desk',
    routes: async (app) => {
      registerDeskSocket(app, { config, store, files, auth, presence })
      await app.register(deskRoutes, { config, store, files, auth })
    },
    async openConversation(conversation) {
      if (bot && conversation.lastSeq === 0) await bot.greet(conversation.id)
    },
    guestConnected(conversation) {
      watchers.connected(conversation.id)
      // take the conversation over if its holder let go or died
      leases.acquire(conversation.id).catch(onError)
    },
    guestDisconnected: (conversationId) => watchers.disconnected(conversationId),
    async guestMessage(conversation, message) {
      if (!bot || conversation.humanJoined || conversation.status !== 'open') return
      // not awaited: waiting for a dead holder's lease must not hold up the guest's other frames
      void leases.acquire(conversation.id).then((held) => {
        if (held) bot.answer(conversation.id, message.reply?.payload ?? message.text, message.seq)
      }, onError)
    },
    attachmentLimits: () => ({ maxBytes: config.limits.maxUploadBytes, types: config.files.types }),
    async uploadAttachment(conversation, file) {
      const result = await files.put(conversation.id, file)
      return result.ok ? { ok: true, attachmentId: result.attachment.id } : result
    },
    guestTyping() {
      // the desk console learns of typing from the store's signals; nothing else to deliver
    },
    async endConversation(conversation) {
      // the transcript's conversation-ended event is what the desk shows
      await leases.release(conversation.id)
    },
    ready: () => true,
    async close() {
      stopAcquired()
      watchers.close()
      bot?.stop()
    },
  }
}
