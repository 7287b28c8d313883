/**
 * @module protocol/frames
 * The `parley.v1` wire protocol: JSON text frames between the widget (or any client) and the BFF.
 * Discriminated unions only; parsers live in `parse.ts`. `docs/protocol.md` is the prose copy.
 */
import type { FrameErrorCode } from './errors'
import type { Reply, RichContent } from './rich'

export const PROTOCOL = 'parley.v1'
/** Prefix of the second subprotocol that carries the guest token (browsers cannot set headers). */
export const TOKEN_PROTOCOL_PREFIX = 'parley.token.'

export type Role = 'guest' | 'agent' | 'bot' | 'system'

export interface Author {
  name: string
  avatarUrl?: string
}

/** A transcript message as the server stores and sends it, with its files, quick replies, cards… */
export interface MessageFrame extends RichContent {
  type: 'message'
  seq: number
  id: string
  role: Role
  author?: Author
  text: string
  /** ISO 8601 */
  sentAt: string
  clientMessageId?: string
}

export type EventKind = 'agent-joined' | 'agent-left' | 'conversation-ended'

export interface EventFrame {
  type: 'event'
  kind: EventKind
  seq: number
  id: string
  /** ISO 8601 */
  at: string
  author?: Author
}

/** What a conversation's history is made of: every entry has a `seq`. */
export type TranscriptEntry = MessageFrame | EventFrame

// ── client → server ─────────────────────────────────────────────────────────

export interface ResumeFrame {
  type: 'resume'
  epoch: string
  afterSeq: number
}
export interface SendFrame {
  type: 'send'
  clientMessageId: string
  text: string
  /** Ids from `POST /api/guest-sessions/current/attachments`, sent with this message. */
  attachments?: string[]
  /** What this message answers (its `text` is the label the guest chose). */
  reply?: Reply
}
export interface ClientTypingFrame {
  type: 'typing'
  active: boolean
}
export interface ReadFrame {
  type: 'read'
  upToSeq: number
}
export interface PingFrame {
  type: 'ping'
}
/** A refreshed guest token for the open socket, so a refresh never interrupts the conversation. */
export interface AuthFrame {
  type: 'auth'
  token: string
}

export type ClientFrame = ResumeFrame | SendFrame | ClientTypingFrame | ReadFrame | PingFrame | AuthFrame

// ── server → client ─────────────────────────────────────────────────────────

export interface ReadyFrame {
  type: 'ready'
  guestId: string
  conversationId: string
  epoch: string
  lastSeq: number
  /** The server's heartbeat interval; the client pings at this pace and gives up after 2 × it + 5 s. */
  heartbeatMs?: number
}
export interface AckFrame {
  type: 'ack'
  clientMessageId: string
  seq: number
}
export interface ServerTypingFrame {
  type: 'typing'
  role: 'agent' | 'bot'
  active: boolean
  author?: Author
}
export interface ReceiptFrame {
  type: 'receipt'
  status: 'delivered' | 'read'
  upToSeq: number
}
export interface ResetFrame {
  type: 'reset'
  /** Present when the history was lost and the conversation has a new epoch: resync under this one. */
  epoch?: string
}
export interface ErrorFrame {
  type: 'error'
  code: FrameErrorCode
  message: string
  clientMessageId?: string
  retryAfterMs?: number
}
export interface PongFrame {
  type: 'pong'
}

export type ServerFrame =
  | ReadyFrame
  | AckFrame
  | MessageFrame
  | ServerTypingFrame
  | ReceiptFrame
  | EventFrame
  | ResetFrame
  | ErrorFrame
  | PongFrame

/** Close codes of `parley.v1` (DESIGN.md §5). */
export const CloseCode = {
  /** token expired: refresh and reconnect */
  TokenExpired: 4001,
  /** forbidden: do not reconnect */
  Forbidden: 4003,
  /** policy or rate limit */
  Policy: 4008,
  /** replaced by a newer socket */
  Replaced: 4009,
  /** the client read too slowly (buffer over PARLEY_SLOW_CONSUMER_BYTES): reconnect and resume */
  SlowConsumer: 4010,
  /** frame too big (RFC 6455) */
  TooBig: 1009,
  /** server restarting: reconnect after jitter (RFC 6455) */
  Restarting: 1012,
} as const
