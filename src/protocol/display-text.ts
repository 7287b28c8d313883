/**
 * @module protocol/display-text
 * What untrusted text looks like on screen. Explicit bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) are dropped so a message cannot reverse a link or run into the text
 * around it ("Trojan Source" spoofing); the data itself is stored and sent unchanged. The implicit marks
 * LRM, RLM and ALM stay: right-to-left writing needs them and they cannot reorder a whole run.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g

export function displayText(text: string): string {
  return text.replace(BIDI_CONTROLS, '')
}

/**
 * Who wrote a message or is typing, ready for the screen: the author's name, else "Bot" or "Agent" (or what
 * `label` calls them in the widget's language).
 */
export function authorName(
  from: { role: string; author?: { name: string } | undefined },
  label: (role: 'agent' | 'bot') => string = (role) => (role === 'bot' ? 'Bot' : 'Agent'),
): string {
  return displayText(from.author?.name ?? label(from.role === 'bot' ? 'bot' : 'agent'))
}

/** A file size as people read it, in the reader's locale: 12 kB, 3.4 MB. */
export const fileSize = (bytes: number, locale?: string): string =>
  bytes < 1e6
    ? new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte' }).format(Math.ceil(bytes / 1e3))
    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(bytes / 1e6)
