/**
 * @module components/pre-chat
 * The pre-chat form's fields and how their values become the guest session's profile: `displayName` and
 * `email` are the session's own fields, every other field becomes a custom attribute of that name.
 */
import type { Translator } from '../i18n'
import type { CreateGuestSessionBody } from '../protocol'

export interface PreChatField {
  /** `displayName`, `email`, or the name of a custom attribute (letters, digits, `_`, `.`, `-`). */
  name: string
  /** @default "Name" and "E-mail" in the widget's language for `displayName` and `email`, else the name */
  label?: string
  /** @default 'email' for `email`, else 'text' */
  type?: 'text' | 'email' | 'tel' | 'textarea' | 'select'
  /** The choices of a `select`: [value, label] pairs. */
  options?: ReadonlyArray<readonly [string, string]>
  /** @default false */
  required?: boolean
}

export interface PreChatConfig {
  fields: PreChatField[]
  /** A line above the form. @default 'Before we start, tell us a little about you.', in the widget's language */
  intro?: string
}

// the BFF's limits (MAX_DISPLAY_NAME, MAX_EMAIL, DEFAULT_MAX_MESSAGE_CHARS, MAX_ATTRIBUTE_VALUE in
// protocol/limits.ts) as literals: importing them would cost the library build more than the numbers;
// pre-chat.test.ts checks they agree
const MAX_LENGTH: Readonly<Record<string, number>> = { displayName: 80, email: 254, message: 4000 }
/** A field's `maxlength`: the BFF's own limit for the session fields, the offline message and attributes. */
export const maxLengthOf = (name: string): number => MAX_LENGTH[name] ?? 1000

type T = Translator['t']

/** The fields with a label each: the host's, else the widget's own words for the session fields. */
export const withLabels = (fields: readonly PreChatField[], t: T): PreChatField[] =>
  fields.map((f) => ({ ...f, label: f.label ?? (f.name === 'displayName' ? t('name') : f.name === 'email' ? t('email') : f.name) }))

/** The offline form: a message and an address to answer, outside business hours. */
export const offlineFields = (t: T): PreChatField[] => [
  { name: 'displayName', label: t('yourName') },
  { name: 'email', label: t('email'), required: true },
  { name: 'message', label: t('yourMessage'), type: 'textarea', required: true },
]

/** The rating form once a conversation has ended. */
export const ratingFields = (t: T): PreChatField[] => [
  {
    name: 'score',
    label: t('rateQuestion'),
    type: 'select',
    required: true,
    options: (['5', '4', '3', '2', '1'] as const).map((n) => [n, `${'★'.repeat(Number(n))} ${t(`rate${n}`)}`]),
  },
  { name: 'comment', label: t('comment'), type: 'textarea' },
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
