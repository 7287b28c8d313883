import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import type { MessageFrame, TranscriptEntry } from '../../../src/protocol'
import { createMemoryStore } from '../../stores/memory'
import type { ConversationRecord } from '../../stores/types'
import type { StructuredMessage } from './frames'
import { Inbound, type InboundDeps } from './inbound'
import type { PendingSend } from './send-queue'

const log = Fastify({ logger: false }).log
const at = '2026-01-01T00:00:00.000Z'
const conversation: ConversationRecord = {
  id: 'c1', guestId: 'g1', guestName: 'Ana', epoch: 'e1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
  humanJoined: false, upstreamOpened: true, createdAt: at, updatedAt: at,
}

async function inbound(overrides: Partial<InboundDeps> = {}) {
  const store = createMemoryStore()
  await store.createGuest({ guestId: 'g1', conversationId: 'c1', attributes: {}, createdAt: at, revoked: false }, conversation)
  const readOnly: number[] = []
  const box = new Inbound({
    store,
    conversationId: 'c1',
    log,
    reorderMs: 30,
    showAgentTyping: () => true,
    confirm: () => undefined,
    delivered: () => undefined,
    readOnly: async () => void readOnly.push(1),
    ...overrides,
  })
  const transcript = async (): Promise<TranscriptEntry[]> => (await store.readBefore('c1', undefined, 100)).entries
  return { store, box, readOnly, transcript }
}

const outbound = (id: string, text: string, time: string): StructuredMessage => ({
  id, type: 'Text', text, direction: 'Outbound', time, from: { name: 'Ada' }, originatingEntity: 'Human', content: [], events: [], metadata: {},
})
const texts = (entries: TranscriptEntry[]): string[] => entries.flatMap((e) => (e.type === 'message' ? [e.text] : []))
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('Inbound', () => {
  it('appends messages that overtook each other in channel.time order, each Genesys id once', async () => {
    const { box, transcript } = await inbound()
    box.push(outbound('g2', 'second', '2026-01-01T00:00:02.000Z'), undefined)
    box.push(outbound('g1', 'first', '2026-01-01T00:00:01.000Z'), undefined)
    await settle(80)
    await box.history([outbound('g1', 'first', '2026-01-01T00:00:01.000Z')])
    expect(texts(await transcript())).toEqual(['first', 'second'])
  })

  it('remembers the Genesys id of what it showed, for the answer\'s originatingMessageId', async () => {
    const { box, transcript } = await inbound()
    await box.history([outbound('g-offer', 'Yes or no?', at)])
    const shown = (await transcript()).find((e): e is MessageFrame => e.type === 'message')
    expect(box.genesysIdOf(shown?.id ?? '')).toBe('g-offer')
    expect(box.genesysIdOf('unknown')).toBeUndefined()
  })

  it('stores the guest\'s echo as its receipt and resolves the waiting send', async () => {
    const outcomes: unknown[] = []
    const pending: PendingSend = {
      clientMessageId: 'c-1',
      text: 'hello',
      author: { name: 'Ana' },
      order: 1,
      attempts: 1,
      uncertain: true,
      resolve: (o) => void outcomes.push(o),
      outcome: new Promise(() => undefined),
    }
    const { box, transcript } = await inbound({ confirm: (cmid) => (cmid === 'c-1' ? pending : undefined) })
    box.push({ id: 'g-echo', type: 'Text', text: 'hello', direction: 'Inbound', time: at, content: [], events: [], metadata: { customMessageId: 'c-1' } }, 'c-1')
    await settle(80)
    const stored = await transcript()
    expect(stored).toMatchObject([{ type: 'message', role: 'guest', text: 'hello', clientMessageId: 'c-1' }])
    expect(outcomes).toMatchObject([{ ok: true, duplicate: false }])
  })

  it('does not show a Presence Join (the auto-start acknowledgement); a read-only Disconnect ends it', async () => {
    const { box, transcript, readOnly } = await inbound()
    const event = (id: string, presence: string, metadata: Record<string, string> = {}): StructuredMessage => ({
      id, type: 'Event', direction: 'Outbound', time: at, content: [], events: [{ kind: 'Presence', presence }], metadata,
    })
    await box.history([event('j', 'Join'), event('d', 'Disconnect', { readOnly: 'true' })])
    expect((await transcript()).filter((e) => e.type === 'event')).toEqual([])
    expect(readOnly).toHaveLength(1)
  })
})
