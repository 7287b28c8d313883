/**
 * @module stores/session
 * `parley/session`: the guest's session as the BFF issued it. The guest token lives here (memory) and
 * is never logged. State only; the client does the IO.
 */
import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import type { GuestSession } from '../protocol'

export const useSessionStore = defineStore('parley/session', () => {
  const session = shallowRef<GuestSession | undefined>(undefined)
  const isActive = computed(() => session.value !== undefined)
  const guestId = computed(() => session.value?.guestId)

  function setSession(next: GuestSession | undefined): void {
    session.value = next
  }

  return { session, isActive, guestId, setSession }
})
