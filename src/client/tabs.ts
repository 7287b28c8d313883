/**
 * @module client/tabs
 * What tabs of one browser need to share one socket: a lock that exactly one tab holds (Web Locks; the
 * browser releases it when the tab closes or crashes) and a channel between them (BroadcastChannel).
 * Both are injected so tests and other runtimes can supply their own.
 */

/** The part of `navigator.locks` Parley uses. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => unknown): Promise<unknown>
}

/** The part of `BroadcastChannel` Parley uses. */
export interface ChannelLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  close(): void
}

export interface TabEnv {
  locks: LockManagerLike
  channel(name: string): ChannelLike
}

/** The browser's Web Locks and BroadcastChannel, or undefined where either is missing (each tab then leads alone). */
export function browserTabEnv(): TabEnv | undefined {
  const nav: { locks?: LockManagerLike } | undefined = typeof navigator === 'undefined' ? undefined : navigator
  const locks = nav?.locks
  if (!locks || typeof BroadcastChannel === 'undefined') return undefined
  return { locks, channel: (name) => new BroadcastChannel(name) }
}

/**
 * Take the lock `name` and hold it until `release` aborts. With `ifAvailable`, resolves false at once when
 * another tab holds it; otherwise waits in line and resolves true when it is this tab's turn (or false
 * when `release` aborted the wait).
 */
export function holdLock(locks: LockManagerLike, name: string, ifAvailable: boolean, release: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (release.aborted) return resolve(false)
    // the spec refuses `signal` together with `ifAvailable`; an immediate answer needs no abort anyway
    const options = ifAvailable ? { ifAvailable: true } : { signal: release }
    locks
      .request(name, options, (lock) => {
        if (!lock || release.aborted) return resolve(false)
        resolve(true)
        return new Promise<void>((done) => release.addEventListener('abort', () => done(), { once: true }))
      })
      .catch(() => resolve(false))
  })
}
