/**
 * @module server/business-hours
 * Opening hours in the team's own time zone (`PARLEY_BUSINESS_HOURS`, `PARLEY_CLOSED_DATES`): whether the
 * team is in now, and when that changes. Written against `Intl` instead of a date library: the whole need
 * is "wall-clock time in zone X", which `Intl.DateTimeFormat` answers, daylight saving included.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const

export interface Schedule {
  timeZone: string
  /** Per weekday (0 = Sunday), open intervals in minutes after local midnight, sorted, not overlapping. */
  week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>
  /** Local dates (YYYY-MM-DD) the team is closed all day. */
  closedDates: ReadonlySet<string>
}

export type ScheduleResult = { ok: true; schedule: Schedule } | { ok: false; message: string }

const SEGMENT = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/

/**
 * Parse `"Europe/Berlin Mon-Fri 09:00-17:00, Sat 10:00-14:00"`: a time zone, then comma-separated
 * `Day[-Day] HH:MM-HH:MM` ranges (a day may appear more than once, e.g. for a lunch break).
 */
export function parseSchedule(hours: string, closedDates = ''): ScheduleResult {
  const text = hours.trim()
  const space = text.indexOf(' ')
  const timeZone = space < 0 ? text : text.slice(0, space)
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
  } catch {
    return { ok: false, message: `"${timeZone}" is not a time zone; start with one such as Europe/Berlin or America/New_York.` }
  }
  const week: Array<Array<[number, number]>> = DAYS.map(() => [])
  const segments = space < 0 ? [] : text.slice(space + 1).split(',').map((s) => s.trim()).filter(Boolean)
  if (!segments.length) return { ok: false, message: 'Give at least one range after the time zone, e.g. "Mon-Fri 09:00-17:00".' }
  for (const segment of segments) {
    const m = SEGMENT.exec(segment)
    const first = m ? dayIndex(m[1]) : -1
    const last = m?.[2] ? dayIndex(m[2]) : first
    const from = m ? Number(m[3]) * 60 + Number(m[4]) : NaN
    const to = m ? Number(m[5]) * 60 + Number(m[6]) : NaN
    if (!m || first < 0 || last < 0 || Number(m[4]) > 59 || Number(m[6]) > 59 || from >= to || to > 24 * 60)
      return { ok: false, message: `"${segment}" is not a range like "Mon-Fri 09:00-17:00" (days Mon…Sun, opening before closing, at most 24:00).` }
    for (let d = first; ; d = (d + 1) % 7) {
      week[d]?.push([from, to])
      if (d === last) break
    }
  }
  for (const day of week) {
    day.sort((a, b) => a[0] - b[0])
    for (let i = 1; i < day.length; i++) {
      const prev = day[i - 1]
      const cur = day[i]
      if (prev && cur && cur[0] < prev[1]) return { ok: false, message: 'Ranges of the same day must not overlap.' }
    }
  }
  const dates = closedDates.split(',').map((s) => s.trim()).filter(Boolean)
  const bad = dates.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
  if (bad) return { ok: false, message: `"${bad}" is not a date like 2026-12-24.` }
  return { ok: true, schedule: { timeZone, week, closedDates: new Set(dates) } }
}

function dayIndex(name: string | undefined): number {
  return DAYS.findIndex((d) => d.toLowerCase() === name?.toLowerCase())
}

interface WallTime {
  date: string
  weekday: number
  minutes: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function wallTime(at: number, timeZone: string): WallTime {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    formatters.set(timeZone, f)
  }
  const p: Record<string, string> = {}
  for (const part of f.formatToParts(at)) p[part.type] = part.value
  return { date: `${p.year}-${p.month}-${p.day}`, weekday: dayIndex(p.weekday), minutes: Number(p.hour) * 60 + Number(p.minute) }
}

export function isOpenAt(schedule: Schedule, at: number): boolean {
  const t = wallTime(at, schedule.timeZone)
  if (schedule.closedDates.has(t.date)) return false
  return (schedule.week[t.weekday] ?? []).some(([from, to]) => t.minutes >= from && t.minutes < to)
}

/** The instant local wall time `date` + `minutes` happens in the zone (the first one, around clock changes). */
function instantOf(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number)
  const guess = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 0, minutes)
  let at = guess
  for (let i = 0; i < 2; i++) {
    const t = wallTime(at, timeZone)
    const [ty, tm, td] = t.date.split('-').map(Number)
    const shown = Date.UTC(ty ?? 1970, (tm ?? 1) - 1, td ?? 1, 0, t.minutes)
    at -= shown - guess
  }
  return at
}

/** Open now, and when that next changes (within two weeks; none for a schedule that never changes). */
export function availabilityAt(schedule: Schedule, now: number): { open: boolean; nextChangeAt?: number } {
  const open = isOpenAt(schedule, now)
  const today = wallTime(now, schedule.timeZone).date
  const [y, m, d] = today.split('-').map(Number)
  for (let offset = 0; offset <= 14; offset++) {
    const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + offset)).toISOString().slice(0, 10)
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay()
    const edges = (schedule.week[weekday] ?? []).flatMap(([from, to]) => [from, to])
    // midnight too: a closed date starts or ends there
    for (const minutes of [0, ...edges]) {
      const at = minutes >= 24 * 60 ? instantOf(date, 0, schedule.timeZone) + 24 * 3_600_000 : instantOf(date, minutes, schedule.timeZone)
      if (at > now && isOpenAt(schedule, at) !== open) return { open, nextChangeAt: at }
    }
  }
  return { open }
}
