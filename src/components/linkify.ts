/**
 * @module components/linkify
 * Splits untrusted text into plain runs and links. Only `http:`, `https:` and `mailto:` become links, and
 * they are rendered as elements built by Vue (never as HTML), so no markup in the text can run.
 */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

// Every quantifier is bounded (RFC 5321 sizes for addresses), and an address starts only where a run of its
// characters starts: `\b[\w.+-]+@` rescanned the rest of "a.a.a.…" from every position, 13 s for 64,000 characters
const CANDIDATE = /\bhttps?:\/\/[^\s<>"']{1,2048}|\bmailto:[^\s<>"']{1,320}|(?<![\w.+-])[\w+-][\w.+-]{0,63}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/gi
/** Links made from one text at most; the rest stays text (a wall of URLs is no conversation). */
const MAX_LINKS = 200
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
  let links = 0
  for (const match of text.matchAll(CANDIDATE)) {
    if (links >= MAX_LINKS) break
    const start = match.index
    // punctuation after a link belongs to the sentence, not the URL
    const raw = match[0].replace(TRAILING, '')
    const href = safeHref(raw)
    if (!href || !raw) continue
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    parts.push({ kind: 'link', text: raw, href })
    links++
    last = start + raw.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}
