/**
 * @module server/upload-gate
 * How many uploads may be in flight at once, per uploader (a guest, an agent) and on the node in total. A
 * slow upload holds memory (the body is buffered up to PARLEY_MAX_UPLOAD_BYTES) and a connection, so a few
 * clients trickling many uploads could hold a lot of both.
 */
export interface UploadGate {
  /** A place for one upload, with the function that gives it back (idempotent); undefined when full. */
  enter(key: string): (() => void) | undefined
  /** Uploads in flight now. */
  inFlight(): number
}

export function createUploadGate(options: { perKey: number; total: number }): UploadGate {
  const byKey = new Map<string, number>()
  let total = 0
  return {
    enter(key) {
      const mine = byKey.get(key) ?? 0
      if (mine >= options.perKey || total >= options.total) return undefined
      byKey.set(key, mine + 1)
      total++
      let done = false
      return () => {
        if (done) return
        done = true
        total--
        const left = (byKey.get(key) ?? 1) - 1
        if (left > 0) byKey.set(key, left)
        else byKey.delete(key)
      }
    },
    inFlight: () => total,
  }
}
