import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import MessageBubble from './MessageBubble.vue'
import MessageExtras from './MessageExtras.vue'
import { loadFormatter } from './MessageText'
import { HOSTILE } from './hostile.test-helper'

const base = { kind: 'message', key: 'k', id: 'm1', role: 'bot', text: '', sentAt: '2026-01-01T00:00:00.000Z' } as const
const XSS = '<img src=x onerror=alert(1)>'

describe('MessageExtras', () => {
  it('shows images inline named by their file, other files as download links', () => {
    const w = mount(MessageExtras, {
      props: {
        item: {
          attachments: [
            { id: 'a', name: `${XSS}.png`, type: 'image/png', size: 2048, url: 'https://bff.example/api/files/a?s=1' },
            { id: 'b', name: 'invoice.pdf', type: 'application/pdf', size: 2_500_000, url: 'https://bff.example/api/files/b?s=1' },
            { id: 'c', name: 'pending.png', type: 'image/png', size: 1 },
          ],
        },
      },
    })
    const img = w.get('img')
    expect(img.attributes()).toMatchObject({ alt: `${XSS}.png`, src: 'https://bff.example/api/files/a?s=1' })
    expect(w.findAll('img')).toHaveLength(1)
    const link = w.get('a.parley-file')
    expect(link.attributes()).toMatchObject({ href: 'https://bff.example/api/files/b?s=1', download: '' })
    expect(link.text()).toBe('invoice.pdf 2.5 MB')
    expect(w.text()).toContain('pending.png')
  })

  it('opens a larger view of an image in a modal dialog', async () => {
    const w = mount(MessageExtras, { props: { item: { attachments: [{ id: 'a', name: 'cat.png', type: 'image/png', size: 9, url: 'https://x.example/cat.png' }] } }, attachTo: document.body })
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true
    }
    await w.get('button.parley-thumb').trigger('click')
    // the viewer is loaded the first time an image is opened
    const dialog = await vi.waitFor(() => w.get('dialog'))
    expect(dialog.attributes('aria-label')).toBe('cat.png')
    expect(dialog.findAll('img')[0]?.attributes('alt')).toBe('cat.png')
    w.unmount()
  })

  it('answers with quick replies, postback buttons and time slots; links open safely', async () => {
    const w = mount(MessageExtras, {
      props: {
        item: {
          id: 'm1',
          quickReplies: [{ text: XSS, payload: '"><script>alert(1)</script>' }],
          cards: [{ title: XSS, description: 'Desc', imageUrl: 'https://x.example/c.png', actions: [{ type: 'postback', text: 'Choose', payload: 'plan-a' }, { type: 'link', text: 'Open', url: 'https://x.example/plan' }] }],
          datePicker: { title: 'When?', slots: [{ dateTime: '2030-01-02T10:00:00.000Z' }] },
        },
      },
    })
    expect(w.text()).toContain(XSS)
    expect(w.findAll('img')).toHaveLength(1)
    await w.get('.parley-chips button').trigger('click')
    await w.findAll('.parley-card button')[0]?.trigger('click')
    await w.findAll('.parley-chips button').at(-1)?.trigger('click')
    const replies = w.emitted('reply') ?? []
    expect(replies[0]).toEqual([XSS, { kind: 'quick-reply', payload: '"><script>alert(1)</script>', messageId: 'm1' }])
    expect(replies[1]).toEqual(['Choose', { kind: 'button', payload: 'plan-a', messageId: 'm1' }])
    expect(replies[2]?.[1]).toEqual({ kind: 'date-picker', payload: '2030-01-02T10:00:00.000Z', messageId: 'm1' })
    expect(w.get('.parley-card a').attributes()).toMatchObject({ href: 'https://x.example/plan', rel: 'noopener noreferrer nofollow', target: '_blank' })
    expect(w.find('[role="group"][aria-label="When?"]').exists()).toBe(true)
  })

  it('scrolls several cards as a carousel that the keyboard can reach', () => {
    const cards = [1, 2, 3].map((n) => ({ title: `Card ${n}`, actions: [] }))
    const w = mount(MessageExtras, { props: { item: { cards } } })
    expect(w.get('.parley-cards').attributes()).toMatchObject({ tabindex: '0', 'aria-label': '3 cards' })
  })

  it('shows choices to an agent without letting them answer', () => {
    const w = mount(MessageExtras, { props: { item: { quickReplies: [{ text: 'A', payload: 'a' }] }, readonly: true } })
    expect(w.get('button').attributes('disabled')).toBeDefined()
  })
})

describe('MessageBubble formatting', () => {
  beforeAll(loadFormatter)

  it('renders bold, italic, code and lists as elements and raw HTML as text', () => {
    const w = mount(MessageBubble, { props: { item: { ...base, text: '**Bold** _it_ `x<y`\n- one\n- <b>two</b>' } } })
    expect(w.get('strong').text()).toBe('Bold')
    expect(w.get('em').text()).toBe('it')
    expect(w.get('code').text()).toBe('x<y')
    expect(w.findAll('li').map((li) => li.text())).toEqual(['one', '<b>two</b>'])
    expect(w.find('b').exists()).toBe(false)
  })

  it.each(HOSTILE)('creates no element a hostile text could use: %s', (text) => {
    const w = mount(MessageBubble, { props: { item: { ...base, text } } })
    const tags = [...w.element.querySelectorAll('*')].map((e) => e.tagName)
    expect(tags.filter((t) => !['DIV', 'SPAN', 'BDI', 'P', 'A', 'STRONG', 'EM', 'CODE', 'UL', 'OL', 'LI'].includes(t))).toEqual([])
    for (const a of w.findAll('a')) expect(a.attributes('href')).toMatch(/^(https?|mailto):/)
  })

  it('emits the chosen quick reply', async () => {
    const w = mount(MessageBubble, { props: { item: { ...base, text: 'Pick', quickReplies: [{ text: 'Yes', payload: 'y' }] } } })
    // the extras are loaded with the first message that has any
    await vi.waitFor(() => w.get('.parley-chips button'))
    await w.get('.parley-chips button').trigger('click')
    expect(w.emitted('reply')).toEqual([['Yes', { kind: 'quick-reply', payload: 'y', messageId: 'm1' }]])
  })
})
