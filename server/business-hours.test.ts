import { describe, expect, it } from 'vitest'
import { availabilityAt, isOpenAt, parseSchedule, type Schedule } from './business-hours'

function schedule(hours: string, closed = ''): Schedule {
  const r = parseSchedule(hours, closed)
  if (!r.ok) throw new Error(r.message)
  return r.schedule
}

describe('parseSchedule', () => {
  it('reads a zone and day ranges, wrapping weeks', () => {
    const s = schedule('Europe/Berlin Mon-Fri 09:00-17:00, Sat 10:00-14:00, Sat 15:00-16:00, Sun-Mon 20:00-24:00')
    expect(s.timeZone).toBe('Europe/Berlin')
    expect(s.week[1]).toEqual([[540, 1020], [1200, 1440]])
    expect(s.week[6]).toEqual([[600, 840], [900, 960]])
    expect(s.week[0]).toEqual([[1200, 1440]])
  })

  it.each([
    ['Mars/Olympus Mon 09:00-17:00', 'not a time zone'],
    ['Europe/Berlin', 'at least one range'],
    ['UTC Mon 17:00-09:00', 'not a range'],
    ['UTC Moo 09:00-17:00', 'not a range'],
    ['UTC Mon 09:00-24:30', 'not a range'],
    ['UTC Mon 09:00-12:00, Mon 11:00-13:00', 'overlap'],
  ])('refuses %s clearly', (hours, message) => {
    const r = parseSchedule(hours)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toContain(message)
  })

  it('refuses a closed date that is not a date', () => {
    expect(parseSchedule('UTC Mon 09:00-17:00', '2026-12-24, Christmas').ok).toBe(false)
  })
})

describe('availability', () => {
  // 2026-11-23 is a Monday
  const berlin = schedule('Europe/Berlin Mon-Fri 09:00-17:00', '2026-12-24')

  it('is open inside the hours in the zone, not in UTC', () => {
    // 08:30 UTC is 09:30 in Berlin (CET, UTC+1)
    expect(isOpenAt(berlin, Date.parse('2026-11-23T08:30:00Z'))).toBe(true)
    expect(isOpenAt(berlin, Date.parse('2026-11-23T07:59:00Z'))).toBe(false)
    expect(isOpenAt(berlin, Date.parse('2026-11-23T16:00:00Z'))).toBe(false)
    // Saturday
    expect(isOpenAt(berlin, Date.parse('2026-11-21T10:00:00Z'))).toBe(false)
  })

  it('follows daylight saving time', () => {
    // in July Berlin is UTC+2: 07:30 UTC is 09:30 local
    expect(isOpenAt(berlin, Date.parse('2026-07-06T07:30:00Z'))).toBe(true)
    expect(isOpenAt(berlin, Date.parse('2026-07-06T15:30:00Z'))).toBe(false)
  })

  it('says when it opens next, skipping the weekend and closed dates', () => {
    const saturday = availabilityAt(berlin, Date.parse('2026-11-21T12:00:00Z'))
    expect(saturday).toEqual({ open: false, nextChangeAt: Date.parse('2026-11-23T08:00:00Z') })
    const monday = availabilityAt(berlin, Date.parse('2026-11-23T10:00:00Z'))
    expect(monday).toEqual({ open: true, nextChangeAt: Date.parse('2026-11-23T16:00:00Z') })
    // Christmas Eve 2026 is a Thursday: closed, next open Friday 09:00
    const eve = availabilityAt(berlin, Date.parse('2026-12-24T10:00:00Z'))
    expect(eve).toEqual({ open: false, nextChangeAt: Date.parse('2026-12-25T08:00:00Z') })
  })

  it('has no next change for a schedule that is always open', () => {
    const always = schedule('UTC Mon-Sun 00:00-24:00')
    expect(availabilityAt(always, Date.parse('2026-11-21T12:00:00Z'))).toEqual({ open: true })
  })
})
