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

// code first, so nothing inside backticks is formatted; emphasis needs a non-space next to its markers
const INLINE = /`([^`\n]+)`|\*\*(?=\S)([^\n]*?\S)\*\*|\*(?=[^\s*])([^*\n]*?[^\s*])\*|(?<![\w])_(?=\S)([^_\n]*?\S)_(?![\w])|\[([^\]\n]+)\]\(([^)\s]+)\)/g
const ITEM = /^\s{0,3}(?:([-*•])|\d{1,3}[.)])\s+(.*)$/

function plain(text: string, out: Inline[]): void {
  for (const p of linkify(text)) out.push(p.kind === 'link' ? { t: 'link', v: p.text, href: p.href } : { t: 'text', v: p.text })
}

export function inline(text: string): Inline[] {
  const out: Inline[] = []
  let last = 0
  for (const m of text.matchAll(INLINE)) {
    const [all, code, bold, star, under, label, url] = m
    const href = url === undefined ? undefined : safeUrl(url, true)
    // a link to anywhere but http(s) / mailto stays text, brackets and all
    if (label !== undefined && !href) continue
    plain(text.slice(last, m.index), out)
    last = m.index + all.length
    if (code !== undefined) out.push({ t: 'code', v: code })
    else if (bold !== undefined) out.push({ t: 'b', c: inline(bold) })
    else if (label !== undefined && href) out.push({ t: 'link', v: label, href })
    else out.push({ t: 'i', c: inline(star ?? under ?? '') })
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
