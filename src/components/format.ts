/**
 * @module components/format
 * The formatting agents, bots and guests may use: **bold**, *italic* / _italic_, `code`, [links](https://…),
 * "- " and "1. " lists. A parser of our own instead of a Markdown library: this subset is a few dozen lines,
 * a library would be several kB of the widget's budget, and its output would be HTML to inject. Ours is a
 * tree that Vue renders as elements, so raw HTML in a message is only ever text. Links stay http(s) and mailto.
 */
import { safeUrl } from '../protocol/rich'
import { linkify } from './linkify'

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'link'; v: string; href: string }
  | { t: 'code'; v: string }
  | { t: 'b' | 'i'; c: Inline[] }
export type Block = { t: 'p'; c: Inline[] } | { t: 'ul' | 'ol'; items: Inline[][] }

// code first, so nothing inside backticks is formatted; emphasis needs a non-space next to its markers.
// Every quantifier is bounded and a label stops at the next bracket: unbounded, "[a[a[a…" or "**a**a…" made
// each marker rescan the rest of the line (quadratic: seconds for 64,000 characters).
const INLINE = /`([^`\n]{1,1000})`|\*\*(?=\S)([^\n]{0,1000}?\S)\*\*|\*(?=[^\s*])([^*\n]{0,1000}?[^\s*])\*|(?<![\w])_(?=\S)([^_\n]{0,1000}?\S)_(?![\w])|\[([^[\]\n]{1,500})\]\(([^()\s]{1,2048})\)/g
/** Formatted spans in one text at most, nesting included; past it the rest is plain text. */
const MAX_SPANS = 200
/** Emphasis inside emphasis this deep at most. */
const MAX_DEPTH = 4
const ITEM = /^\s{0,3}(?:([-*•])|\d{1,3}[.)])\s+(.*)$/

function plain(text: string, out: Inline[]): void {
  for (const p of linkify(text)) out.push(p.kind === 'link' ? { t: 'link', v: p.text, href: p.href } : { t: 'text', v: p.text })
}

export function inline(text: string): Inline[] {
  return spans(text, { left: MAX_SPANS }, 0)
}

function spans(text: string, budget: { left: number }, depth: number): Inline[] {
  const out: Inline[] = []
  let last = 0
  if (depth < MAX_DEPTH)
    for (const m of text.matchAll(INLINE)) {
      if (budget.left <= 0) break
      const [all, code, bold, star, under, label, url] = m
      const href = url === undefined ? undefined : safeUrl(url, true)
      // a link to anywhere but http(s) / mailto stays text, brackets and all
      if (label !== undefined && !href) continue
      budget.left--
      plain(text.slice(last, m.index), out)
      last = m.index + all.length
      if (code !== undefined) out.push({ t: 'code', v: code })
      else if (bold !== undefined) out.push({ t: 'b', c: spans(bold, budget, depth + 1) })
      else if (label !== undefined && href) out.push({ t: 'link', v: label, href })
      else out.push({ t: 'i', c: spans(star ?? under ?? '', budget, depth + 1) })
    }
  plain(text.slice(last), out)
  return out
}

export function formatText(text: string): Block[] {
  const blocks: Block[] = []
  let para: string[] = []
  const flush = (): void => {
    if (para.length) blocks.push({ t: 'p', c: inline(para.join('\n')) })
    para = []
  }
  for (const line of text.split('\n')) {
    const item = ITEM.exec(line)
    if (!item) {
      para.push(line)
      continue
    }
    flush()
    const t = item[1] ? 'ul' : 'ol'
    const prev = blocks.at(-1)
    const content = inline(item[2] ?? '')
    if (prev && prev.t === t) prev.items.push(content)
    else blocks.push({ t, items: [content] })
  }
  flush()
  return blocks
}
