/**
 * @module server/upstreams/desk/bot
 * The demo auto-responder: greets a new guest and answers every guest message until a human agent
 * replies, so one person trying Parley always gets an answer.
 */
import type { Author, MessageFrame } from '../../../src/protocol'
import { appendMessage } from '../../conversations'
import type { ConversationStore } from '../../stores/types'

export const BOT_AUTHOR: Author = { name: 'Parley bot' }

export const GREETING =
  "Hi! I'm the Parley demo bot. Ask me anything. A person can take over from the agent desk at any time."

/** The bot's answer to one guest message. It quotes the message so a tester can match question and answer. */
export function botAnswer(text: string): string {
  const quoted = text.length > 200 ? `${text.slice(0, 200)}…` : text
  if (/\b(human|person|agent|someone)\b/i.test(text))
    return `I've asked the team to join. Meanwhile, you said: "${quoted}"`
  if (/^\s*(hi|hello|hey|hallo|bonjour|hola)\b/i.test(text)) return 'Hello! How can I help you today?'
  return `Thanks for your message. You said: "${quoted}"`
}

export interface DeskBot {
  greet(conversationId: string): Promise<void>
  answer(conversationId: string, text: string, guestSeq: number): void
  stop(): void
}

export function createDeskBot(
  store: ConversationStore,
  options: { replyDelayMs?: number; onError?: (err: unknown) => void } = {},
): DeskBot {
  const { replyDelayMs = 400, onError = () => undefined } = options
  const timers = new Set<NodeJS.Timeout>()

  return {
    async greet(conversationId) {
      await appendMessage(store, conversationId, { role: 'bot', author: BOT_AUTHOR, text: GREETING }, 'bot:greeting')
    },
    answer(conversationId, text, guestSeq) {
      store.signal(conversationId, { type: 'typing', role: 'bot', active: true, author: BOT_AUTHOR })
      const timer = setTimeout(() => {
        timers.delete(timer)
        void (async () => {
          const c = await store.getConversation(conversationId)
          // a human took over (or the chat ended) while the bot was "typing"
          if (c && !c.humanJoined && c.status === 'open')
            await appendMessage(store, conversationId, { role: 'bot', author: BOT_AUTHOR, text: botAnswer(text) }, answerKey(guestSeq))
          store.signal(conversationId, { type: 'typing', role: 'bot', active: false, author: BOT_AUTHOR })
        })().catch(onError)
      }, replyDelayMs)
      timers.add(timer)
    },
    stop() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
  }
}

/** How far back a node that takes a conversation over looks for guest messages nobody answered. */
const CATCH_UP_ENTRIES = 20

/** Recent guest messages with no bot answer: what a holder that died between acking and answering left undone. */
export async function unansweredGuestMessages(store: ConversationStore, conversationId: string): Promise<MessageFrame[]> {
  const { entries } = await store.readBefore(conversationId, undefined, CATCH_UP_ENTRIES)
  const out: MessageFrame[] = []
  for (const e of entries) {
    if (e.type === 'message' && e.role === 'guest' && !(await store.findByKey(conversationId, answerKey(e.seq)))) out.push(e)
  }
  return out
}

/** The dedup key of the bot's answer to the guest message with this seq: one answer per message, whichever node writes it. */
export const answerKey = (guestSeq: number): string => `bot:${guestSeq}`
