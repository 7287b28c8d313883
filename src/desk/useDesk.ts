/**
 * @module desk/useDesk
 * The desk console's connection: signs in with the desk token (offered as a subprotocol), keeps the
 * conversation list and the open transcript current, and reconnects with backoff.
 */
import { tryOnScopeDispose } from '@vueuse/core'
import { computed, ref, shallowRef } from 'vue'
import { backoffDelay } from '../client/backoff'
import { mergeSnapshot } from './snapshot'
import {
  DESK_PROTOCOL,
  parseDeskServerFrame,
  TOKEN_PROTOCOL_PREFIX,
  type AgentRef,
  type Card,
  type ConversationSummary,
  type DeskColleague,
  type MessageFrame,
  readAttachmentId,
  readProblemDetail,
  type DeskClientFrame,
  type RichContent,
  type TranscriptEntry,
} from '../protocol'

export type DeskRich = { attachmentIds?: string[] } & Pick<RichContent, 'quickReplies' | 'cards'>

/** The card editor's fields: a card is sent when it has a title; its one button links or is sent back. */
export interface ReplyCard {
  title: string
  description: string
  imageUrl: string
  action: string
  url: string
}

/** What the composer holds besides the text, as the reply frame carries it (empty parts left out). */
export function richReply(draft: { attachmentIds: readonly string[]; quickReplies: readonly string[]; card: Readonly<ReplyCard> }): DeskRich {
  const { card } = draft
  const replies = draft.quickReplies.map((t) => t.trim()).filter(Boolean).map((text) => ({ text, payload: text }))
  const action = card.action.trim()
  const url = card.url.trim()
  const c: Card | undefined = card.title.trim()
    ? {
        title: card.title.trim(),
        ...(card.description.trim() ? { description: card.description.trim() } : {}),
        ...(card.imageUrl.trim() ? { imageUrl: card.imageUrl.trim() } : {}),
        actions: action ? [url ? { type: 'link', text: action, url } : { type: 'postback', text: action, payload: action }] : [],
      }
    : undefined
  return {
    ...(draft.attachmentIds.length ? { attachmentIds: [...draft.attachmentIds] } : {}),
    ...(replies.length ? { quickReplies: replies } : {}),
    ...(c ? { cards: [c] } : {}),
  }
}

/** The server closes a revoked account's socket with this code (forbidden: do not reconnect). */
const REVOKED_CLOSE = 4003

export type DeskStatus = 'signed-out' | 'connecting' | 'online' | 'reconnecting'

export function useDesk(token: () => string | undefined) {
  const status = ref<DeskStatus>('signed-out')
  const conversations = shallowRef<ConversationSummary[]>([])
  const selectedId = ref<string>()
  const transcript = shallowRef<TranscriptEntry[]>([])
  const guestTyping = shallowRef<ReadonlySet<string>>(new Set())
  const notice = ref<string>()
  /** The signed-in account (the server's `hello`): replies go out under its name. */
  const me = shallowRef<AgentRef & { role: 'agent' | 'admin' }>()
  /** The agent behind each entry an agent wrote, by entry id. */
  const by = shallowRef<Readonly<Record<string, AgentRef>>>({})
  /** The team, with who is signed in now. */
  const colleagues = shallowRef<DeskColleague[]>([])
  /** Told of every new guest message, in any conversation (the alerts). */
  const guestMessageListeners = new Set<(conversationId: string, message: MessageFrame) => void>()
  const onGuestMessage = (listener: (conversationId: string, message: MessageFrame) => void): void => void guestMessageListeners.add(listener)
  let ws: WebSocket | undefined
  let attempt = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  /** A guest's "typing" lapses without a refresh (the widget repeats it every 3 s while they type) or with their message. */
  const TYPING_LAPSE_MS = 6_000
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>()
  function setGuestTyping(conversationId: string, active: boolean): void {
    clearTimeout(typingTimers.get(conversationId))
    typingTimers.delete(conversationId)
    if (active) typingTimers.set(conversationId, setTimeout(() => setGuestTyping(conversationId, false), TYPING_LAPSE_MS))
    if (active === guestTyping.value.has(conversationId)) return
    const next = new Set(guestTyping.value)
    if (active) next.add(conversationId)
    else next.delete(conversationId)
    guestTyping.value = next
  }

  const selected = computed(() => conversations.value.find((c) => c.id === selectedId.value))

  function upsert(summary: ConversationSummary): void {
    const rest = conversations.value.filter((c) => c.id !== summary.id)
    conversations.value = [summary, ...rest].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
  }

  function send(frame: DeskClientFrame): void {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame))
  }

  function connect(): void {
    const t = token()
    if (!t || stopped) return
    status.value = attempt ? 'reconnecting' : 'connecting'
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/desk/socket`
    const socket = new WebSocket(url, [DESK_PROTOCOL, TOKEN_PROTOCOL_PREFIX + t])
    ws = socket
    let opened = false
    /** Rows sent live before this socket's first list arrived: the list was read earlier, so they win. */
    let liveBeforeList: Map<string, ConversationSummary> | undefined = new Map()
    socket.onopen = () => {
      opened = true
      attempt = 0
      status.value = 'online'
      notice.value = undefined
      if (selectedId.value) send({ type: 'open', conversationId: selectedId.value })
    }
    socket.onmessage = (event: MessageEvent<unknown>) => {
      const frame = parseDeskServerFrame(event.data)
      if (!frame) return
      switch (frame.type) {
        case 'hello':
          me.value = frame.agent
          return
        case 'conversations':
          conversations.value = mergeSnapshot(frame.conversations, liveBeforeList ?? new Map())
          liveBeforeList = undefined
          return
        case 'conversation':
          liveBeforeList?.set(frame.conversation.id, frame.conversation)
          return upsert(frame.conversation)
        case 'agents':
          colleagues.value = frame.agents
          return
        case 'transcript':
          if (frame.conversationId !== selectedId.value) return
          transcript.value = frame.entries
          by.value = frame.by ?? {}
          return
        case 'entry':
          if (frame.entry.type === 'message' && frame.entry.role === 'guest') {
            setGuestTyping(frame.conversationId, false)
            for (const l of guestMessageListeners) l(frame.conversationId, frame.entry)
          }
          if (frame.conversationId !== selectedId.value) return
          if (frame.by) by.value = { ...by.value, [frame.entry.id]: frame.by }
          if (!transcript.value.some((e) => e.seq === frame.entry.seq)) transcript.value = [...transcript.value, frame.entry]
          // the agent is looking at it: mark it read
          if (frame.entry.type === 'message' && frame.entry.role === 'guest') send({ type: 'open', conversationId: frame.conversationId })
          return
        case 'guest-typing':
          return setGuestTyping(frame.conversationId, frame.active)
        case 'error':
          notice.value = frame.message
          return
        case 'pong':
          return
      }
    }
    socket.onclose = (event: CloseEvent) => {
      if (ws !== socket || stopped) return
      if (event.code === REVOKED_CLOSE) {
        status.value = 'signed-out'
        notice.value = 'This desk account was revoked. Ask an admin for a new sign-in link.'
        return
      }
      if (!opened && attempt >= 2) {
        status.value = 'signed-out'
        notice.value = 'The desk token was not accepted.'
        return
      }
      status.value = 'reconnecting'
      retry = setTimeout(connect, backoffDelay(attempt++, { baseMs: 500, capMs: 10_000 }))
    }
  }

  function open(conversationId: string): void {
    selectedId.value = conversationId
    transcript.value = []
    by.value = {}
    send({ type: 'open', conversationId })
  }

  /** An agent message; files by the ids `upload` returned, quick replies and cards as the guest will see them. */
  function reply(text: string, rich: DeskRich = {}): void {
    if (!selectedId.value) return
    send({ type: 'reply', conversationId: selectedId.value, clientMessageId: crypto.randomUUID(), text, ...rich })
  }

  /** Upload a file for the next reply; resolves with its id, rejects with the BFF's reason. */
  async function upload(file: File): Promise<string> {
    const res = await fetch(`/api/desk/conversations/${encodeURIComponent(selectedId.value ?? '')}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token() ?? ''}`, 'content-type': file.type || 'application/octet-stream', 'x-parley-file-name': encodeURIComponent(file.name) },
      body: file,
    })
    const body: unknown = await res.json().catch(() => undefined)
    const id = res.status === 201 ? readAttachmentId(body) : undefined
    if (!id) throw new Error(readProblemDetail(body) ?? `The upload failed (${res.status}).`)
    return id
  }

  function setTyping(active: boolean): void {
    if (selectedId.value) send({ type: 'typing', conversationId: selectedId.value, active })
  }

  function end(): void {
    if (selectedId.value) send({ type: 'end', conversationId: selectedId.value })
  }

  function leave(): void {
    if (selectedId.value) send({ type: 'leave', conversationId: selectedId.value })
  }

  function take(conversationId = selectedId.value): void {
    if (conversationId) send({ type: 'take', conversationId })
  }

  function transfer(agentId: string): void {
    if (selectedId.value) send({ type: 'transfer', conversationId: selectedId.value, agentId })
  }

  /** Back to the list (on a phone the list and the conversation are two screens). */
  function close(): void {
    selectedId.value = undefined
    transcript.value = []
  }

  /** Unread guest messages over every open conversation (the page title shows it). */
  const unreadTotal = computed(() => conversations.value.reduce((n, c) => n + (c.status === 'open' ? c.unread : 0), 0))

  function start(): void {
    stopped = false
    attempt = 0
    connect()
  }

  tryOnScopeDispose(() => {
    stopped = true
    clearTimeout(retry)
    for (const timer of typingTimers.values()) clearTimeout(timer)
    ws?.close()
  })

  /** Forget the session: close the socket and show the sign-in form. */
  function signOut(): void {
    stopped = true
    clearTimeout(retry)
    ws?.close()
    ws = undefined
    me.value = undefined
    status.value = 'signed-out'
  }

  return {
    status, me, by, colleagues, signOut, conversations, selected, selectedId, transcript, guestTyping, notice, unreadTotal,
    start, open, close, reply, richReply, upload, setTyping, end, leave, take, transfer, onGuestMessage,
  }
}
