/**
 * @module server/socket/dispatch
 * One store subscription for all guest sockets, routed by conversation and by guest: an event costs the
 * listeners of its own conversation, not one call per open socket on the node (10,000 idle guests would
 * otherwise turn every message into 10,000 filter calls).
 */
import type { ConversationStore, StoreEvent } from '../stores/types'

type Listener = (event: StoreEvent) => void

export interface Dispatch {
  /** Events of this conversation, and the revocation of this guest. Returns the unsubscribe. */
  watch(conversationId: string, guestId: string, listener: Listener): () => void
  close(): void
}

export function createDispatch(store: Pick<ConversationStore, 'subscribe'>): Dispatch {
  const byConversation = new Map<string, Set<Listener>>()
  const byGuest = new Map<string, Set<Listener>>()
  const add = (map: Map<string, Set<Listener>>, key: string, listener: Listener): void => {
    const set = map.get(key)
    if (set) set.add(listener)
    else map.set(key, new Set([listener]))
  }
  const remove = (map: Map<string, Set<Listener>>, key: string, listener: Listener): void => {
    const set = map.get(key)
    if (!set) return
    set.delete(listener)
    if (set.size === 0) map.delete(key)
  }
  const deliver = (set: Set<Listener> | undefined, event: StoreEvent): void => {
    if (set) for (const listener of [...set]) listener(event)
  }
  const unsubscribe = store.subscribe((event) => {
    switch (event.type) {
      case 'entry':
      case 'signal':
        return deliver(byConversation.get(event.conversationId), event)
      case 'conversation':
        return deliver(byConversation.get(event.conversation.id), event)
      case 'revoked':
        return deliver(byGuest.get(event.guestId), event)
    }
  })
  return {
    watch(conversationId, guestId, listener) {
      add(byConversation, conversationId, listener)
      add(byGuest, guestId, listener)
      return () => {
        remove(byConversation, conversationId, listener)
        remove(byGuest, guestId, listener)
      }
    },
    close: unsubscribe,
  }
}
