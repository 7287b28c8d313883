/**
 * @module server/upstreams/desk/agent-writes
 * Transcript writes made by a signed-in agent. The entry's author is the account's name (and avatar), never text
 * the console sent, and the store marks the entry with the account's id before it is appended, so
 * whoever reads the entry (any node) can tell which agent wrote it.
 */
import type { EventKind, MessageFrame, RichContent } from '../../../src/protocol'
import { newId } from '../../conversations'
import type { AppendResult, ConversationStore } from '../../stores/types'
import { agentAuthor, type DeskAgent } from './agents'

export async function appendAgentMessage(
  store: ConversationStore,
  conversationId: string,
  agent: DeskAgent,
  message: { text: string } & Pick<RichContent, 'attachments' | 'quickReplies' | 'buttons' | 'cards'>,
  dedupKey: string,
): Promise<AppendResult> {
  const entry: Omit<MessageFrame, 'seq'> = {
    type: 'message',
    id: newId('m'),
    role: 'agent',
    author: agentAuthor(agent),
    sentAt: new Date().toISOString(),
    ...message,
  }
  await store.markAgentEntry(conversationId, entry.id, agent.id)
  return store.append(conversationId, entry, dedupKey)
}

/** `agent-joined` / `agent-left` name the agent to the guest; `conversation-ended` does not. */
export async function appendAgentEvent(store: ConversationStore, conversationId: string, agent: DeskAgent, kind: EventKind): Promise<AppendResult> {
  const entry = { type: 'event' as const, kind, id: newId('e'), at: new Date().toISOString() }
  await store.markAgentEntry(conversationId, entry.id, agent.id)
  return store.append(conversationId, kind === 'conversation-ended' ? entry : { ...entry, author: agentAuthor(agent) })
}
