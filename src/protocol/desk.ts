/**
 * @module protocol/desk
 * The agent console's socket (`/api/desk/socket`, subprotocol `parley.desk.v1`). Only the built-in desk
 * upstream speaks it; it never reaches the widget bundles.
 */
import { readRating, type Rating } from './feedback'
import type { Role, TranscriptEntry } from './frames'
import { isAttributeName, MAX_EMAIL, MAX_ID_LENGTH } from './limits'
import { readAttachmentIds, readRichContent, type RichContent } from './rich'
import { parseTranscriptEntry, type Parsed } from './parse'
import { asObject, parseJson, readBoolean, readField, readId, readOneOf, readSeq, readString } from './read'

export const DESK_PROTOCOL = 'parley.desk.v1'

export interface ConversationSummary {
  id: string
  guestName: string
  status: 'open' | 'ended'
  /** guest messages the desk has not opened yet */
  unread: number
  /** `kind` names what the message carries when its text alone would not say (an image, a file, a card). */
  lastMessage?: { role: Role; text: string; sentAt: string; kind?: LastMessageKind }
  /** A person answers (an agent replied or took it); otherwise the bot does. */
  humanJoined?: boolean
  /** The agent handling it, while a person does. */
  assignee?: AgentRef
  /** When the guest's oldest unanswered message was sent: how long they have been waiting. */
  waitingSince?: string
  /** The guest asked for a person and none has joined yet. */
  wantsPerson?: boolean
  /** No agent has opened it yet. */
  isNew?: boolean
  updatedAt: string
  /** Highest seq the guest has seen: agent messages up to it show "Seen". */
  guestReadSeq: number
  /** Left outside business hours: answer by e-mail, nobody waits in the widget. */
  offline?: boolean
  /** What the guest gave (pre-chat form, `profile`, the offline form). */
  email?: string
  attributes?: Record<string, string>
  /** The guest's browser language (BCP 47) and a short device summary ("Safari on iPhone"). */
  language?: string
  device?: string
  rating?: Rating
  /** The host site vouched for the guest (docs/identity.md): these come from its signed token, not from the guest. */
  verified?: VerifiedGuest
  /** The same verified guest's earlier conversations, newest first. */
  earlier?: string[]
}

export interface VerifiedGuest {
  sub: string
  name?: string
  email?: string
}

/** Who did something at the desk: the account's id and its display name. */
export interface AgentRef {
  id: string
  name: string
}

export type LastMessageKind = 'image' | 'file' | 'card'

/** A colleague, for "who else is online" and transfers. */
export interface DeskColleague extends AgentRef {
  online: boolean
}

/**
 * Frames from the console. The agent's name is not among them: it comes from the signed-in account (an
 * `agentName` sent by an older console is ignored).
 */
export type DeskClientFrame =
  | { type: 'open'; conversationId: string }
  /** An agent's message, with files (ids from the desk upload route), quick replies, buttons or cards. */
  | ({ type: 'reply'; conversationId: string; clientMessageId: string; text: string; attachmentIds?: string[] } & Pick<RichContent, 'quickReplies' | 'buttons' | 'cards'>)
  | { type: 'typing'; conversationId: string; active: boolean }
  | { type: 'end'; conversationId: string }
  /** The agent leaves the conversation to the bot (an `agent-left` line for the guest). */
  | { type: 'leave'; conversationId: string }
  /** The agent takes the conversation (an `agent-joined` line for the guest); the bot steps back. */
  | { type: 'take'; conversationId: string }
  /** Hand the conversation to a colleague (by account id); the guest sees who joined. */
  | { type: 'transfer'; conversationId: string; agentId: string }
  | { type: 'ping' }

export type DeskServerFrame =
  /** First frame: who signed in. */
  | { type: 'hello'; agent: AgentRef & { role: 'agent' | 'admin' } }
  | { type: 'conversations'; conversations: ConversationSummary[] }
  | { type: 'conversation'; conversation: ConversationSummary }
  /** The team: every account that can sign in, and who is signed in now. */
  | { type: 'agents'; agents: DeskColleague[] }
  /** `by` names the agent behind each entry an agent wrote, by entry id. */
  | { type: 'transcript'; conversationId: string; entries: TranscriptEntry[]; by?: Record<string, AgentRef> }
  | { type: 'entry'; conversationId: string; entry: TranscriptEntry; by?: AgentRef }
  | { type: 'guest-typing'; conversationId: string; active: boolean }
  | { type: 'error'; message: string }
  | { type: 'pong' }

function parseSummary(raw: unknown): ConversationSummary | undefined {
  const o = asObject(raw)
  if (!o) return undefined
  const id = readId(o, 'id')
  const guestName = readString(o, 'guestName', 200)
  const status = readOneOf(o, 'status', ['open', 'ended'] as const)
  const unread = readSeq(o, 'unread')
  const updatedAt = readString(o, 'updatedAt', 40)
  if (!id || guestName === undefined || !status || unread === undefined || !updatedAt) return undefined
  const s: ConversationSummary = { id, guestName, status, unread, updatedAt, guestReadSeq: readSeq(o, 'guestReadSeq') ?? 0 }
  if (readBoolean(o, 'offline')) s.offline = true
  const email = readString(o, 'email', MAX_EMAIL)
  if (email) s.email = email
  const language = readString(o, 'language', 35)
  if (language) s.language = language
  const device = readString(o, 'device', 100)
  if (device) s.device = device
  const attrs = asObject(readField(o, 'attributes'))
  if (attrs) {
    const attributes: Record<string, string> = {}
    for (const key of Object.keys(attrs)) {
      const v = readString(attrs, key, 1000)
      if (v !== undefined && isAttributeName(key)) attributes[key] = v
    }
    s.attributes = attributes
  }
  const rating = readRating(readField(o, 'rating'))
  if (rating) s.rating = rating
  const last = asObject(readField(o, 'lastMessage'))
  if (last) {
    const role = readOneOf(last, 'role', ['guest', 'agent', 'bot', 'system'] as const)
    const text = readString(last, 'text', 64 * 1024)
    const sentAt = readString(last, 'sentAt', 40)
    const kind = readOneOf(last, 'kind', ['image', 'file', 'card'] as const)
    if (role && text !== undefined && sentAt) s.lastMessage = { role, text, sentAt, ...(kind ? { kind } : {}) }
  }
  if (readBoolean(o, 'humanJoined')) s.humanJoined = true
  const assignee = asObject(readField(o, 'assignee'))
  const ref = assignee && readAgentRef(assignee)
  if (ref) s.assignee = ref
  const waitingSince = readString(o, 'waitingSince', 40)
  if (waitingSince) s.waitingSince = waitingSince
  if (readBoolean(o, 'wantsPerson')) s.wantsPerson = true
  if (readBoolean(o, 'isNew')) s.isNew = true
  const v = asObject(readField(o, 'verified'))
  const sub = v && readString(v, 'sub', 256)
  if (v && sub) s.verified = { sub, ...optional('name', readString(v, 'name', 200)), ...optional('email', readString(v, 'email', MAX_EMAIL)) }
  const earlier = readField(o, 'earlier')
  if (Array.isArray(earlier)) s.earlier = earlier.filter((x): x is string => typeof x === 'string' && x.length <= MAX_ID_LENGTH).slice(0, 50)
  return s
}

const optional = <K extends string>(key: K, value: string | undefined): { [P in K]?: string } => (value ? ({ [key]: value } as { [P in K]?: string }) : {})

function parseColleague(raw: unknown): DeskColleague | undefined {
  const o = asObject(raw)
  const ref = o && readAgentRef(o)
  const online = o && readBoolean(o, 'online')
  return ref && online !== undefined ? { ...ref, online } : undefined
}

function readAgentRef(o: Readonly<Record<string, unknown>>): AgentRef | undefined {
  const id = readId(o, 'id')
  const name = readString(o, 'name', 200)
  return id && name ? { id, name } : undefined
}

function decode(raw: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof raw !== 'string') return asObject(raw)
  const p = parseJson(raw)
  return p.ok ? asObject(p.value) : undefined
}

const bad = { ok: false, code: 'bad_frame', message: 'Malformed desk frame.' } as const

/** Parse a frame from the agent console (the BFF's side). */
export function parseDeskClientFrame(raw: unknown): Parsed<DeskClientFrame> {
  const o = decode(raw)
  if (!o) return bad
  const type = readString(o, 'type', 16)
  if (type === 'ping') return { ok: true, value: { type } }
  const conversationId = readId(o, 'conversationId')
  if (!conversationId) return bad
  switch (type) {
    case 'open':
    case 'end':
      return { ok: true, value: { type, conversationId } }
    case 'leave':
    case 'take':
      return { ok: true, value: { type, conversationId } }
    case 'transfer': {
      const agentId = readId(o, 'agentId')
      return agentId ? { ok: true, value: { type, conversationId, agentId } } : bad
    }
    case 'typing': {
      const active = readBoolean(o, 'active')
      return active === undefined ? bad : { ok: true, value: { type, conversationId, active } }
    }
    case 'reply': {
      const clientMessageId = readId(o, 'clientMessageId', MAX_ID_LENGTH)
      const text = readString(o, 'text', 64 * 1024)
      if (!clientMessageId || text === undefined) return bad
      const { quickReplies, buttons, cards } = readRichContent(o)
      const attachmentIds = readAttachmentIds(readField(o, 'attachmentIds'))
      if (attachmentIds === null) return bad
      return {
        ok: true,
        value: {
          type, conversationId, clientMessageId, text,
          ...(attachmentIds?.length ? { attachmentIds } : {}),
          ...(quickReplies ? { quickReplies } : {}),
          ...(buttons ? { buttons } : {}),
          ...(cards ? { cards } : {}),
        },
      }
    }
    default:
      return { ok: false, code: 'unknown_type', message: 'Unknown desk frame type.' }
  }
}

/** Parse a frame from the BFF (the console's side). */
export function parseDeskServerFrame(raw: unknown): DeskServerFrame | undefined {
  const o = decode(raw)
  if (!o) return undefined
  const type = readString(o, 'type', 16)
  switch (type) {
    case 'pong':
      return { type }
    case 'error': {
      const message = readString(o, 'message', 1000)
      return message === undefined ? undefined : { type, message }
    }
    case 'conversations': {
      const list = readField(o, 'conversations')
      if (!Array.isArray(list)) return undefined
      const conversations = list.map(parseSummary).filter((s): s is ConversationSummary => s !== undefined)
      return { type, conversations }
    }
    case 'conversation': {
      const conversation = parseSummary(readField(o, 'conversation'))
      return conversation && { type, conversation }
    }
    case 'agents': {
      const list = readField(o, 'agents')
      if (!Array.isArray(list)) return undefined
      return { type, agents: list.map(parseColleague).filter((a): a is DeskColleague => a !== undefined) }
    }
    case 'hello': {
      const a = asObject(readField(o, 'agent'))
      const agent = a && readAgentRef(a)
      const role = a && readOneOf(a, 'role', ['agent', 'admin'] as const)
      return agent && role ? { type, agent: { ...agent, role } } : undefined
    }
    case 'transcript': {
      const conversationId = readId(o, 'conversationId')
      const list = readField(o, 'entries')
      if (!conversationId || !Array.isArray(list)) return undefined
      const entries = list.map(parseTranscriptEntry).filter((e): e is TranscriptEntry => e !== undefined)
      const rawBy = asObject(readField(o, 'by'))
      const by: Record<string, AgentRef> = {}
      if (rawBy)
        for (const id of Object.keys(rawBy)) {
          const ref = asObject(readField(rawBy, id))
          const agent = ref && readAgentRef(ref)
          if (agent) by[id] = agent
        }
      return { type, conversationId, entries, by }
    }
    case 'entry': {
      const conversationId = readId(o, 'conversationId')
      const entry = parseTranscriptEntry(readField(o, 'entry'))
      const ref = asObject(readField(o, 'by'))
      const by = ref && readAgentRef(ref)
      if (!conversationId || !entry) return undefined
      return by ? { type, conversationId, entry, by } : { type, conversationId, entry }
    }
    case 'guest-typing': {
      const conversationId = readId(o, 'conversationId')
      const active = readBoolean(o, 'active')
      return conversationId && active !== undefined ? { type, conversationId, active } : undefined
    }
    default:
      return undefined
  }
}
