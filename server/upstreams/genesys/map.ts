/**
 * @module server/upstreams/genesys/map
 * What a Genesys StructuredMessage means for a Parley transcript (PROTOCOL.md §3.6). Rich content that the
 * widget cannot show yet (quick replies, cards, carousels, date pickers, attachments) becomes readable
 * text with its links; nothing is dropped silently.
 */
import type { Author, EventKind } from '../../../src/protocol'
import type { Card, Content, StructuredMessage } from './frames'

export type Mapped =
  | { kind: 'message'; role: 'agent' | 'bot'; text: string; author?: Author }
  | { kind: 'guest-message'; text: string }
  | { kind: 'event'; event: EventKind; author?: Author }
  | { kind: 'typing'; active: boolean; durationMs: number; author?: Author }
  /** The conversation was disconnected read-only: no more guest messages (409 until a new chat). */
  | { kind: 'read-only' }
  | { kind: 'ignored'; reason: string }

/** Genesys' SDK shows agent typing for 5 s when the event carries no duration. */
const DEFAULT_TYPING_MS = 5000

export function mapStructuredMessage(m: StructuredMessage): Mapped[] {
  const author = authorOf(m)
  if (m.type === 'Event') return m.events.length ? m.events.map((e) => mapEvent(m, e, author)) : [{ kind: 'ignored', reason: 'event without events' }]
  const text = readableText(m)
  // an Inbound echo may be empty (a file-only message): it still confirms the guest's send
  if (m.direction === 'Inbound') return [{ kind: 'guest-message', text }]
  if (!text) return [{ kind: 'ignored', reason: 'empty outbound message' }]
  const role = m.originatingEntity === 'Bot' ? 'bot' : 'agent'
  return [author ? { kind: 'message', role, text, author } : { kind: 'message', role, text }]
}

function mapEvent(m: StructuredMessage, e: StructuredMessage['events'][number], author: Author | undefined): Mapped {
  // Inbound events are the server's echoes of our own typing and auto-start Join
  if (m.direction === 'Inbound') return { kind: 'ignored', reason: `inbound ${e.kind === 'Presence' ? e.presence : e.kind} echo` }
  const withAuthor = <T extends Mapped>(x: T): T => (author ? { ...x, author } : x)
  switch (e.kind) {
    case 'Typing':
      return withAuthor({ kind: 'typing', active: e.on, durationMs: e.durationMs ?? DEFAULT_TYPING_MS })
    case 'Presence':
      if (e.presence === 'Join') return withAuthor({ kind: 'event', event: 'agent-joined' })
      if (e.presence === 'Disconnect') return m.metadata.readOnly === 'true' ? { kind: 'read-only' } : withAuthor({ kind: 'event', event: 'agent-left' })
      return { kind: 'ignored', reason: `presence ${e.presence}` }
    default:
      return { kind: 'ignored', reason: `event ${e.eventType}` }
  }
}

function authorOf(m: StructuredMessage): Author | undefined {
  const fallback = m.originatingEntity === 'Bot' ? 'Bot' : undefined
  const name = m.from?.name ?? fallback
  if (!name) return undefined
  return m.from?.image ? { name, avatarUrl: m.from.image } : { name }
}

/** The message as plain text: its text, then each content item in a readable form. */
export function readableText(m: StructuredMessage): string {
  const parts: string[] = []
  if (m.text?.trim()) parts.push(m.text.trim())
  const quickReplies = m.content.filter((c) => c.kind === 'QuickReply')
  if (quickReplies.length) parts.push(quickReplies.map((q) => `• ${q.text}`).join('\n'))
  for (const c of m.content) {
    const text = c.kind === 'QuickReply' ? undefined : contentText(c)
    if (text) parts.push(text)
  }
  return parts.join('\n\n')
}

function contentText(c: Exclude<Content, { kind: 'QuickReply' }>): string | undefined {
  switch (c.kind) {
    case 'Attachment': {
      const name = c.filename ?? 'attachment'
      return c.url ? `📎 ${name}: ${c.url}` : `📎 ${name}`
    }
    case 'ButtonResponse':
      return c.text || undefined
    case 'Card':
      return cardText(c.card)
    case 'Carousel':
      return c.cards.map(cardText).join('\n\n') || undefined
    case 'DatePicker': {
      const head = [c.title, c.subtitle].filter(Boolean).join('\n')
      const times = c.times.map((t) => `• ${formatSlot(t.dateTime)}${t.duration ? ` (${durationText(t.duration)})` : ''}`).join('\n')
      return [head, times].filter(Boolean).join('\n') || undefined
    }
    case 'Unknown':
      return `[${c.contentType} content that this chat cannot show]`
  }
}

function cardText(card: Card): string {
  const lines = [card.title, card.description, card.image].filter((x): x is string => Boolean(x))
  for (const a of card.actions) lines.push(a.url ? `• ${a.text}: ${a.url}` : `• ${a.text}`)
  return lines.join('\n')
}

function formatSlot(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** Slot durations are seconds per the schema. */
function durationText(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`
}
