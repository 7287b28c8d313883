/**
 * @module client/storage
 * Where a session and outbox survive a reload: `sessionStorage` by default in browsers, anything with
 * this shape elsewhere. Storage that throws (Safari private mode, quotas) degrades to memory.
 */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export function safeRead(storage: StorageLike | undefined, key: string): unknown {
  try {
    const raw = storage?.getItem(key)
    return raw ? (JSON.parse(raw) as unknown) : undefined
  } catch {
    return undefined
  }
}

export function safeWrite(storage: StorageLike | undefined, key: string, value: unknown): void {
  try {
    if (value === undefined) storage?.removeItem(key)
    else storage?.setItem(key, JSON.stringify(value))
  } catch {
    // full or forbidden storage: the data simply lives in memory only
  }
}

/** Storage that lives as long as the page (no persistence, or a tab mirroring another's state). */
export function memoryStorage(): StorageLike {
  const data = new Map<string, string>()
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) }
}
