import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { MessageFrame } from '../protocol'
import { useChatStore } from './chat'

const msg = (seq: number, role: MessageFrame['role'], text: string, clientMessageId?: string): MessageFrame => ({
  type: 'message',
  seq,
  id: `m${seq}`,
  role,
  text,
  sentAt: '2026-01-01T00:00:00.000Z',
  ...(clientMessageId ? { clientMessageId } : {}),
})

describe('parley/chat', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('keeps entries in seq order and drops replays', () => {
    const chat = useChatStore()
    chat.receive([msg(2, 'bot', 'b')])
    chat.receive([msg(1, 'bot', 'a'), msg(2, 'bot', 'b')])
    expect(chat.entries.map((e) => e.seq)).toEqual([1, 2])
  })

  it('shows a pending message once, as sending, then as sent when its echo arrives', () => {
    const chat = useChatStore()
    chat.setPending([{ clientMessageId: 'c1', text: 'hi', createdAt: '2026-01-01T00:00:00.000Z', state: 'sending' }])
    expect(chat.items).toMatchObject([{ kind: 'message', status: 'sending', text: 'hi' }])
    chat.receive([msg(1, 'guest', 'hi', 'c1')])
    expect(chat.items).toHaveLength(1)
    expect(chat.items[0]).toMatchObject({ status: 'sent', seq: 1 })
  })

  it('derives sent, delivered and read from receipt marks, and forgets them for a new conversation', () => {
    const chat = useChatStore()
    chat.setConversation('c1')
    chat.receive([msg(1, 'guest', 'a', 'k1'), msg(2, 'bot', 'b'), msg(3, 'guest', 'c', 'k3')])
    chat.setPending([{ clientMessageId: 'k4', text: 'd', createdAt: '2026-01-01T00:00:00.000Z', state: 'sent', seq: 4 }])
    const statuses = () => chat.items.filter((i) => i.kind === 'message' && i.role === 'guest').map((i) => (i.kind === 'message' ? i.status : ''))
    expect(statuses()).toEqual(['sent', 'sent', 'sent'])
    chat.setReceipt('delivered', 3)
    chat.setReceipt('read', 1)
    expect(statuses()).toEqual(['read', 'delivered', 'sent'])
    chat.setReceipt('delivered', 2) // marks never move back
    expect(statuses()).toEqual(['read', 'delivered', 'sent'])
    chat.setConversation('c2')
    expect(chat.receipts).toEqual({ delivered: 0, read: 0 })
  })

  it('counts unread agent and bot messages only while closed', () => {
    const chat = useChatStore()
    chat.receive([msg(1, 'bot', 'hello'), msg(2, 'guest', 'me', 'c')])
    expect(chat.unread).toBe(1)
    chat.setOpen(true)
    expect(chat.unread).toBe(0)
    chat.receive([msg(3, 'agent', 'x')])
    expect(chat.unread).toBe(0)
    chat.setOpen(false)
    chat.receive([msg(4, 'agent', 'y')])
    expect(chat.unread).toBe(1)
  })

  it('clears the typing line when the typist sends a message', () => {
    const chat = useChatStore()
    chat.setTyping({ type: 'typing', role: 'agent', active: true, author: { name: 'Ada' } })
    expect(chat.typing).toEqual({ role: 'agent', author: { name: 'Ada' } })
    chat.receive([msg(1, 'agent', 'done')])
    expect(chat.typing).toBeUndefined()
  })

  it('keeps replies unread while the tab is hidden, even with the panel open', () => {
    const chat = useChatStore()
    chat.setOpen(true)
    chat.setVisible(false)
    chat.receive([msg(1, 'agent', 'while away')])
    expect(chat.unread).toBe(1)
    chat.setVisible(true)
    expect(chat.unread).toBe(0)
    expect(chat.seenSeq).toBe(1)
  })

  it('marks where the new messages start when the panel opens with unread ones, and forgets it on close', () => {
    const chat = useChatStore()
    chat.setOpen(true)
    expect(chat.newAfterSeq).toBeUndefined() // nothing unread: no divider
    chat.receive([msg(1, 'bot', 'hello')])
    chat.setOpen(false)
    chat.receive([msg(2, 'guest', 'q', 'c'), msg(3, 'agent', 'a1'), msg(4, 'agent', 'a2')])
    chat.setOpen(true)
    expect(chat.newAfterSeq).toBe(1)
    chat.setOpen(false)
    expect(chat.newAfterSeq).toBeUndefined()
  })

  it('restores what was seen before a reload, never backwards, and starts over for another conversation', () => {
    const chat = useChatStore()
    chat.setConversation('c1')
    chat.receive([msg(1, 'bot', 'a'), msg(2, 'agent', 'b'), msg(3, 'agent', 'c')])
    chat.restoreSeen(2)
    expect(chat.unread).toBe(1)
    chat.restoreSeen(1)
    expect(chat.seenSeq).toBe(2)
    chat.setConversation('c2')
    expect(chat.seenSeq).toBe(0)
  })

  it('is ended once the conversation-ended event is in the transcript', () => {
    const chat = useChatStore()
    chat.receive([msg(1, 'agent', 'bye')])
    expect(chat.ended).toBe(false)
    chat.receive([{ type: 'event', kind: 'conversation-ended', seq: 2, id: 'e2', at: '2026-01-01T00:00:01.000Z' }])
    expect(chat.ended).toBe(true)
    chat.reset()
    expect(chat.ended).toBe(false)
  })

  it('offers quick replies and time slots until the guest writes again, and keeps cards', () => {
    const chat = useChatStore()
    const offer: MessageFrame = {
      ...msg(1, 'bot', 'Pick'),
      quickReplies: [{ text: 'A', payload: 'a' }],
      datePicker: { slots: [{ dateTime: '2030-01-01T10:00:00Z' }] },
      cards: [{ title: 'Card', actions: [] }],
    }
    chat.receive([offer, msg(2, 'bot', 'More')])
    expect(chat.items[0]).toMatchObject({ quickReplies: [{ text: 'A' }], datePicker: {} })
    chat.setPending([{ clientMessageId: 'c1', text: 'A', createdAt: '2026-01-01T00:00:00.000Z', state: 'sending', reply: { kind: 'quick-reply', payload: 'a' } }])
    expect(chat.items[0]).not.toHaveProperty('quickReplies')
    expect(chat.items[0]).not.toHaveProperty('datePicker')
    expect(chat.items[0]).toMatchObject({ cards: [{ title: 'Card' }] })
    expect(chat.items.at(-1)).toMatchObject({ status: 'sending', reply: { payload: 'a' } })
  })

  it('shows the files of a pending message', () => {
    const chat = useChatStore()
    const file = { id: 'f1', name: 'a.png', type: 'image/png', size: 3 }
    chat.setPending([{ clientMessageId: 'c1', text: '', createdAt: '2026-01-01T00:00:00.000Z', state: 'sending', attachments: [file] }])
    expect(chat.items).toMatchObject([{ attachments: [file], status: 'sending' }])
  })
})
