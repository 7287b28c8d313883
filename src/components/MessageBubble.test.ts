import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import ChatLauncher from './ChatLauncher.vue'
import MessageBubble from './MessageBubble.vue'
import { loadFormatter } from './MessageText'

// the formatter loads with the first message that needs it (MessageText.test.ts); here it is there
beforeAll(loadFormatter)

const base = { kind: 'message', key: 'k', sentAt: '2026-01-01T00:00:00.000Z' } as const

describe('MessageBubble', () => {
  it('renders markup in agent text as text, and links only safe URLs', () => {
    const w = mount(MessageBubble, {
      props: { item: { ...base, role: 'agent', author: { name: 'Ada' }, text: '<img src=x onerror=alert(1)> javascript:alert(1) https://ok.example' } },
    })
    expect(w.find('img').exists()).toBe(false)
    const links = w.findAll('a')
    expect(links).toHaveLength(1)
    expect(links[0]?.attributes()).toMatchObject({ href: 'https://ok.example/', rel: 'noopener noreferrer nofollow', target: '_blank' })
    expect(w.text()).toContain('<img src=x onerror=alert(1)>')
    expect(w.text()).toContain('Ada')
  })

  it('neutralises bidi controls in the text, the link and the author name it shows', () => {
    const w = mount(MessageBubble, {
      props: { item: { ...base, role: 'agent', author: { name: 'Ada\u202E' }, text: 'see https://example.com/\u202Efdp.exe now \u2067x\u2069' } },
    })
    expect(w.text()).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/)
    expect(w.get('a').text()).toBe('https://example.com/fdp.exe')
    expect(w.get('a').attributes('href')).toBe('https://example.com/fdp.exe')
  })

  it('shows a failed guest message with its reason and a retry button', async () => {
    const w = mount(MessageBubble, {
      props: { item: { ...base, role: 'guest', text: 'x', status: 'failed', error: 'too long', clientMessageId: 'c1' } },
    })
    expect(w.text()).toContain('Not sent: too long')
    await w.get('button').trigger('click')
    expect(w.emitted('retry')).toEqual([['c1']])
  })

  it.each([
    ['sending', 'Sending…'],
    ['sent', 'Sent'],
    ['delivered', 'Delivered'],
    ['read', 'Read'],
  ] as const)('shows the %s state of a guest message as an icon and the word', (status, word) => {
    const w = mount(MessageBubble, { props: { item: { ...base, role: 'guest', text: 'x', status } } })
    expect(w.get('.parley-status').text()).toBe(word)
    expect(w.get('.parley-status svg path').attributes('d')).toBeTruthy()
    expect(w.get('.parley-row').attributes('data-status')).toBe(status)
    expect(w.find('button').exists()).toBe(false)
  })

  it('shows no state under agent and bot messages', () => {
    const w = mount(MessageBubble, { props: { item: { ...base, role: 'bot', text: 'x' } } })
    expect(w.find('.parley-status').exists()).toBe(false)
    expect(w.text()).toContain('Bot')
  })
})

describe('ChatLauncher', () => {
  it('says how many messages are unread in its accessible name', () => {
    expect(mount(ChatLauncher).get('button').attributes('aria-label')).toBe('Open chat')
    expect(mount(ChatLauncher, { props: { unread: 1 } }).get('button').attributes('aria-label')).toBe('Open chat, 1 unread message')
    expect(mount(ChatLauncher, { props: { unread: 2 } }).get('button').attributes('aria-label')).toBe('Open chat, 2 unread messages')
  })
})
