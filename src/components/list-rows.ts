/**
 * @module components/list-rows
 * What the message list shows between messages: a separator where the day changes, and a "new messages"
 * divider above the first one that arrived since the guest last looked. Pure, so it is tested on its own.
 */
import type { ChatItem } from '../stores/chat'

export type ListRow = ChatItem | { kind: 'day'; key: string; label: string } | { kind: 'divider'; key: string }

const DAY_MS = 86_400_000

function localDay(d: Date): number {
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())
}

/** "Today", "Yesterday", else the date: all three in the reader's language, from `Intl`. */
export function dayLabel(at: Date, now: Date, locale?: string): string {
  const diff = Math.round((localDay(now) - localDay(at)) / DAY_MS)
  if (diff !== 0 && diff !== 1) return new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(at)
  const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-diff, 'day')
  return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1)
}

const timeOf = (item: ChatItem): string => (item.kind === 'message' ? item.sentAt : item.at)

export function listRows(items: readonly ChatItem[], options: { newAfterSeq?: number | undefined; now?: Date; locale?: string } = {}): ListRow[] {
  const now = options.now ?? new Date()
  const rows: ListRow[] = []
  let day: number | undefined
  let dividerPlaced = options.newAfterSeq === undefined
  for (const item of items) {
    const at = new Date(timeOf(item))
    if (!Number.isNaN(at.getTime()) && localDay(at) !== day) {
      day = localDay(at)
      rows.push({ kind: 'day', key: `day-${day}`, label: dayLabel(at, now, options.locale) })
    }
    const theirs = item.kind === 'event' || item.role !== 'guest'
    if (!dividerPlaced && theirs && item.seq !== undefined && item.seq > (options.newAfterSeq ?? 0)) {
      dividerPlaced = true
      rows.push({ kind: 'divider', key: 'new-messages' })
    }
    rows.push(item)
  }
  return rows
}

const minuteOf = (item: ChatItem): number => Math.floor(new Date(timeOf(item)).getTime() / 60_000)

/**
 * The messages that close a run within one minute (whoever wrote them): the time shows under those only, so
 * a quick exchange carries one time, not one per bubble.
 */
export function timedKeys(items: readonly ChatItem[]): Set<string> {
  const keys = new Set<string>()
  items.forEach((item, i) => {
    const next = items[i + 1]
    if (item.kind !== 'message') return
    if (next?.kind !== 'message' || minuteOf(next) !== minuteOf(item)) keys.add(item.key)
  })
  return keys
}
