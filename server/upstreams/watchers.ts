/**
 * @module server/upstreams/watchers
 * Counts the guest sockets this node has open per conversation and calls `onIdle` once a conversation
 * has had none for `idleMs` (an upstream then lets its side go: closes a socket, frees a lease).
 */
export interface Watchers {
  connected(conversationId: string): void
  disconnected(conversationId: string): void
  close(): void
}

export function createWatchers(idleMs: number, onIdle: (conversationId: string) => void): Watchers {
  const counts = new Map<string, number>()
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  return {
    connected(id) {
      counts.set(id, (counts.get(id) ?? 0) + 1)
      clearTimeout(timers.get(id))
      timers.delete(id)
    },
    disconnected(id) {
      const left = (counts.get(id) ?? 1) - 1
      if (left > 0) return void counts.set(id, left)
      counts.delete(id)
      clearTimeout(timers.get(id))
      const timer = setTimeout(() => {
        timers.delete(id)
        if (!counts.has(id)) onIdle(id)
      }, idleMs)
      timer.unref()
      timers.set(id, timer)
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
    },
  }
}
