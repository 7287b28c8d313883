/**
 * @module components/pre-chat
 * The pre-chat form's fields and how their values become the guest session's profile: `displayName` and
 * `email` are the session's own fields, every other field becomes a custom attribute of that name.
 */
import type { CreateGuestSessionBody } from '../protocol'

export interface PreChatField {
  /** `displayName`, `email`, or the name of a custom attribute (letters, digits, `_`, `.`, `-`). */
  name: string
  label: string
  /** @default 'email' for `email`, else 'text' */
  type?: 'text' | 'email' | 'tel' | 'textarea' | 'select'
  /** The choices of a `select`: [value, label] pairs. */
  options?: ReadonlyArray<readonly [string, string]>
  /** @default false */
  required?: boolean
}

export interface PreChatConfig {
  fields: PreChatField[]
  /** A line above the form. @default 'Before we start, tell us a little about you.' */
  intro?: string
}

// the BFF's limits (MAX_DISPLAY_NAME, MAX_EMAIL, DEFAULT_MAX_MESSAGE_CHARS, MAX_ATTRIBUTE_VALUE in
// protocol/limits.ts) as literals: importing them would cost the library build more than the numbers;
// pre-chat.test.ts checks they agree
const MAX_LENGTH: Readonly<Record<string, number>> = { displayName: 80, email: 254, message: 4000 }
/** A field's `maxlength`: the BFF's own limit for the session fields, the offline message and attributes. */
export const maxLengthOf = (name: string): number => MAX_LENGTH[name] ?? 1000

/** The offline form: a message and an address to answer, outside business hours. */
export const OFFLINE_FIELDS: readonly PreChatField[] = [
  { name: 'displayName', label: 'Your name' },
  { name: 'email', label: 'E-mail', required: true },
  { name: 'message', label: 'Your message', type: 'textarea', required: true },
]

/** The rating form once a conversation has ended. */
export const RATING_FIELDS: readonly PreChatField[] = [
  {
    name: 'score',
    label: 'How was this conversation?',
    type: 'select',
    required: true,
    options: [['5', '★★★★★ Excellent'], ['4', '★★★★ Good'], ['3', '★★★ Okay'], ['2', '★★ Poor'], ['1', '★ Very poor']],
  },
  { name: 'comment', label: 'Comment (optional)', type: 'textarea' },
]

export function toProfile(fields: readonly PreChatField[], values: Readonly<Record<string, string>>): CreateGuestSessionBody {
  const profile: CreateGuestSessionBody = {}
  const attributes: Record<string, string> = {}
  for (const field of fields) {
    const value = (values[field.name] ?? '').trim()
    if (!value) continue
    if (field.name === 'displayName') profile.displayName = value
    else if (field.name === 'email') profile.email = value
    else if (/^[A-Za-z0-9_.-]{1,64}$/.test(field.name)) attributes[field.name] = value
  }
  if (Object.keys(attributes).length) profile.attributes = attributes
  return profile
}
