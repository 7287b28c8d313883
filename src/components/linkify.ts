/**
 * @module components/linkify
 * Splits untrusted text into plain runs and links. Only `http:`, `https:` and `mailto:` become links, and
 * they are rendered as elements built by Vue (never as HTML), so no markup in the text can run.
 */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

const CANDIDATE = /\bhttps?:\/\/[^\s<>"']+|\bmailto:[^\s<>"']+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/gi
const TRAILING = /[.,;:!?)\]}'"»]+$/

function safeHref(raw: string): string | undefined {
  const candidate = /^(https?:|mailto:)/i.test(raw) ? raw : `mailto:${raw}`
  try {
    const url = new URL(candidate)
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : undefined
  } catch {
    return undefined
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index
    // punctuation after a link belongs to the sentence, not the URL
    const raw = match[0].replace(TRAILING, '')
    const href = safeHref(raw)
    if (!href || !raw) continue
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    parts.push({ kind: 'link', text: raw, href })
    last = start + raw.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}
