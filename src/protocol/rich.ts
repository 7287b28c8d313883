/**
 * @module protocol/rich
 * Rich content of a message: files, quick replies, buttons, cards (several = a carousel) and time slots,
 * and the guest's answer to one of them. One reader serves widget, desk and BFF, so a URL or label that
 * one side refuses never reaches the other.
 */
import { MAX_ATTACHMENTS } from './limits'
import { asObject, readField, readId, readOneOf, readSeq, readString, type Fields } from './read'

export interface Attachment {
  id: string
  name: string
  /** MIME type */
  type: string
  /** bytes */
  size: number
  /** A short-lived signed URL (desk) or the contact centre's download URL. */
  url?: string
}

/** `postback` sends `payload` back as the guest's reply; `link` opens `url`. */
export interface Action {
  type: 'postback' | 'link'
  text: string
  payload?: string
  url?: string
}

export interface QuickReply {
  text: string
  payload: string
}

export interface Card {
  title: string
  description?: string
  imageUrl?: string
  actions: Action[]
}

/** Genesys' date picker: the guest picks one of these times. */
export interface DatePicker {
  title?: string
  subtitle?: string
  slots: { dateTime: string; durationSeconds?: number }[]
}

/** What a guest's message answers: a quick reply, a postback button or a time slot. */
export interface Reply {
  kind: 'quick-reply' | 'button' | 'date-picker'
  payload: string
  /** The message that offered it. */
  messageId?: string
}

/** Everything a message may carry besides its text. */
export interface RichContent {
  attachments?: Attachment[]
  quickReplies?: QuickReply[]
  buttons?: Action[]
  cards?: Card[]
  datePicker?: DatePicker
  reply?: Reply
}

export const MAX_LABEL = 200
export const MAX_PAYLOAD = 1000
const MAX_URL = 2000
const MAX_ITEMS = 10

/** A URL a guest may be sent to or shown from: absolute http(s), or mailto for links. */
export function safeUrl(raw: string | undefined, allowMailto = false): string | undefined {
  if (!raw || raw.length > MAX_URL) return undefined
  return (allowMailto ? /^(https?:\/\/[^\s"'<>\\]+|mailto:[^\s"'<>\\]+)$/i : /^https?:\/\/[^\s"'<>\\]+$/i).test(raw) ? raw : undefined
}

/** Each item of a list through `read`; undefined when the field is not a list of at most `MAX_ITEMS`. */
function list<T>(o: Fields, key: string, read: (x: Fields) => T | undefined): T[] | undefined {
  const raw = readField(o, key)
  if (!Array.isArray(raw) || raw.length > MAX_ITEMS) return undefined
  const out: T[] = []
  for (const x of raw) {
    const f = asObject(x)
    const item = f && read(f)
    if (item) out.push(item)
  }
  return out.length ? out : undefined
}

const label = (o: Fields, key: string): string | undefined => readString(o, key, MAX_LABEL)?.trim() || undefined

function readAction(o: Fields): Action | undefined {
  const type = readOneOf(o, 'type', ['postback', 'link'] as const)
  const text = label(o, 'text')
  if (!type || !text) return undefined
  if (type === 'link') {
    const url = safeUrl(readString(o, 'url'), true)
    return url ? { type, text, url } : undefined
  }
  return { type, text, payload: readString(o, 'payload', MAX_PAYLOAD) || text }
}

function readCard(o: Fields): Card | undefined {
  const title = label(o, 'title')
  if (!title) return undefined
  const card: Card = { title, actions: list(o, 'actions', readAction) ?? [] }
  const description = readString(o, 'description', MAX_PAYLOAD)?.trim()
  if (description) card.description = description
  const imageUrl = safeUrl(readString(o, 'imageUrl'))
  if (imageUrl) card.imageUrl = imageUrl
  return card
}

function readAttachment(o: Fields): Attachment | undefined {
  const id = readId(o, 'id', 128)
  const name = readString(o, 'name', 255)
  const type = readString(o, 'type', 200)
  const size = readSeq(o, 'size')
  if (!id || !name || !type || size === undefined) return undefined
  const url = safeUrl(readString(o, 'url'))
  return url ? { id, name, type, size, url } : { id, name, type, size }
}

function readQuickReply(o: Fields): QuickReply | undefined {
  const text = label(o, 'text')
  return text ? { text, payload: readString(o, 'payload', MAX_PAYLOAD) || text } : undefined
}

function readSlot(o: Fields): DatePicker['slots'][number] | undefined {
  const dateTime = readString(o, 'dateTime', 40)
  if (!dateTime || Number.isNaN(Date.parse(dateTime))) return undefined
  const durationSeconds = readSeq(o, 'durationSeconds')
  return durationSeconds ? { dateTime, durationSeconds } : { dateTime }
}

export function readReply(raw: unknown): Reply | undefined {
  const o = asObject(raw)
  const kind = o && readOneOf(o, 'kind', ['quick-reply', 'button', 'date-picker'] as const)
  const payload = o && readString(o, 'payload', MAX_PAYLOAD)
  if (!o || !kind || !payload) return undefined
  const messageId = readId(o, 'messageId', 128)
  return messageId ? { kind, payload, messageId } : { kind, payload }
}

/**
 * The rich fields of a message object, each checked on its own: an unusable item (a `javascript:` link, a
 * card without a title) is left out, the rest of the message stays.
 */
export function readRichContent(o: Fields): RichContent {
  const rich: RichContent = {}
  const attachments = list(o, 'attachments', readAttachment)
  if (attachments) rich.attachments = attachments
  const quickReplies = list(o, 'quickReplies', readQuickReply)
  if (quickReplies) rich.quickReplies = quickReplies
  const buttons = list(o, 'buttons', readAction)
  if (buttons) rich.buttons = buttons
  const cards = list(o, 'cards', readCard)
  if (cards) rich.cards = cards
  const picker = asObject(readField(o, 'datePicker'))
  const slots = picker && list(picker, 'slots', readSlot)
  if (picker && slots) {
    const datePicker: DatePicker = { slots }
    const title = label(picker, 'title')
    if (title) datePicker.title = title
    const subtitle = label(picker, 'subtitle')
    if (subtitle) datePicker.subtitle = subtitle
    rich.datePicker = datePicker
  }
  const reply = readReply(readField(o, 'reply'))
  if (reply) rich.reply = reply
  return rich
}

/** Upload ids a message names: undefined when absent, null when not a list of at most `MAX_ATTACHMENTS` ids. */
export function readAttachmentIds(raw: unknown): string[] | undefined | null {
  if (raw === undefined) return undefined
  const ids = Array.isArray(raw) && raw.length <= MAX_ATTACHMENTS ? raw.filter((x): x is string => typeof x === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(x)) : []
  return Array.isArray(raw) && ids.length === raw.length ? ids : null
}

/** A MIME type against allowed patterns: exact types, `major/*` or `*\/*`. */
export const typeAllowed = (type: string, patterns: readonly string[]): boolean =>
  patterns.some((p) => p === type || p === '*/*' || (p.endsWith('/*') && type.startsWith(p.slice(0, -1))))
