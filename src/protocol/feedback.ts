/**
 * @module protocol/feedback
 * What a guest tells the team outside the live chat: a rating after the conversation, and a message left
 * while the team is out (business hours). Bodies and answers of the routes, with parsers for both sides.
 */
import type { BodyResult } from './http'
import { MAX_DISPLAY_NAME, MAX_EMAIL } from './limits'
import { asObject, readBoolean, readField, readSeq, readString } from './read'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
export const MAX_RATING_COMMENT = 1000

/** `GET /api/availability`: whether the team is in. */
export interface Availability {
  open: boolean
  /** ISO 8601: when `open` next changes, if the schedule says. */
  nextChangeAt?: string
  /** Whether `POST /api/offline-messages` takes messages (the desk upstream does). */
  offlineMessages: boolean
  /** What guests may attach; absent when the contact centre takes no files. */
  attachments?: AttachmentLimits
  /** False: only the agent can end a conversation here, so the widget offers "close" instead of "end chat". */
  guestCanEnd?: boolean
}

/** Largest file in bytes and the MIME types taken (`image/*` and `*\/*` patterns allowed). */
export interface AttachmentLimits {
  maxBytes: number
  types: string[]
}

/** `POST /api/guest-sessions/current/rating`. */
export interface RatingBody {
  /** 1 (poor) to 5 (excellent). */
  score: number
  comment?: string
}

/** `POST /api/offline-messages`: a message left outside business hours. */
export interface OfflineMessageBody {
  name?: string
  email: string
  message: string
}

/** A rating as the BFF stores it and the desk shows it. */
export interface Rating extends RatingBody {
  /** ISO 8601 */
  at: string
}

export function parseRatingBody(raw: unknown): BodyResult<RatingBody> {
  const o = asObject(raw)
  const score = o && readSeq(o, 'score')
  if (!o || score === undefined || score < 1 || score > 5) return { ok: false, message: '"score" must be a whole number from 1 to 5.' }
  const body: RatingBody = { score }
  if (readField(o, 'comment') !== undefined) {
    const comment = readString(o, 'comment', MAX_RATING_COMMENT)
    if (comment === undefined) return { ok: false, message: `"comment" must be a string of at most ${MAX_RATING_COMMENT} characters.` }
    if (comment.trim()) body.comment = comment.trim()
  }
  return { ok: true, value: body }
}

/** Read a stored rating (Redis, a snapshot file: untrusted). */
export function readRating(raw: unknown): Rating | undefined {
  const parsed = parseRatingBody(raw)
  const o = asObject(raw)
  const at = o && readString(o, 'at', 40)
  return parsed.ok && at ? { ...parsed.value, at } : undefined
}

/** `maxChars` is checked by the caller with `countChars`, like every other text. */
export function parseOfflineMessageBody(raw: unknown): BodyResult<OfflineMessageBody> {
  const o = asObject(raw)
  if (!o) return { ok: false, message: 'The body must be a JSON object.' }
  const email = readString(o, 'email', MAX_EMAIL)
  if (email === undefined || !EMAIL.test(email.trim())) return { ok: false, message: '"email" must be an e-mail address, so the team can answer.' }
  const message = readString(o, 'message', 64 * 1024)
  if (message === undefined || !message.trim()) return { ok: false, message: '"message" must say something.' }
  const body: OfflineMessageBody = { email: email.trim(), message }
  if (readField(o, 'name') !== undefined) {
    const name = readString(o, 'name', MAX_DISPLAY_NAME)
    if (name === undefined) return { ok: false, message: `"name" must be a string of at most ${MAX_DISPLAY_NAME} characters.` }
    if (name.trim()) body.name = name.trim()
  }
  return { ok: true, value: body }
}

export function parseAvailability(raw: unknown): Availability | undefined {
  const o = asObject(raw)
  const open = o && readBoolean(o, 'open')
  const offlineMessages = o && readBoolean(o, 'offlineMessages')
  if (!o || open === undefined || offlineMessages === undefined) return undefined
  const a: Availability = { open, offlineMessages }
  const next = readString(o, 'nextChangeAt', 40)
  if (next && !Number.isNaN(Date.parse(next))) a.nextChangeAt = next
  const limits = asObject(readField(o, 'attachments'))
  const maxBytes = limits && readSeq(limits, 'maxBytes')
  const types = limits && readField(limits, 'types')
  if (maxBytes && Array.isArray(types)) a.attachments = { maxBytes, types: types.filter((t): t is string => typeof t === 'string' && t.length < 100) }
  if (readBoolean(o, 'guestCanEnd') === false) a.guestCanEnd = false
  return a
}

export const isEmail = (text: string): boolean => EMAIL.test(text.trim())
