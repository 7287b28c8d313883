/**
 * @module stores/chat
 * `parley/chat`: what the widget shows. Transcript entries by seq, the outbox, typing, connection and
 * unread state. Every action is a pure transition; serialisable state only.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Author, EventKind, OutboxItem, RichContent, Role, ServerTypingFrame, TranscriptEntry } from '../protocol'

/** Connection status as the UI needs it (mirrors `ConnectionState` of the client without importing it). */
export type ConnectionView =
  | { status: 'idle' | 'connecting' | 'open' | 'offline' | 'closed' }
  | { status: 'reconnecting'; nextAttemptAt: number }
  | { status: 'failed'; reason: string }

/** A guest message not yet in the transcript: an outbox item of the client. */
export type PendingMessage = OutboxItem

/** `waiting`: queued while the link is down (offline or reconnecting); it goes once the link is back. */
export type MessageStatus = 'sending' | 'waiting' | 'sent' | 'delivered' | 'read' | 'failed'

/** One row of the message list. Quick replies and time slots are left out once the guest has written after them. */
export type ChatItem =
  | ({
      kind: 'message'
      key: string
      /** The transcript's message id (absent while pending). */
      id?: string
      role: Role
      text: string
      author?: Author
      sentAt: string
      seq?: number
      clientMessageId?: string
      status?: MessageStatus
      error?: string
    } & RichContent)
  | { kind: 'event'; key: string; event: EventKind; at: string; author?: Author; seq: number }

export interface TypingView {
  role: 'agent' | 'bot'
  /** Absent when the typist is unnamed; the widget then says "Agent" or "Bot" in its language. */
  author?: Author
}

/**
 * Who the guest is talking to, for the panel's header: a person who joined (and has not left), a request
 * for a person nobody has answered yet, or the bot.
 */
export type Counterpart = { kind: 'agent' | 'bot'; author?: Author } | { kind: 'waiting' }

/** The payload of the desk bot's "Talk to a person" choice; typed words that ask for one count too. */
const PERSON_PAYLOAD = 'talk-to-person'
const PERSON_WORDS = /\b(human|person|agent|someone)\b/i

export const useChatStore = defineStore('parley/chat', () => {
  const entries = shallowRef<TranscriptEntry[]>([])
  const pending = shallowRef<PendingMessage[]>([])
  const typing = shallowRef<TypingView | undefined>(undefined)
  const connection = shallowRef<ConnectionView>({ status: 'idle' })
  const isOpen = ref(false)
  /** The page is in view (messages that arrive while it is hidden stay unread). */
  const visible = ref(true)
  /** Highest seq the guest has seen with the panel open. */
  const seenSeq = ref(0)
  /** While the panel is open: what was seen before it opened, for the "new messages" divider. */
  const newAfterSeq = ref<number | undefined>(undefined)
  const lastError = shallowRef<{ code: string; message: string } | undefined>(undefined)
  /** Receipt marks: guest messages up to these seqs reached the contact centre / were read there. */
  const receipts = ref({ delivered: 0, read: 0 })
  const conversationId = ref<string | undefined>(undefined)

  /** Merge entries in seq order, dropping seqs already present (replays, reconnects). */
  function receive(incoming: readonly TranscriptEntry[]): void {
    if (!incoming.length) return
    const bySeq = new Map(entries.value.map((e) => [e.seq, e]))
    let changed = false
    for (const e of incoming) {
      if (!bySeq.has(e.seq)) {
        bySeq.set(e.seq, e)
        changed = true
      }
    }
    if (!changed) return
    entries.value = [...bySeq.values()].sort((a, b) => a.seq - b.seq)
    markSeen()
    const last = incoming.at(-1)
    // a message from the typist ends their typing
    if (last?.type === 'message' && last.role !== 'guest') typing.value = undefined
  }

  function replace(all: readonly TranscriptEntry[]): void {
    entries.value = [...all].sort((a, b) => a.seq - b.seq)
    seenSeq.value = Math.min(seenSeq.value, entries.value.at(-1)?.seq ?? 0)
    markSeen()
  }

  function markSeen(): void {
    if (isOpen.value && visible.value) seenSeq.value = Math.max(seenSeq.value, entries.value.at(-1)?.seq ?? 0)
  }

  function setPending(items: readonly PendingMessage[]): void {
    pending.value = [...items]
  }

  function setTyping(frame: ServerTypingFrame): void {
    typing.value = frame.active ? { role: frame.role, ...(frame.author ? { author: frame.author } : {}) } : undefined
  }

  function clearTyping(): void {
    typing.value = undefined
  }

  function setConnection(view: ConnectionView): void {
    connection.value = view
  }

  function setOpen(open: boolean): void {
    if (open && !isOpen.value) newAfterSeq.value = unread.value > 0 ? seenSeq.value : undefined
    if (!open) newAfterSeq.value = undefined
    isOpen.value = open
    markSeen()
  }

  function setVisible(shown: boolean): void {
    visible.value = shown
    markSeen()
  }

  /** Restore what was seen before a reload (the widget keeps it beside the session). */
  function restoreSeen(seq: number): void {
    seenSeq.value = Math.max(seenSeq.value, seq)
  }

  /** A different conversation (a new session): receipt marks and read state of the old one mean nothing here. */
  function setConversation(id: string | undefined): void {
    if (id === conversationId.value) return
    const first = conversationId.value === undefined
    conversationId.value = id
    receipts.value = { delivered: 0, read: 0 }
    if (!first) seenSeq.value = 0
  }

  function setReceipt(status: 'delivered' | 'read', upToSeq: number): void {
    if (upToSeq > receipts.value[status]) receipts.value = { ...receipts.value, [status]: upToSeq }
  }

  const statusOf = (seq: number): MessageStatus =>
    seq <= receipts.value.read ? 'read' : seq <= receipts.value.delivered ? 'delivered' : 'sent'

  function setError(error: { code: string; message: string } | undefined): void {
    lastError.value = error
  }

  const items = computed<ChatItem[]>(() => {
    const down = ['offline', 'reconnecting', 'failed'].includes(connection.value.status)
    const shown = new Set<string>()
    const rows: ChatItem[] = entries.value.map((e) => {
      if (e.type === 'event') return { kind: 'event', key: `s${e.seq}`, event: e.kind, at: e.at, seq: e.seq, ...(e.author ? { author: e.author } : {}) }
      if (e.clientMessageId) shown.add(e.clientMessageId)
      const { type: _type, ...message } = e
      const row: ChatItem = { ...message, kind: 'message', key: e.clientMessageId ?? `s${e.seq}` }
      if (e.role === 'guest') row.status = statusOf(e.seq)
      return row
    })
    for (const p of pending.value) {
      if (shown.has(p.clientMessageId)) continue
      const { clientMessageId, text, createdAt, state, seq, error, attachments, reply } = p
      const row: ChatItem = { kind: 'message', key: clientMessageId, role: 'guest', text, sentAt: createdAt, clientMessageId, status: state === 'sent' && seq !== undefined ? statusOf(seq) : down && state === 'sending' ? 'waiting' : state }
      if (seq !== undefined) row.seq = seq
      if (error) row.error = error
      if (attachments) row.attachments = attachments
      if (reply) row.reply = reply
      rows.push(row)
    }
    // a choice is offered until the guest writes again
    let answered = false
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i]
      if (row?.kind !== 'message') continue
      if (answered && (row.quickReplies || row.datePicker)) {
        const { quickReplies: _q, datePicker: _d, ...rest } = row
        rows[i] = rest
      }
      if (row.role === 'guest') answered = true
    }
    return rows
  })

  const counterpart = computed<Counterpart | undefined>(() => {
    const all = items.value
    const since = all.findLastIndex((r) => r.kind === 'event' && (r.event === 'agent-joined' || r.event === 'agent-left'))
    const last = all[since]
    if (last?.kind === 'event' && last.event === 'agent-joined') return { kind: 'agent', ...(last.author ? { author: last.author } : {}) }
    let who: Counterpart | undefined
    for (const r of all.slice(since + 1)) {
      if (r.kind !== 'message') continue
      if (r.role === 'agent') who = { kind: 'agent', ...(r.author ? { author: r.author } : {}) }
      else if (r.role === 'bot' && who?.kind !== 'waiting') who = { kind: 'bot', ...(r.author ? { author: r.author } : {}) }
      else if (r.role === 'guest' && who?.kind !== 'agent' && (r.reply ? r.reply.payload === PERSON_PAYLOAD : PERSON_WORDS.test(r.text))) who = { kind: 'waiting' }
    }
    return who
  })

  const unread = computed(
    () => entries.value.filter((e) => e.type === 'message' && e.role !== 'guest' && e.seq > seenSeq.value).length,
  )
  /** The conversation is over: read-only, a new chat can be started. */
  const ended = computed(() => entries.value.some((e) => e.type === 'event' && e.kind === 'conversation-ended'))

  function reset(): void {
    entries.value = []
    pending.value = []
    typing.value = undefined
    seenSeq.value = 0
    newAfterSeq.value = undefined
    lastError.value = undefined
    receipts.value = { delivered: 0, read: 0 }
  }

  return {
    entries,
    pending,
    typing,
    connection,
    isOpen,
    visible,
    seenSeq,
    newAfterSeq,
    ended,
    lastError,
    receipts,
    conversationId,
    items,
    counterpart,
    unread,
    receive,
    replace,
    setPending,
    setTyping,
    clearTyping,
    setConnection,
    setOpen,
    setVisible,
    restoreSeen,
    setError,
    setReceipt,
    setConversation,
    reset,
  }
})
