/**
 * @module composables/useChatSocket
 * Feeds the `parley/chat` store from a chat client's events, and keeps the socket in step with the page:
 * `online` / `offline`, a tab coming back into view, a page restored from the back-forward cache.
 */
import { tryOnScopeDispose, useEventListener } from '@vueuse/core'
import type { ChatClient, ConnectionState } from '../client'
import { useChatStore, type ConnectionView } from '../stores/chat'

export interface UseChatSocketOptions {
  /** Clear a typing indicator after this long without news. @default 30000 */
  typingTimeoutMs?: number
  /** @default window (none outside browsers) */
  window?: Window
}

function toView(state: ConnectionState): ConnectionView {
  switch (state.status) {
    case 'reconnecting':
      return { status: 'reconnecting', nextAttemptAt: state.nextAttemptAt }
    case 'failed':
      return { status: 'failed', reason: state.reason }
    case 'connecting':
      return { status: 'connecting' }
    default:
      return { status: state.status }
  }
}

export function useChatSocket(client: ChatClient, options: UseChatSocketOptions = {}): void {
  const { typingTimeoutMs = 30_000 } = options
  const win = options.window ?? (typeof window === 'undefined' ? undefined : window)
  const chat = useChatStore()
  let typingTimer: ReturnType<typeof setTimeout> | undefined

  const offs = [
    client.on('connection', (state) => chat.setConnection(toView(state))),
    client.on('entries', (entries) => chat.receive(entries)),
    client.on('older', (entries) => chat.receive(entries)),
    client.on('reset', (entries) => chat.replace(entries)),
    client.on('outbox', (items) => chat.setPending(items)),
    client.on('error', (error) => chat.setError(error)),
    client.on('session', (session) => chat.setConversation(session?.conversationId)),
    client.on('receipt', (frame) => chat.setReceipt(frame.status, frame.upToSeq)),
    client.on('typing', (frame) => {
      chat.setTyping(frame)
      clearTimeout(typingTimer)
      if (frame.active) typingTimer = setTimeout(() => chat.clearTyping(), typingTimeoutMs)
    }),
  ]

  if (win) {
    chat.setVisible(win.document.visibilityState !== 'hidden')
    useEventListener(win, 'online', () => client.reconnect())
    useEventListener(win, 'offline', () => client.goOffline())
    useEventListener(win, 'pageshow', () => client.reconnect())
    useEventListener(win.document, 'visibilitychange', () => {
      const visible = win.document.visibilityState === 'visible'
      chat.setVisible(visible)
      if (visible) client.reconnect()
    })
  }

  tryOnScopeDispose(() => {
    clearTimeout(typingTimer)
    for (const off of offs) off()
  })
}
