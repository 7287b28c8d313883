/**
 * @module protocol/limits
 * Text rules that widget and BFF must apply identically, so both agree on what is too long.
 */

/** Default of `PARLEY_MAX_MESSAGE_CHARS`. */
export const DEFAULT_MAX_MESSAGE_CHARS = 4000
/** Longest id a client may invent (clientMessageId, epoch). */
export const MAX_ID_LENGTH = 64
/** The guest's profile (pre-chat form, offline message): the BFF refuses longer, the forms stop there. */
export const MAX_DISPLAY_NAME = 80
export const MAX_EMAIL = 254
export const MAX_ATTRIBUTE_VALUE = 1000
/** A custom attribute's name: 1-64 letters, digits, `_`, `.` or `-`. */
export const isAttributeName = (name: string): boolean => /^[A-Za-z0-9_.-]{1,64}$/.test(name)

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Length in Unicode code points, the unit of `PARLEY_MAX_MESSAGE_CHARS`. UTF-16 units would count an
 * emoji as two; bytes would punish non-Latin scripts.
 */
export function countChars(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // a high surrogate followed by a low one is a single code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

/**
 * What a message text becomes before it is counted, stored or forwarded: lone surrogates (valid in JSON,
 * invalid as UTF-8) become U+FFFD, line breaks are unified, and NUL and other C0 controls except tab and
 * newline are dropped.
 */
export function normalizeText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
}

/** True when the text has something other than white space. */
export function hasContent(text: string): boolean {
  return text.trim().length > 0
}

/** Files one guest message may carry. */
export const MAX_ATTACHMENTS = 10
