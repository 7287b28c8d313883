/**
 * @module server/upstreams/desk/bot
 * The demo auto-responder: greets a new guest and answers every guest message until a human agent
 * replies, so one person trying Parley always gets an answer.
 */
import type { Author, MessageFrame, RichContent } from '../../../src/protocol'
import { appendMessage } from '../../conversations'
import type { ConversationStore } from '../../stores/types'

export const BOT_AUTHOR: Author = { name: 'Parley bot' }

export type BotMessage = { text: string } & Pick<RichContent, 'quickReplies' | 'cards'>

/** Answered by payload when chosen, by text when typed. */
const TRACK = { text: 'Track my order', payload: 'track-order' }
const PERSON = { text: 'Talk to a person', payload: 'talk-to-person' }

export const GREETING: BotMessage = {
  text: "Hi! I'm the **Parley demo bot**. Ask me anything, or pick one of these. A person can take over from the agent desk at any time.",
  quickReplies: [TRACK, PERSON],
}

/** The bot's answer to one guest message (or quick-reply payload). It quotes free text so a tester can match question and answer. */
export function botAnswer(text: string): BotMessage {
  const quoted = text.length > 200 ? `${text.slice(0, 200)}…` : text
  // the guest's widget shows the wait itself (waiting for a person): no echo of the request
  if (text === PERSON.payload || /\b(human|person|agent|someone)\b/i.test(text)) return { text: "I've asked the team to join. A person will join shortly." }
  if (text === TRACK.payload || /\btrack\b.*\border\b/i.test(text))
    return { text: 'Sure. Type your order number, for example `A-12345`.' }
  const order = /\b([A-Z]-\d{3,8})\b/.exec(text)?.[1]
  if (order)
    return {
      text: `Here is order **${order}**:`,
      cards: [
        {
          title: `Order ${order}`,
          description: 'Shipped. Expected delivery: in 2 working days.',
          actions: [
            { type: 'link', text: 'Open tracking page', url: `https://example.com/orders/${order}` },
            { type: 'postback', text: 'Talk to a person', payload: PERSON.payload },
          ],
        },
      ],
    }
  if (/^\s*(hi|hello|hey|hallo|bonjour|hola)\b/i.test(text)) return { text: 'Hello! How can I help you today?', quickReplies: [TRACK, PERSON] }
  return { text: `Thanks for your message. You said: "${quoted}"` }
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
      await appendMessage(store, conversationId, { role: 'bot', author: BOT_AUTHOR, ...GREETING }, 'bot:greeting')
    },
    answer(conversationId, text, guestSeq) {
      store.signal(conversationId, { type: 'typing', role: 'bot', active: true, author: BOT_AUTHOR })
      const timer = setTimeout(() => {
        timers.delete(timer)
        void (async () => {
          const c = await store.getConversation(conversationId)
          // a human took over (or the chat ended) while the bot was "typing"
          if (c && !c.humanJoined && c.status === 'open')
            await appendMessage(store, conversationId, { role: 'bot', author: BOT_AUTHOR, ...botAnswer(text) }, answerKey(guestSeq))
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
