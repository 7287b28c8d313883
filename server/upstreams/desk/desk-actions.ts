/**
 * @module server/upstreams/desk/desk-actions
 * What an agent does to a conversation from the desk: reply, take it, hand it to a colleague, leave it to
 * the bot, end it. Each change the guest should know of is a transcript event under the account's name
 * (`agent-joined`, `agent-left`, `conversation-ended`); who handles it is the conversation's `assignedTo`.
 */
import { countChars, hasContent, normalizeText, type DeskClientFrame } from '../../../src/protocol'
import type { Config } from '../../config'
import { advanceReceipt } from '../../conversations'
import type { FileVault } from '../../files'
import type { ConversationRecord, ConversationStore } from '../../stores/types'
import { BOOTSTRAP_AGENT_ID, deskAgentOf, type DeskAgent } from './agents'
import { appendAgentEvent, appendAgentMessage } from './agent-writes'

type Action = Exclude<DeskClientFrame, { type: 'ping' } | { type: 'open' } | { type: 'typing' }>

export interface DeskActionDeps {
  config: Config
  store: ConversationStore
  files: FileVault
}

/** Does what the frame asks; a string is the reason it could not, for the agent. */
export async function act(deps: DeskActionDeps, agent: DeskAgent, c: ConversationRecord, frame: Action): Promise<string | undefined> {
  const { store } = deps
  switch (frame.type) {
    case 'end':
      if (c.status === 'ended') return undefined
      await store.updateConversation(c.id, { status: 'ended' })
      await appendAgentEvent(store, c.id, agent, 'conversation-ended')
      return undefined
    case 'leave':
      if (!c.humanJoined) return undefined
      // the bot answers again from here on
      await store.updateConversation(c.id, { humanJoined: false })
      await appendAgentEvent(store, c.id, agent, 'agent-left')
      return undefined
    case 'take':
      return assign(deps, c, agent)
    case 'transfer': {
      const to = await colleague(deps, frame.agentId)
      if (!to) return 'That colleague has no desk account (or it was revoked).'
      return assign(deps, c, to)
    }
    case 'reply':
      return reply(deps, agent, c, frame)
  }
}

/** The account a transfer goes to: the bootstrap admin or a live account. */
async function colleague(deps: DeskActionDeps, agentId: string): Promise<DeskAgent | undefined> {
  if (agentId === BOOTSTRAP_AGENT_ID) return { id: BOOTSTRAP_AGENT_ID, name: deps.config.deskAdminName, role: 'admin' }
  const a = await deps.store.getAgent(agentId)
  return a && !a.revokedAt ? deskAgentOf(a) : undefined
}

/** `to` handles it from now on; the guest sees the one handling it before leave and `to` join. */
async function assign(deps: DeskActionDeps, c: ConversationRecord, to: DeskAgent): Promise<string | undefined> {
  const { store } = deps
  if (c.status === 'ended') return 'This conversation has ended.'
  if (c.offline) return 'This message was left offline: answer it by e-mail.'
  if (c.humanJoined && c.assignedTo === to.id) return undefined
  const before = c.humanJoined && c.assignedTo ? await colleague(deps, c.assignedTo) : undefined
  await store.updateConversation(c.id, { humanJoined: true, assignedTo: to.id })
  if (before) await appendAgentEvent(store, c.id, before, 'agent-left')
  await appendAgentEvent(store, c.id, to, 'agent-joined')
  return undefined
}

async function reply(deps: DeskActionDeps, agent: DeskAgent, c: ConversationRecord, frame: Extract<Action, { type: 'reply' }>): Promise<string | undefined> {
  const { config, store, files } = deps
  const text = normalizeText(frame.text)
  const { attachmentIds, quickReplies, buttons, cards } = frame
  const attachments = attachmentIds && (await files.resolve(c.id, attachmentIds))
  if (attachmentIds && !attachments) return 'An attachment is unknown; upload it again.'
  if (!hasContent(text) && !attachments && !cards) return 'The reply is empty.'
  if (countChars(text) > config.limits.maxMessageChars) return `Replies are limited to ${config.limits.maxMessageChars} characters.`
  if (c.status === 'ended') return 'This conversation has ended.'
  if (!c.humanJoined) {
    await store.updateConversation(c.id, { humanJoined: true, assignedTo: agent.id })
    await appendAgentEvent(store, c.id, agent, 'agent-joined')
  } else if (!c.assignedTo) await store.updateConversation(c.id, { assignedTo: agent.id })
  const rich = { ...(attachments ? { attachments } : {}), ...(quickReplies ? { quickReplies } : {}), ...(buttons ? { buttons } : {}), ...(cards ? { cards } : {}) }
  await appendAgentMessage(store, c.id, agent, { text, ...rich }, `agent:${frame.clientMessageId}`)
  const after = await store.getConversation(c.id)
  if (after) await advanceReceipt(store, c.id, 'deskReadSeq', after.lastSeq)
  return undefined
}
