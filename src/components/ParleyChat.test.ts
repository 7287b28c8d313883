import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import type { ChatItem } from '../stores/chat'
import MessageList from './MessageList.vue'
import ParleyChat from './ParleyChat.vue'

type MessageItem = Extract<ChatItem, { kind: 'message' }>
const message: MessageItem = { kind: 'message', key: 'k1', role: 'agent', text: 'Hi <b>there</b>', sentAt: '2026-01-01T00:00:00.000Z', seq: 1 }

// opening starts the client: keep it from reaching the network
vi.stubGlobal('fetch', () => new Promise(() => undefined))

describe('ParleyChat slots and greeting', () => {
  it('replaces the launcher through the launcher slot, which gets open() and the unread count', async () => {
    const w = mount(ParleyChat, {
      props: { bffUrl: 'http://127.0.0.1:9', persist: 'none' },
      global: { plugins: [createPinia()] },
      slots: { launcher: (p: { open: () => Promise<void>; unread: number }) => h('button', { class: 'mine', onClick: p.open }, `Help (${p.unread})`) },
    })
    expect(w.find('.parley-launcher').exists()).toBe(false)
    expect(w.get('button.mine').text()).toBe('Help (0)')
    await w.get('button.mine').trigger('click')
    expect(w.emitted('open')).toHaveLength(1)
    w.unmount()
  })

  it('shows the greeting above the conversation and lets the message slot replace the bubble', () => {
    const w = mount(MessageList, {
      props: { items: [message], greeting: 'We answer within minutes.' },
      slots: { message: (p: { item: MessageItem }) => h('p', { class: 'custom' }, p.item.text) },
    })
    expect(w.get('.parley-greeting').text()).toBe('We answer within minutes.')
    expect(w.get('.custom').text()).toBe('Hi <b>there</b>')
    expect(w.find('.parley-bubble').exists()).toBe(false)
  })

  it.each([
    ['light', false, false],
    ['dark', false, true],
    ['auto', false, false],
    ['auto', true, true],
  ] as const)('theme %s with a dark system setting %s: dark %s', (theme, systemDark, expected) => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: systemDark && query.includes('dark'), media: query, addEventListener: () => undefined, removeEventListener: () => undefined }))
    const w = mount(ParleyChat, { props: { bffUrl: 'http://127.0.0.1:9', persist: 'none', theme }, global: { plugins: [createPinia()] } })
    expect(w.get('.parley-root').classes('parley-dark')).toBe(expected)
    w.unmount()
    vi.unstubAllGlobals()
    vi.stubGlobal('fetch', () => new Promise(() => undefined))
  })
})
