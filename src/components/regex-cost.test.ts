/**
 * Issue 24 point 5: formatting and linkifying stay linear. Inputs built to make a backtracking regex
 * rescan the rest of the text from every position ("a." × 32,000 took 32 ms per 4,000 characters and grew
 * with the square of the length) must render in well under a frame's budget.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import { formatText } from './format'
import { linkify } from './linkify'
import { RichText } from './RichText'

const LENGTH = 64_000
const repeat = (unit: string): string => unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH)

/** Each one defeats a particular quantifier: e-mail local parts, domains, URLs, emphasis, links. */
const ADVERSARIAL: [string, string][] = [
  ['a.', repeat('a.')],
  ['a@', repeat('a@')],
  ['a@a.', `a@${repeat('a.')}`],
  ['-', repeat('-')],
  ['http://', repeat('http://')],
  ['**a', repeat('**a')],
  ['*a', repeat('*a ')],
  ['_a', repeat(' _a')],
  ['[a', repeat('[a')],
  ['[a](', repeat('[a](')],
  ['`', repeat('`a')],
  ['**', repeat('**')],
]

const timed = (run: () => unknown): number => {
  const started = performance.now()
  run()
  return performance.now() - started
}

describe('regex cost on adversarial text', () => {
  it.each(ADVERSARIAL)('formats and renders 64,000 characters of "%s…" in under 50 ms', (_name, text) => {
    // one warm-up run so the JIT and Vue's first render are not counted
    mount({ render: () => h('div', [h(RichText, { text: 'warm **up** https://example.com' })]) }).unmount()
    const linkifyMs = timed(() => linkify(text))
    const formatMs = timed(() => formatText(text))
    let wrapper: ReturnType<typeof mount> | undefined
    const renderMs = timed(() => (wrapper = mount({ render: () => h('div', [h(RichText, { text })]) })))
    // every character reached the screen: the bound limits the work, not the text
    expect(wrapper?.text().length).toBeGreaterThan(LENGTH / 2)
    wrapper?.unmount()
    expect(linkifyMs, 'linkify').toBeLessThan(50)
    expect(formatMs, 'formatText').toBeLessThan(50)
    expect(renderMs, 'render').toBeLessThan(50)
  })
})
