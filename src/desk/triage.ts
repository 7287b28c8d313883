/**
 * @module desk/triage
 * The list's views. "Waiting for a person": open, a person asked for (or a message left offline) and nobody
 * joined. "Unassigned": open and no person on it (waiting ones included). "Bot": open, the bot answering and
 * nobody asked for a person.
 */
import type { ConversationSummary } from '../protocol'

export type ViewId = 'all' | 'waiting' | 'mine' | 'unassigned' | 'bot' | 'ended'

export const VIEWS: readonly { id: ViewId; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'waiting', label: 'Waiting for a person' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'bot', label: 'Bot' },
  { id: 'ended', label: 'Ended' },
]

export const waitsForPerson = (c: ConversationSummary): boolean => c.status === 'open' && !c.humanJoined && Boolean(c.wantsPerson || c.offline)

export function inView(view: ViewId, c: ConversationSummary, meId: string | undefined): boolean {
  const open = c.status === 'open'
  switch (view) {
    case 'all':
      return true
    case 'waiting':
      return waitsForPerson(c)
    case 'mine':
      return open && Boolean(c.humanJoined) && c.assignee?.id === meId
    case 'unassigned':
      return open && !c.humanJoined
    case 'bot':
      return open && !c.humanJoined && !waitsForPerson(c)
    case 'ended':
      return !open
  }
}
