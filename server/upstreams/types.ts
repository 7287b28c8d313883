/**
 * @module server/upstreams/types
 * The contact centre behind the BFF. The socket hub calls these after a guest's action has been
 * durably appended; an upstream writes what it receives (agent replies, events) back into the store.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { MessageFrame } from '../../src/protocol'
import type { ConversationRecord } from '../stores/types'

export interface Upstream {
  readonly name: 'desk' | 'genesys'
  /** Routes of the upstream's own (the desk console and its socket), registered by `buildApp`. */
  readonly routes?: FastifyPluginAsync
  /** The guest connected for the first time: create the upstream side lazily (greeting, vendor session). */
  openConversation(conversation: ConversationRecord): Promise<void>
  /** A guest message was appended with its seq; deliver it. */
  guestMessage(conversation: ConversationRecord, message: MessageFrame): Promise<void>
  guestTyping(conversation: ConversationRecord, active: boolean): void
  /** The guest ended the conversation. */
  endConversation(conversation: ConversationRecord): Promise<void>
  /** Can it take new conversations (for /readyz)? */
  ready(): boolean
  close(): Promise<void>
}
