/**
 * @module server/upstreams/types
 * The contact centre behind the BFF. The socket hub calls these after a guest's action has been
 * durably appended; an upstream writes what it receives (agent replies, events) back into the store.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { AttachmentLimits, Author, FrameErrorCode, MessageFrame, Reply } from '../../src/protocol'
import type { ConversationRecord } from '../stores/types'
import type { GenesysLogin } from './genesys/auth'

export type GuestSendOutcome =
  | { ok: true; entry: MessageFrame; duplicate: boolean }
  | { ok: false; code: FrameErrorCode; message: string; retryAfterMs?: number }

export interface GuestDraft {
  clientMessageId: string
  text: string
  author: Author
  attachments?: string[]
  reply?: Reply
}

export type UploadResult = { ok: true; attachmentId: string } | { ok: false; status: 400 | 413 | 415 | 502 | 503; message: string }

export interface Upstream {
  readonly name: 'desk' | 'genesys'
  /** Routes of the upstream's own (the desk console and its socket), registered by `buildApp`. */
  readonly routes?: FastifyPluginAsync
  /** Before the server listens: load remote settings. Throwing stops the start with the error's message. */
  start?(): Promise<void>
  /** The guest connected for the first time: create the upstream side lazily (greeting, vendor session). */
  openConversation(conversation: ConversationRecord): Promise<void>
  /** Every guest socket that connects: bring the upstream side back if it was lost (a restart, a detach). */
  guestConnected?(conversation: ConversationRecord): void
  /** A guest socket of this conversation closed (the upstream may let an unwatched session go idle). */
  guestDisconnected?(conversationId: string): void
  /**
   * Upstreams that confirm guest messages themselves (Genesys echoes each one) implement this: the hub does
   * not append; the upstream appends once the vendor confirmed, and the guest's ack follows.
   */
  sendGuestMessage?(conversation: ConversationRecord, draft: GuestDraft): Promise<GuestSendOutcome>
  /** Take a guest file for a later `send` (`POST /api/guest-sessions/current/attachments`); absent → 501. */
  uploadAttachment?(conversation: ConversationRecord, file: { name: string; type: string; bytes: Buffer }): Promise<UploadResult>
  /** The guest removed a file they uploaded but did not send (Genesys: `deleteAttachment`). */
  discardAttachment?(conversation: ConversationRecord, attachmentId: string): Promise<void>
  /** A fresh download URL for a file the upstream keeps (Genesys); the BFF's signed file URLs redirect to it. */
  attachmentUrl?(conversation: ConversationRecord, attachmentId: string): Promise<string | undefined>
  /** What guests may attach, for the widget to check before it uploads; undefined → no files. */
  attachmentLimits?(): AttachmentLimits | undefined
  /** Otherwise the hub appends first (the ack means "stored") and hands the message over here. */
  guestMessage?(conversation: ConversationRecord, message: MessageFrame): Promise<void>
  guestTyping(conversation: ConversationRecord, active: boolean): void
  /**
   * The guest ended the conversation. `kept`: this upstream could not end it (only its agent can, or the
   * contact centre did not confirm); nothing was ended and the conversation goes on.
   */
  endConversation(conversation: ConversationRecord): Promise<void | 'kept'>
  /**
   * The guest starts a new chat after `previous` ended (read-only): what the new conversation's
   * `upstreamSession` is, to go on with the same upstream session (Genesys: the same token, `startNew`).
   */
  continueSession?(previous: ConversationRecord): Promise<string | undefined>
  /**
   * The visitor signed in with the site's identity provider (Genesys authenticated messaging): the
   * `upstreamSession` of their new conversation, or undefined when the upstream refused the login.
   */
  signIn?(login: GenesysLogin): Promise<string | undefined>
  /** The visitor logged out: end the upstream's authenticated session. */
  signOut?(conversation: ConversationRecord): Promise<void>
  /** Whether a guest can end a conversation here; false: the widget offers "close" and the agent ends it. @default true */
  guestCanEnd?(): boolean
  /** Can it take new conversations (for /readyz)? */
  ready(): boolean
  close(): Promise<void>
}
