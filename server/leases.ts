/**
 * @module server/leases
 * Which node runs a conversation's upstream side (the desk bot's answers, the Genesys socket). With one
 * node it is always this one; with Redis it is whoever holds the conversation's lease (redis/leases.ts).
 */

export interface Leases {
  /**
   * Hold the conversation's upstream on this node, taking it over from a node that lets go (asked to) or
   * died (its lease lapsed). False when it could not be had in time; the caller reports "try again".
   */
  acquire(conversationId: string): Promise<boolean>
  holds(conversationId: string): boolean
  /** Let go (the session went idle or ended). */
  release(conversationId: string): Promise<void>
  /** This node just took the conversation (it may have missed work the last holder left undone). */
  onAcquired(listener: (conversationId: string) => void): () => void
  /** This node lost the conversation (handed over, or its lease could not be renewed): stop its upstream side. */
  onLost(listener: (conversationId: string) => void): () => void
  close(): Promise<void>
}

/** One node: it holds everything. */
export function createLocalLeases(): Leases {
  const held = new Set<string>()
  const acquired = new Set<(conversationId: string) => void>()
  return {
    async acquire(conversationId) {
      if (!held.has(conversationId)) {
        held.add(conversationId)
        for (const l of acquired) l(conversationId)
      }
      return true
    },
    holds: (conversationId) => held.has(conversationId),
    async release(conversationId) {
      held.delete(conversationId)
    },
    onAcquired(listener) {
      acquired.add(listener)
      return () => acquired.delete(listener)
    },
    onLost: () => () => undefined,
    async close() {
      held.clear()
      acquired.clear()
    },
  }
}
