/**
 * @module server/stores/types
 * What the BFF keeps: guests, refresh-token families, conversations and their ordered transcripts, plus
 * live notifications. Everything is async so a Redis implementation (Streams + pub/sub) fits the same shape.
 */
import type { Author, EventFrame, MessageFrame, Rating, TranscriptEntry } from '../../src/protocol'

/** The store is down or did not answer (Redis): callers answer 503 / `unavailable` with a retry hint. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The conversation store is unavailable.', { cause })
    this.name = 'StoreUnavailableError'
  }
}

/** Who the host site says the guest is (a verified identity token, server/identity.ts). */
export interface VerifiedIdentity {
  /** The host's own id of its user: the guest and its conversations are bound to it. */
  sub: string
  name?: string
  email?: string
  attributes?: Record<string, string>
  /** When the last token for this guest was verified (ISO 8601). */
  verifiedAt: string
}

export interface GuestRecord {
  guestId: string
  conversationId: string
  displayName?: string
  email?: string
  attributes: Record<string, string>
  createdAt: string
  revoked: boolean
  /** Set when the host site vouched for the guest; its name, e-mail and attributes win over typed ones. */
  verified?: VerifiedIdentity
  /** The browser's first language (canonical BCP 47) when the guest was created. */
  language?: string
  /** A short summary of the browser and system ("Chrome 131 on Android"); never the raw User-Agent. */
  device?: string
}

export interface ConversationRecord {
  id: string
  guestId: string
  guestName: string
  /** Changes only when history was lost; clients holding another epoch must refetch. */
  epoch: string
  status: 'open' | 'ended'
  lastSeq: number
  /** Highest seq the desk has opened (drives unread counts and read receipts). */
  deskReadSeq: number
  /** Highest guest seq the upstream has taken (drives delivered receipts). */
  deliveredSeq: number
  /** Highest seq the guest has seen (drives "Seen" at the desk); absent in records older than it. */
  guestReadSeq?: number
  /** The guest's rating of the conversation. */
  rating?: Rating
  /** A message left outside business hours: nobody is on the guest's side, answer by e-mail. */
  offline?: boolean
  /** A human agent has replied: the desk bot steps back. */
  humanJoined: boolean
  /** The desk account handling it while `humanJoined` (taken, transferred or replied to); stale otherwise. */
  assignedTo?: string
  /** The upstream side of the conversation was opened (greeting sent, socket to Genesys up, …). */
  upstreamOpened: boolean
  /** The upstream's own session credential (the Genesys session token). Stays in the BFF, never sent out. */
  upstreamSession?: string
  createdAt: string
  updatedAt: string
}

export type ConversationPatch = Partial<Pick<ConversationRecord, 'guestName' | 'status' | 'deskReadSeq' | 'deliveredSeq' | 'guestReadSeq' | 'rating' | 'humanJoined' | 'assignedTo' | 'upstreamOpened' | 'upstreamSession'>>

export interface RefreshRecord {
  guestId: string
  family: string
  expiresAt: number
  used: boolean
}

/** A transcript entry before the store gave it a seq. */
export type NewEntry = Omit<MessageFrame, 'seq'> | Omit<EventFrame, 'seq'>

/** Ephemeral state that is fanned out but never stored. */
export interface TypingSignal {
  type: 'typing'
  role: 'guest' | 'agent' | 'bot'
  active: boolean
  author?: Author
}

export type StoreEvent =
  | { type: 'entry'; conversationId: string; entry: TranscriptEntry }
  | { type: 'conversation'; conversation: ConversationRecord }
  | { type: 'signal'; conversationId: string; signal: TypingSignal }
  /** The guest's credentials were revoked ("end chat", a replayed refresh token): its sockets must close. */
  | { type: 'revoked'; guestId: string }
  /** A desk agent's account was revoked: its desk sockets must close, on every node. */
  | { type: 'agent-revoked'; agentId: string }

export type AgentRole = 'agent' | 'admin'

/** A desk agent's account. The token itself is never stored, only its hash (server/upstreams/desk/agents.ts). */
export interface AgentRecord {
  id: string
  /** Shown to guests as the author of the agent's replies. */
  name: string
  /** Shown to guests beside the name (https only, see `agentAvatarUrl` in agent-records.ts). */
  avatarUrl?: string
  role: AgentRole
  tokenHash: string
  createdAt: string
  /** Set once revoked; the record stays so the transcript still names who did what. */
  revokedAt?: string
}

/** A reply the team keeps for reuse at the desk (typed with "/" in the reply box). */
export interface CannedReply {
  id: string
  /** What the agent searches for and sees in the list. */
  title: string
  text: string
  /** The account that last saved it. */
  updatedBy: string
  updatedAt: string
}

export interface AppendResult {
  entry: TranscriptEntry
  /** The dedup key was seen before: `entry` is the original, nothing was appended. */
  duplicate: boolean
}

export interface ConversationStore {
  createGuest(guest: GuestRecord, conversation: ConversationRecord): Promise<void>
  getGuest(guestId: string): Promise<GuestRecord | undefined>
  revokeGuest(guestId: string): Promise<void>
  /**
   * Bind a guest to a verified identity (its record takes `identity`, its name, e-mail and attributes) and
   * make it the current guest of `identity.sub`. Undefined when the guest is unknown.
   */
  bindIdentity(guestId: string, identity: VerifiedIdentity): Promise<GuestRecord | undefined>
  /** The guests bound to `sub`, the current one first (at most 50, within retention). */
  guestsOfSub(sub: string): Promise<string[]>

  putRefreshToken(hash: string, record: RefreshRecord): Promise<void>
  /** Marks the token used and returns what it was before; undefined when unknown or expired. */
  useRefreshToken(hash: string): Promise<RefreshRecord | undefined>
  revokeFamily(family: string): Promise<void>
  isFamilyRevoked(family: string): Promise<boolean>

  getConversation(id: string): Promise<ConversationRecord | undefined>
  updateConversation(id: string, patch: ConversationPatch): Promise<ConversationRecord | undefined>
  listConversations(): Promise<ConversationRecord[]>
  /** Forget a conversation and its transcript ("end and forget"). */
  deleteConversation(id: string): Promise<void>

  /**
   * Append with the next seq; when any of the dedup keys was seen before, return the original instead.
   * Several keys let one entry be found by each id it is known by (the guest's clientMessageId and the
   * upstream's message id).
   */
  append(conversationId: string, entry: NewEntry, dedupKey?: string | readonly string[]): Promise<AppendResult>
  /** The entry appended with this dedup key, if it is still retained. */
  findByKey(conversationId: string, dedupKey: string): Promise<TranscriptEntry | undefined>
  readAfter(conversationId: string, afterSeq: number, limit: number): Promise<TranscriptEntry[]>
  readBefore(conversationId: string, beforeSeq: number | undefined, limit: number): Promise<{ entries: TranscriptEntry[]; hasMore: boolean }>

  /** Desk accounts: kept until deleted by hand, never expired by retention. */
  putAgent(agent: AgentRecord): Promise<void>
  getAgent(id: string): Promise<AgentRecord | undefined>
  listAgents(): Promise<AgentRecord[]>
  /** Marks the account revoked and tells every node (`agent-revoked`); undefined when unknown. */
  revokeAgent(id: string): Promise<AgentRecord | undefined>
  /**
   * Records which agent wrote a transcript entry, by the entry's id, before the entry is appended (so a
   * reader that sees the entry finds the mark). Kept beside the transcript, not in it: guests never see it.
   */
  markAgentEntry(conversationId: string, entryId: string, agentId: string): Promise<void>
  /** The agent ids of those of these entries that an agent wrote. */
  agentMarks(conversationId: string, entryIds: readonly string[]): Promise<Map<string, string>>

  /** The team's canned replies: kept until deleted, never expired by retention. */
  listCannedReplies(): Promise<CannedReply[]>
  putCannedReply(reply: CannedReply): Promise<void>
  /** False when there was none with this id. */
  deleteCannedReply(id: string): Promise<boolean>

  signal(conversationId: string, signal: TypingSignal): void
  subscribe(listener: (event: StoreEvent) => void): () => void
  /** Reachable and answering (for /readyz). */
  ping(): Promise<boolean>
  close(): Promise<void>
}
