/**
 * @module server/socket/batch-writes
 * Frames written to one socket during one turn of the event loop leave in one system call: the first write
 * corks the TCP socket and a `setImmediate` uncorks it once the turn's callbacks and promise jobs are done.
 * A guest's send is answered by an ack, the echoed message and a receipt, and a burst of sends by many of
 * each; unbatched, each frame was its own `writev`, half of the BFF's CPU time under load
 * (`PARLEY_BENCH_CPU_PROF`, docs/benchmarks.md).
 */
import type { Socket } from 'node:net'

/** Call before each write to `socket`; the writes until the end of this loop turn go out together. */
export function batchWrites(socket: Pick<Socket, 'cork' | 'uncork'>): () => void {
  let corked = false
  const flush = (): void => {
    corked = false
    socket.uncork()
  }
  return () => {
    if (corked) return
    corked = true
    socket.cork()
    setImmediate(flush)
  }
}
