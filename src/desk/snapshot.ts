/**
 * @module desk/snapshot
 * The desk's first list of conversations is read while live updates already flow on the same socket, so a
 * row that changed (or appeared) after the read began can arrive before the list does. The list must not
 * undo those: a row seen live since the socket opened wins when it is newer, and one the list lacks stays.
 */
import type { ConversationSummary } from '../protocol/desk'

/** The list to show: `snapshot` with the rows seen live since it was asked for, newest first. */
export function mergeSnapshot(snapshot: readonly ConversationSummary[], live: ReadonlyMap<string, ConversationSummary>): ConversationSummary[] {
  const rows = new Map(snapshot.map((c) => [c.id, c]))
  for (const [id, row] of live) {
    const listed = rows.get(id)
    if (!listed || listed.updatedAt <= row.updatedAt) rows.set(id, row)
  }
  return [...rows.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
}
