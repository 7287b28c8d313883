/**
 * @module server/upstreams/desk
 * The built-in local desk, the default upstream: conversations stay in the BFF's store, human agents
 * answer from the console at `/desk`, and an auto-responder bot covers until one does.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config'
import type { ConversationStore } from '../../stores/types'
import type { Upstream } from '../types'
import { createDeskBot } from './bot'
import { registerDeskSocket } from './desk-socket'

export function createDeskUpstream(deps: { config: Config; store: ConversationStore; log: FastifyBaseLogger; botDelayMs?: number }): Upstream {
  const { config, store, log } = deps
  const botOptions = { onError: (err: unknown) => log.error({ err }, 'desk bot failed') }
  const bot = config.deskBot ? createDeskBot(store, deps.botDelayMs === undefined ? botOptions : { ...botOptions, replyDelayMs: deps.botDelayMs }) : undefined

  return {
    name: 'desk',
    routes: async (app) => registerDeskSocket(app, { config, store }),
    async openConversation(conversation) {
      if (bot && conversation.lastSeq === 0) await bot.greet(conversation.id)
    },
    async guestMessage(conversation, message) {
      if (bot && !conversation.humanJoined && conversation.status === 'open') bot.answer(conversation.id, message.text, message.seq)
    },
    guestTyping() {
      // the desk console learns of typing from the store's signals; nothing else to deliver
    },
    async endConversation() {
      // the transcript's conversation-ended event is what the desk shows
    },
    ready: () => true,
    async close() {
      bot?.stop()
    },
  }
}
