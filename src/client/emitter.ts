/**
 * @module client/emitter
 * A typed event emitter in a dozen lines; listeners that throw do not stop the others.
 */
export type Listener<T> = (payload: T) => void

export interface Emitter<Events extends object> {
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void
  emit<K extends keyof Events>(event: K, payload: Events[K]): void
  clear(): void
}

export function createEmitter<Events extends object>(onListenerError?: (err: unknown) => void): Emitter<Events> {
  const map = new Map<keyof Events, Set<Listener<never>>>()
  return {
    on(event, listener) {
      let set = map.get(event)
      if (!set) map.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
    emit(event, payload) {
      for (const listener of map.get(event) ?? []) {
        try {
          ;(listener as Listener<typeof payload>)(payload)
        } catch (err) {
          onListenerError?.(err)
        }
      }
    },
    clear: () => map.clear(),
  }
}
