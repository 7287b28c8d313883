/**
 * @module server/upstreams/desk/presence
 * Who of the team is signed in at the desk, counted by open desk sockets, and the team list every desk
 * shows (for "also online" and transfers). Counted per node: with several nodes, each desk sees the
 * agents signed in through its own node.
 */
import type { DeskColleague } from '../../../src/protocol'
import type { ConversationStore } from '../../stores/types'
import { BOOTSTRAP_AGENT_ID, type DeskAgent } from './agents'

export interface Presence {
  /** An agent's socket opened; returns what to call when it closes. */
  join(agent: DeskAgent): () => void
  /** Told of every change, with the whole team. */
  onChange(listener: (team: DeskColleague[]) => void): () => void
  team(): Promise<DeskColleague[]>
}

export function createPresence(store: ConversationStore, bootstrapName: string): Presence {
  const sockets = new Map<string, number>()
  const listeners = new Set<(team: DeskColleague[]) => void>()

  async function team(): Promise<DeskColleague[]> {
    const accounts = (await store.listAgents()).filter((a) => !a.revokedAt).sort((a, b) => a.name.localeCompare(b.name))
    return [{ id: BOOTSTRAP_AGENT_ID, name: bootstrapName }, ...accounts].map((a) => ({ id: a.id, name: a.name, online: (sockets.get(a.id) ?? 0) > 0 }))
  }
  function changed(): void {
    if (!listeners.size) return
    void team().then((t) => {
      for (const l of listeners) l(t)
    }, () => undefined)
  }

  return {
    join(agent) {
      sockets.set(agent.id, (sockets.get(agent.id) ?? 0) + 1)
      changed()
      let left = false
      return () => {
        if (left) return
        left = true
        const n = (sockets.get(agent.id) ?? 1) - 1
        if (n > 0) sockets.set(agent.id, n)
        else sockets.delete(agent.id)
        changed()
      }
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    team,
  }
}
