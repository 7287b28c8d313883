/**
 * @module server/upstreams/genesys/map
 * What a Genesys StructuredMessage means for a Parley transcript (PROTOCOL.md §3.6). Quick replies, cards,
 * carousels, date pickers and files become the message's rich content, checked by the same reader the
 * widget uses (a `javascript:` link is left out); content Parley cannot show becomes a readable line, so
 * nothing is dropped silently.
 */
import { readRichContent, type Author, type EventKind, type RichContent } from '../../../src/protocol'
import type { Card, StructuredMessage } from './frames'

export type Mapped =
  | { kind: 'message'; role: 'agent' | 'bot'; text: string; author?: Author; rich: RichContent }
  | { kind: 'guest-message'; text: string; rich: RichContent }
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
  const { text, rich } = contentOf(m)
  // an Inbound echo may be empty (a file-only message): it still confirms the guest's send
  if (m.direction === 'Inbound') return [{ kind: 'guest-message', text, rich }]
  if (!text && !Object.keys(rich).length) return [{ kind: 'ignored', reason: 'empty outbound message' }]
  const role = m.originatingEntity === 'Bot' ? 'bot' : 'agent'
  return [author ? { kind: 'message', role, text, author, rich } : { kind: 'message', role, text, rich }]
}

function mapEvent(m: StructuredMessage, e: StructuredMessage['events'][number], author: Author | undefined): Mapped {
  // Inbound events are the server's echoes of our own typing and auto-start Join
  if (m.direction === 'Inbound') return { kind: 'ignored', reason: `inbound ${e.kind === 'Presence' ? e.presence : e.kind} echo` }
  const withAuthor = <T extends Mapped>(x: T): T => (author ? { ...x, author } : x)
  switch (e.kind) {
    case 'Typing':
      return withAuthor({ kind: 'typing', active: e.on, durationMs: e.durationMs ?? DEFAULT_TYPING_MS })
    case 'Presence':
      // Genesys' SDK reads a Join as the acknowledgement of an auto-start (Event.ConversationAutostart), not as an agent
      if (e.presence === 'Join') return { kind: 'ignored', reason: 'presence Join (auto-start acknowledged)' }
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

/** The message's text (plus a line for each content item Parley cannot show) and its rich content. */
export function contentOf(m: StructuredMessage): { text: string; rich: RichContent } {
  const lines: string[] = []
  if (m.text?.trim()) lines.push(m.text.trim())
  const raw: Record<string, unknown[]> = { attachments: [], quickReplies: [], cards: [] }
  const push = (key: string, item: unknown): void => void raw[key]?.push(item)
  let datePicker: unknown
  for (const c of m.content) {
    switch (c.kind) {
      case 'Attachment':
        if (c.id) push('attachments', { id: c.id, name: c.filename ?? 'attachment', type: c.mime ?? 'application/octet-stream', size: c.fileSize ?? 0, url: c.url })
        break
      case 'QuickReply':
        push('quickReplies', { text: c.text, payload: c.payload })
        break
      case 'ButtonResponse':
        if (c.text && !lines.includes(c.text)) lines.push(c.text)
        break
      case 'Card':
        push('cards', card(c.card))
        break
      case 'Carousel':
        for (const x of c.cards) push('cards', card(x))
        break
      case 'DatePicker':
        datePicker = { title: c.title, subtitle: c.subtitle, slots: c.times.map((t) => ({ dateTime: t.dateTime, durationSeconds: t.duration })) }
        break
      case 'Unknown':
        lines.push(`[${c.contentType} content that this chat cannot show]`)
        break
    }
  }
  // Parley shows up to 10 of each (a longer carousel is cut, not refused)
  const capped = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.slice(0, 10)]))
  return { text: lines.join('\n\n'), rich: readRichContent({ ...capped, datePicker }) }
}

function card(c: Card): unknown {
  return {
    title: c.title,
    description: c.description,
    imageUrl: c.image,
    actions: c.actions.map((a) => ({ type: a.type.toLowerCase() === 'link' ? 'link' : 'postback', text: a.text, url: a.url, payload: a.payload })),
  }
}
