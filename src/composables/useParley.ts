/**
 * @module composables/useParley
 * Everything a chat UI needs, headless: creates the chat client, binds it to the stores, and returns
 * reactive state plus actions. `<ParleyChat>` is one UI on top of it; a host app can build its own.
 */
import { tryOnScopeDispose } from '@vueuse/core'
import { storeToRefs } from 'pinia'
import { computed, inject, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'
import { createBffClient, createSharedChatClient, storageKeys, type ChatClient, type IdentitySource, type StorageLike } from '../client'
import { safeRead, safeWrite } from '../client/storage'
import { PARLEY_OPTIONS, type ParleyOptions } from '../context'
import type { Availability, CreateGuestSessionBody, Draft, OfflineMessageBody } from '../protocol'
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
  /** Ask for a profile (a pre-chat form) before the first conversation starts. @default false */
  requireProfile?: boolean
  /** Who the visitor is, signed by your backend (docs/identity.md): a token or a function that fetches a fresh one. */
  identityToken?: IdentitySource
}

export interface UseParleyReturn {
  items: Readonly<Ref<ChatItem[]>>
  connection: Readonly<Ref<ConnectionView>>
  typing: Readonly<Ref<TypingView | undefined>>
  unread: Readonly<Ref<number>>
  isOpen: Readonly<Ref<boolean>>
  lastError: Readonly<Ref<{ code: string; message: string } | undefined>>
  /** The conversation is over (read-only); `startNew()` begins another. */
  ended: Readonly<Ref<boolean>>
  /** Seen up to here before the panel opened (the "new messages" divider). */
  newAfterSeq: Readonly<Ref<number | undefined>>
  /** Business hours and attachment limits, checked when the panel first opens. */
  availability: Readonly<Ref<Availability | undefined>>
  /** The panel was open when this tab last left the page mid-conversation (a reload): open it again. */
  wasOpen: boolean
  /** `requireProfile` and no conversation yet: show the pre-chat form and call `start(profile)`. */
  needsProfile: Readonly<Ref<boolean>>
  /** Start the conversation with this profile (from a pre-chat form). */
  start(profile?: CreateGuestSessionBody): void
  startNew(): Promise<void>
  rate(score: number, comment?: string): Promise<void>
  leaveOfflineMessage(body: OfflineMessageBody): Promise<void>
  loadOlder(): Promise<boolean>
  open(): void
  close(): void
  /** Send a message; `draft` carries uploaded files or the quick reply / button it answers. */
  send(text: string, draft?: Draft): void
  /** Upload a file for the next message (see `useUploads` for chips with progress and limits). */
  upload: ChatClient['upload']
  retry(clientMessageId: string): void
  setTyping(active: boolean): void
  reconnect(): void
  endChat(): Promise<void>
  /** The visitor signed in on your site: the conversation under way becomes theirs, verified. */
  identify(token: IdentitySource): Promise<void>
  /** End the verified session on this device: storage is cleared and a new anonymous guest starts. */
  logout(): Promise<void>
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
  const { holder, isActive } = useGuestSession()
  const storage = pickStorage(persist)
  const keys = storageKeys()
  const bff = createBffClient({ baseUrl: bffUrl })
  const client = createSharedChatClient({
    bffUrl,
    session: holder,
    ...(storage ? { storage } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.identityToken ? { identityToken: options.identityToken } : {}),
  })
  useChatSocket(client)

  let started = false
  const profileGiven = shallowRef(false)
  const start = (profile?: CreateGuestSessionBody): void => {
    if (profile) profileGiven.value = true
    if (started) return
    started = true
    void client.start(profile ? { profile } : undefined)
  }
  const hasConversation = (): boolean => isActive.value || Boolean(storage?.getItem(keys.session))
  // a returning guest (stored session) reconnects right away so unread counts work while closed
  if (options.immediate || storage?.getItem(keys.session)) start()
  const needsProfile = computed(() => Boolean(options.requireProfile) && !profileGiven.value && !isActive.value && !started)

  // what the guest has seen survives a reload, so old replies do not count as unread again (`persist:
  // 'none'` keeps it in the store only); plain reads and writes, as VueUse's useStorage weighed about 1 kB
  const seenKey = `${keys.session}:seen`
  const forgetSeen = (): void => safeWrite(storage, seenKey, undefined)
  watch(
    () => chat.conversationId,
    (id) => {
      const seen = safeRead(storage, seenKey)
      if (id && typeof seen === 'object' && seen !== null && 'conversationId' in seen && 'seq' in seen && seen.conversationId === id && typeof seen.seq === 'number' && Number.isSafeInteger(seen.seq))
        chat.restoreSeen(seen.seq)
    },
    { immediate: true },
  )
  watch(
    () => chat.seenSeq,
    (seq) => {
      if (!chat.conversationId) return
      safeWrite(storage, seenKey, { conversationId: chat.conversationId, seq })
      // the agent sees "Seen" once the guest has looked at the open panel
      const lastTheirs = chat.entries.findLast((e) => e.seq <= seq && e.type === 'message' && e.role !== 'guest')
      if (lastTheirs && chat.isOpen) client.markRead(lastTheirs.seq)
    },
  )

  // open or closed belongs to this tab (sessionStorage even where the session is kept in localStorage)
  const tab = storage && pickStorage('session')
  const openKey = `${keys.session}:open`
  const wasOpen = Boolean(storage?.getItem(keys.session)) && tab?.getItem(openKey) === '1'
  watch(
    () => chat.isOpen,
    (open) => safeWrite(tab, openKey, open ? 1 : undefined),
  )

  const availability = shallowRef<Availability | undefined>()
  async function checkAvailability(): Promise<void> {
    availability.value = await bff.availability().catch(() => ({ open: true, offlineMessages: false }))
  }

  tryOnScopeDispose(() => client.stop())

  const { items, connection, typing, unread, isOpen, lastError, ended, newAfterSeq } = storeToRefs(chat)
  return {
    items,
    connection,
    typing,
    unread,
    isOpen,
    lastError,
    ended,
    newAfterSeq,
    availability,
    needsProfile,
    wasOpen,
    start,
    async startNew() {
      chat.reset()
      await client.startNew()
    },
    // the client and bff objects are closures, not classes: their methods need no `this`
    rate: client.rate,
    leaveOfflineMessage: bff.leaveOfflineMessage,
    loadOlder: client.loadOlder,
    open() {
      chat.setOpen(true)
      if (hasConversation()) {
        // for the attachment limits: business hours do not stop a conversation under way
        if (!availability.value) void checkAvailability()
        return start()
      }
      // a first conversation starts only inside business hours, and after the pre-chat form if there is one
      void checkAvailability().then(() => {
        if (availability.value?.open && !needsProfile.value && chat.isOpen) start()
      })
    },
    close() {
      chat.setOpen(false)
    },
    send(text, draft) {
      if (!needsProfile.value) start()
      chat.setError(undefined)
      client.send(text, draft)
    },
    upload(file, onProgress) {
      if (!needsProfile.value) start()
      return client.upload(file, onProgress)
    },
    retry: client.retry,
    setTyping: client.setTyping,
    reconnect: client.reconnect,
    async endChat() {
      await client.endChat()
      chat.reset()
      started = false
      // the next conversation asks for the pre-chat details again
      profileGiven.value = false
      // "clear this device": the read mark goes with the conversation
      forgetSeen()
    },
    identify: (token) => client.identify(token),
    async logout() {
      chat.reset()
      forgetSeen()
      profileGiven.value = false
      await client.logout()
    },
    client,
  }
}
