/**
 * Issue 24 point 5 in the abuse suite: text built to make the widget's formatting regexes backtrack
 * ("a." × 2,000 was 32 ms a message, 16 s to open such a conversation at the desk) is parsed in linear time.
 * The rendering side is src/components/regex-cost.test.ts (happy-dom).
 */
import { describe, expect, it } from 'vitest'
import { formatText } from '../../src/components/format'
import { linkify } from '../../src/components/linkify'

const LENGTH = 64_000
const repeat = (unit: string): string => unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH)

describe('client-side regex cost (issue 24 point 5)', () => {
  it.each(['a.', 'a@', '**a', '[a', '[a](', '`a', '**', 'http://'])('parses 64,000 characters of "%s…" in under 50 ms', (unit) => {
    const text = repeat(unit)
    formatText('warm **up** https://example.com')
    const started = performance.now()
    linkify(text)
    const blocks = formatText(text)
    expect(performance.now() - started).toBeLessThan(50)
    expect(blocks.length).toBeGreaterThan(0)
  })
})
