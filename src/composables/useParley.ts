/**
 * @module composables/useParley
 * Everything a chat UI needs, headless: creates the chat client, binds it to the stores, and returns
 * reactive state plus actions. `<ParleyChat>` is one UI on top of it; a host app can build its own.
 */
import { tryOnScopeDispose } from '@vueuse/core'
import { storeToRefs } from 'pinia'
import { inject, toValue, type MaybeRefOrGetter, type Ref } from 'vue'
import { createSharedChatClient, storageKeys, type ChatClient, type StorageLike } from '../client'
import { PARLEY_OPTIONS, type ParleyOptions } from '../context'
import type { CreateGuestSessionBody } from '../protocol'
import { useChatStore, type ChatItem, type ConnectionView, type TypingView } from '../stores/chat'
import { useChatSocket } from './useChatSocket'
import { useGuestSession } from './useGuestSession'

export interface UseParleyOptions {
  /** Base URL of the BFF. @default the `bffUrl` given to `createParley()` */
  bffUrl?: MaybeRefOrGetter<string | undefined>
  /** Where session and outbox survive a reload. @default 'session' (sessionStorage) */
  persist?: 'session' | 'local' | 'none'
  /** Sent with a new guest session. */
  profile?: CreateGuestSessionBody
  /** Connect at once instead of on the first `open()`. @default false */
  immediate?: boolean
}

export interface UseParleyReturn {
  items: Readonly<Ref<ChatItem[]>>
  connection: Readonly<Ref<ConnectionView>>
  typing: Readonly<Ref<TypingView | undefined>>
  unread: Readonly<Ref<number>>
  isOpen: Readonly<Ref<boolean>>
  lastError: Readonly<Ref<{ code: string; message: string } | undefined>>
  open(): void
  close(): void
  send(text: string): void
  retry(clientMessageId: string): void
  setTyping(active: boolean): void
  reconnect(): void
  endChat(): Promise<void>
  /** The underlying client, for events the UI does not cover. */
  client: ChatClient
}

function pickStorage(persist: 'session' | 'local' | 'none'): StorageLike | undefined {
  if (persist === 'none' || typeof window === 'undefined') return undefined
  try {
    return persist === 'local' ? window.localStorage : window.sessionStorage
  } catch {
    return undefined // storage disabled by the browser
  }
}

export function useParley(options: UseParleyOptions = {}): UseParleyReturn {
  const defaults: ParleyOptions | undefined = inject(PARLEY_OPTIONS, undefined)
  const bffUrl = toValue(options.bffUrl) ?? defaults?.bffUrl
  if (!bffUrl) throw new Error('Parley: no bffUrl. Pass it to createParley({ bffUrl }) or to <ParleyChat bff-url>.')
  const persist = options.persist ?? defaults?.persist ?? 'session'

  const chat = useChatStore()
  const { holder } = useGuestSession()
  const storage = pickStorage(persist)
  const client = createSharedChatClient({
    bffUrl,
    session: holder,
    ...(storage ? { storage } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  })
  useChatSocket(client)

  let started = false
  const start = (): void => {
    if (started) return
    started = true
    void client.start()
  }
  // a returning guest (stored session) reconnects right away so unread counts work while closed
  if (options.immediate || storage?.getItem(storageKeys().session)) start()

  tryOnScopeDispose(() => client.stop())

  const { items, connection, typing, unread, isOpen, lastError } = storeToRefs(chat)
  return {
    items,
    connection,
    typing,
    unread,
    isOpen,
    lastError,
    open() {
      chat.setOpen(true)
      start()
    },
    close() {
      chat.setOpen(false)
    },
    send(text) {
      start()
      chat.setError(undefined)
      client.send(text)
    },
    retry: (id) => client.retry(id),
    setTyping: (active) => client.setTyping(active),
    reconnect: () => client.reconnect(),
    async endChat() {
      await client.endChat()
      chat.reset()
      started = false
    },
    client,
  }
}
