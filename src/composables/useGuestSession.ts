/**
 * @module composables/useGuestSession
 * The guest session as reactive state, kept in the `parley/session` store. The client reads and writes
 * it through the returned holder, so the store is the one place the token lives.
 */
import { storeToRefs } from 'pinia'
import type { Ref } from 'vue'
import type { SessionHolder } from '../client'
import type { GuestSession } from '../protocol'
import { useSessionStore } from '../stores/session'

export interface UseGuestSessionReturn {
  session: Ref<GuestSession | undefined>
  isActive: Readonly<Ref<boolean>>
  /** Hand this to `createChatClient({ session })`. */
  holder: SessionHolder
}

export function useGuestSession(): UseGuestSessionReturn {
  const store = useSessionStore()
  const { session, isActive } = storeToRefs(store)
  return {
    session,
    isActive,
    holder: { get: () => store.session, set: (s) => store.setSession(s) },
  }
}
