import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { HOSTILE } from './hostile.test-helper'
import { MessageText } from './MessageText'
import { RichText } from './RichText'

const html = (component: typeof MessageText | typeof RichText, text: string): string => mount({ render: () => h('div', [h(component, { text })]) }).html()

// runs before anything in this file loads the formatter: the module keeps it once loaded
describe('MessageText', () => {
  it('renders a text without formatting exactly as the formatter would, and then a formatted one formatted', async () => {
    const plain = ['Hello!', 'Two\nlines', '  spaced  out  ', 'Size 44 - in stock', '3 boots', 'Price: 12.50 €', '', 'שלום עולם', '\u202Efdp.exe']
    const before = plain.map((text) => html(MessageText, text))
    const w = mount({ render: () => h('div', [h(MessageText, { text: 'see **this** at https://example.com' })]) })
    // a message with formatting brings the formatter, and shows formatted once it is there
    await vi.waitFor(() => expect(w.find('strong').exists()).toBe(true))
    expect(w.get('a').attributes('href')).toBe('https://example.com/')
    expect(before).toEqual(plain.map((text) => html(RichText, text)))
  })

  it.each(HOSTILE)('renders hostile text as the formatter does: %s', (text) => {
    expect(html(MessageText, text)).toBe(html(RichText, text))
  })
})
