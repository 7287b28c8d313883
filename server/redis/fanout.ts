/**
 * @module server/redis/fanout
 * Turns at-most-once notifications (Redis pub/sub, plus this node's own appends) into an ordered,
 * gap-free sequence of entries per conversation — Centrifugo's "pub/sub + offsets + history" recipe.
 * A notification whose seq is past the next expected one means some were missed (a subscriber drop, a
 * node that appended and died): the gap is read from the stream first. Seen seqs are dropped.
 */
import type { TranscriptEntry } from '../../src/protocol'

/** Conversations with no traffic for this long are forgotten (the next notification starts afresh). */
const IDLE_MS = 60 * 60_000
/** A gap that cannot be read (Redis down) is retried this often before the entry is passed on anyway. */
const FILL_ATTEMPTS = 3

export interface OrderedFanout {
  /** An entry this node appended or was notified of; `entry` is read from the stream when absent. */
  deliver(conversationId: string, seq: number, entry?: TranscriptEntry): Promise<void>
  /** Start following a conversation a reader has seen up to `lastSeq` (no-op when already followed). */
  follow(conversationId: string, lastSeq: number): void
  /** After a subscriber drop: read whatever was appended since the last seen seq of every conversation. */
  refill(lastSeqOf: (conversationId: string) => Promise<number | undefined>): Promise<void>
  forget(conversationId: string): void
  close(): void
}

interface Track {
  last: number
  chain: Promise<void>
  touched: number
}

export function createOrderedFanout(deps: {
  /** Entries with afterSeq < seq ≤ upToSeq, ascending. */
  read(conversationId: string, afterSeq: number, upToSeq: number): Promise<TranscriptEntry[]>
  emit(conversationId: string, entry: TranscriptEntry): void
  onError(err: unknown, conversationId: string): void
}): OrderedFanout {
  const tracks = new Map<string, Track>()
  const sweep = setInterval(() => {
    const cutoff = Date.now() - IDLE_MS
    for (const [id, t] of tracks) if (t.touched < cutoff) tracks.delete(id)
  }, 60_000)
  sweep.unref()

  async function fill(conversationId: string, t: Track, upToSeq: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        for (const e of await deps.read(conversationId, t.last, upToSeq)) {
          if (e.seq <= t.last) continue
          t.last = e.seq
          deps.emit(conversationId, e)
        }
        return
      } catch (err) {
        if (attempt >= FILL_ATTEMPTS) return deps.onError(err, conversationId)
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
      }
    }
  }

  /** Queue work for one conversation behind whatever it is already doing, so emits stay in seq order. */
  function queued(conversationId: string, last: number, work: (t: Track) => Promise<void>): Promise<void> {
    let t = tracks.get(conversationId)
    if (!t) {
      t = { last, chain: Promise.resolve(), touched: Date.now() }
      tracks.set(conversationId, t)
    }
    const track = t
    track.touched = Date.now()
    track.chain = track.chain.then(() => work(track))
    return track.chain
  }

  return {
    deliver(conversationId, seq, entry) {
      return queued(conversationId, seq - 1, async (t) => {
        if (seq <= t.last) return
        if (seq > t.last + 1 || !entry) await fill(conversationId, t, seq)
        if (entry && seq > t.last) {
          t.last = seq
          deps.emit(conversationId, entry)
        }
      })
    },
    follow(conversationId, lastSeq) {
      const t = tracks.get(conversationId)
      if (t) t.touched = Date.now()
      else tracks.set(conversationId, { last: lastSeq, chain: Promise.resolve(), touched: Date.now() })
    },
    async refill(lastSeqOf) {
      await Promise.all(
        [...tracks.keys()].map(async (id) => {
          const lastSeq = await lastSeqOf(id).catch(() => undefined)
          if (lastSeq !== undefined) await queued(id, lastSeq, (t) => (lastSeq > t.last ? fill(id, t, lastSeq) : Promise.resolve()))
        }),
      )
    },
    forget(conversationId) {
      tracks.delete(conversationId)
    },
    close() {
      clearInterval(sweep)
      tracks.clear()
    },
  }
}
