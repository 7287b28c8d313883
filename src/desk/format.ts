/**
 * @module desk/format
 * How the desk words things: times, day separators, waiting times and one-line previews of a message
 * (its formatting read, not shown as `**markers**`).
 */
import { formatText, type Inline } from '../components/format'
import { displayText } from '../protocol/display-text'

const flat = (nodes: Inline[]): string => nodes.map((n): string => ('c' in n ? flat(n.c) : n.v)).join('')

/** A message as one line of plain text: formatting read, list items joined, whitespace folded. */
export function previewText(text: string): string {
  const parts = formatText(displayText(text)).flatMap((b) => (b.t === 'p' ? [flat(b.c)] : b.items.map(flat)))
  return parts.join(' · ').replace(/\s+/g, ' ').trim()
}

export const clock = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

const dayKey = (d: Date): string => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`

/** "Today", "Yesterday" or the date, for the separator above the first entry of a day. */
export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso)
  if (dayKey(d) === dayKey(now)) return 'Today'
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  if (dayKey(d) === dayKey(yesterday)) return 'Yesterday'
  return d.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) })
}

/** Whether two times fall on different calendar days (a separator goes between them). */
export const newDay = (a: string | undefined, b: string): boolean => a === undefined || dayKey(new Date(a)) !== dayKey(new Date(b))

/** How long since `iso`, short: "now", "4 min", "2 h", "3 d". */
export function since(iso: string, now = Date.now()): string {
  const min = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000))
  if (min < 1) return 'now'
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  return h < 24 ? `${h} h` : `${Math.floor(h / 24)} d`
}

/** Two letters for an avatar: the initials of the first two words. */
export function initials(name: string): string {
  const words = displayText(name).trim().split(/\s+/).filter(Boolean)
  const letters = words.slice(0, 2).map((w) => [...w][0] ?? '')
  return letters.join('').toUpperCase() || '?'
}
