/**
 * @module server/upstreams/desk/triage
 * What the desk's list needs to sort conversations out, read from the transcript's tail: whether the guest
 * has written (a greeting alone is not listed), whether they asked for a person, and since when they wait.
 */
import type { LastMessageKind, MessageFrame, TranscriptEntry } from '../../../src/protocol'

/** The bot's "Talk to a person" choice (and card button) sends this payload. */
const PERSON_PAYLOAD = 'talk-to-person'
/** Words that ask for a person, as the bot reads them. */
const PERSON_WORDS = /\b(human|person|agent|someone)\b/i

export const asksForPerson = (m: MessageFrame): boolean => m.role === 'guest' && (m.reply?.payload === PERSON_PAYLOAD || (!m.reply && PERSON_WORDS.test(m.text)))

export interface Triage {
  guestWrote: boolean
  wantsPerson: boolean
  waitingSince?: string
}

/**
 * `tail` is the newest entries in order; `more` says older ones exist (a conversation that long has had a
 * guest message, since the bot and agents only answer one).
 */
export function triage(tail: readonly TranscriptEntry[], more: boolean, humanJoined: boolean): Triage {
  const messages = tail.filter((e): e is MessageFrame => e.type === 'message')
  const guestWrote = more || messages.some((m) => m.role === 'guest')
  // what counts is since a person last left it to the bot (or since the start)
  const lastLeft = tail.findLastIndex((e) => e.type === 'event' && e.kind === 'agent-left')
  const recent = tail.slice(lastLeft + 1).filter((e): e is MessageFrame => e.type === 'message')
  const request = humanJoined ? undefined : recent.find(asksForPerson)
  if (request) return { guestWrote, wantsPerson: true, waitingSince: request.sentAt }
  if (!humanJoined) return { guestWrote, wantsPerson: false }
  // a person handles it: the guest waits from their first message after the agent's last one
  const lastAgent = recent.findLastIndex((m) => m.role === 'agent')
  const waiting = recent.slice(lastAgent + 1).find((m) => m.role === 'guest')
  return waiting ? { guestWrote, wantsPerson: false, waitingSince: waiting.sentAt } : { guestWrote, wantsPerson: false }
}

export function lastMessageKind(m: MessageFrame): LastMessageKind | undefined {
  if (m.attachments?.some((a) => a.type.startsWith('image/'))) return 'image'
  if (m.attachments?.length) return 'file'
  return m.cards?.length ? 'card' : undefined
}

const ADJECTIVES = ['Amber', 'Brave', 'Calm', 'Clever', 'Cosy', 'Eager', 'Gentle', 'Golden', 'Happy', 'Jolly', 'Kind', 'Lively', 'Lucky', 'Mellow', 'Merry', 'Misty', 'Noble', 'Patient', 'Polite', 'Quiet', 'Rapid', 'Rosy', 'Silver', 'Sunny', 'Swift', 'Tidy', 'Bright', 'Velvet', 'Warm', 'Witty', 'Young', 'Zesty']
const ANIMALS = ['Badger', 'Beaver', 'Bison', 'Crane', 'Deer', 'Dolphin', 'Eagle', 'Falcon', 'Fox', 'Gecko', 'Heron', 'Ibis', 'Koala', 'Lark', 'Lemur', 'Lynx', 'Marten', 'Moose', 'Newt', 'Otter', 'Owl', 'Panda', 'Puffin', 'Quail', 'Raven', 'Robin', 'Seal', 'Swan', 'Tiger', 'Turtle', 'Walrus', 'Wren']

/** A name for a guest who gave none, readable and the same every time for that guest: "Calm Otter 42". */
export function readableGuestName(guestId: string): string {
  let h = 2166136261
  for (let i = 0; i < guestId.length; i++) h = Math.imul(h ^ guestId.charCodeAt(i), 16777619) >>> 0
  return `${ADJECTIVES[h % 32] ?? 'Calm'} ${ANIMALS[(h >>> 5) % 32] ?? 'Otter'} ${10 + ((h >>> 10) % 90)}`
}
