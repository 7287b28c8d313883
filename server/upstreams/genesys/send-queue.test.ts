import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import type { MessageFrame } from '../../../src/protocol'
import type { Answer } from './link'
import { SendQueue, type PendingSend, type QueueDeps } from './send-queue'

const log = Fastify({ logger: false }).log
const author = { name: 'Ana' }
const entry = (text: string): MessageFrame => ({ type: 'message', seq: 1, id: `m-${text}`, role: 'guest', text, sentAt: '2026-01-01T00:00:00.000Z' })

/** A queue whose transmissions the test answers one by one. */
function queue(overrides: Partial<QueueDeps> = {}) {
  const sent: { item: PendingSend; attributes: unknown; answer: (a: Answer) => void }[] = []
  const calls = { expired: 0, readOnly: 0, noAnswer: 0 }
  const q = new SendQueue({
    intervalMs: 0,
    canSend: () => true,
    transmit: (item, attributes) => new Promise((answer) => sent.push({ item, attributes, answer })),
    attributes: async () => ({ plan: 'gold' }),
    expired: () => calls.expired++,
    readOnly: () => calls.readOnly++,
    noAnswer: () => calls.noAnswer++,
    log,
    ...overrides,
  })
  return { q, sent, calls }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5))
const refused = (code: number, retryAfterMs?: number): Answer => ({ ok: false, refused: retryAfterMs === undefined ? { code, message: 'no' } : { code, message: 'no', retryAfterMs } })

describe('SendQueue', () => {
  it('sends one message at a time, in the guest\'s order, with the attributes on the first only', async () => {
    const { q, sent } = queue()
    q.add({ clientMessageId: 'a', text: 'first', author })
    q.add({ clientMessageId: 'b', text: 'second', author })
    await tick()
    expect(sent.map((s) => s.item.clientMessageId)).toEqual(['a'])
    expect(sent[0]?.attributes).toEqual({ plan: 'gold' })
    sent[0]?.answer({ ok: true, frame: { class: 'SessionExpiredEvent' } })
    q.confirm('a', 'first')?.resolve({ ok: true, entry: entry('first'), duplicate: false })
    q.pump()
    await tick()
    expect(sent.map((s) => s.item.clientMessageId)).toEqual(['a', 'b'])
    expect(sent[1]?.attributes).toBeUndefined()
  })

  it('fails a message Genesys can never take, and goes on with the next', async () => {
    const { q, sent } = queue()
    const a = q.add({ clientMessageId: 'a', text: 'too long', author })
    q.add({ clientMessageId: 'b', text: 'fine', author })
    await tick()
    sent[0]?.answer(refused(4011))
    expect(await a.outcome).toMatchObject({ ok: false, code: 'message_too_long' })
    await tick()
    expect(sent.map((s) => s.item.clientMessageId)).toEqual(['a', 'b'])
  })

  it('after a 429 sends the same message again first, without counting the attempt', async () => {
    const { q, sent } = queue()
    q.add({ clientMessageId: 'a', text: 'one', author })
    q.add({ clientMessageId: 'b', text: 'two', author })
    await tick()
    sent[0]?.answer(refused(429, 20))
    // Genesys' retryAfter is honoured, at least a second
    for (let i = 0; i < 400 && sent.length < 2; i++) await tick()
    expect(sent.map((s) => s.item.clientMessageId)).toEqual(['a', 'a'])
    expect(sent[1]?.item.attempts).toBe(1)
  })

  it('on 4013 sends again at once without the attributes, and never sends them again', async () => {
    const { q, sent } = queue()
    q.add({ clientMessageId: 'a', text: 'one', author })
    await tick()
    sent[0]?.answer(refused(4013))
    await tick()
    expect(sent.map((s) => [s.item.clientMessageId, s.attributes])).toEqual([
      ['a', { plan: 'gold' }],
      ['a', undefined],
    ])
    q.newSession()
    expect(await q.takeAttributes()).toBeUndefined()
  })

  it('on an expired session holds everything until resumed, then sends the same message', async () => {
    const { q, sent, calls } = queue()
    q.add({ clientMessageId: 'a', text: 'one', author })
    await tick()
    sent[0]?.answer(refused(4006))
    await tick()
    expect(calls.expired).toBe(1)
    expect(sent).toHaveLength(1)
    q.resume()
    await tick()
    expect(sent.map((s) => s.item.clientMessageId)).toEqual(['a', 'a'])
  })

  it('reports read-only on 409 and a presumed-dead link when no answer comes', async () => {
    const { q, sent, calls } = queue()
    const a = q.add({ clientMessageId: 'a', text: 'one', author })
    await tick()
    sent[0]?.answer(refused(409))
    expect(await a.outcome).toMatchObject({ ok: false, code: 'conversation_ended' })
    expect(calls.readOnly).toBe(1)
    q.add({ clientMessageId: 'b', text: 'two', author })
    await tick()
    sent[1]?.answer({ ok: false, lost: 'timeout' })
    await tick()
    expect(calls.noAnswer).toBe(1)
  })

  it('puts the message in flight back in its place after a drop, to be confirmed from history', async () => {
    const { q, sent } = queue({ canSend: () => false })
    q.add({ clientMessageId: 'a', text: 'one', author })
    await tick()
    expect(sent).toHaveLength(0)
    const live = queue()
    live.q.add({ clientMessageId: 'a', text: 'one', author })
    live.q.add({ clientMessageId: 'b', text: 'two', author })
    await tick()
    live.q.requeueInFlight()
    // confirmed by its text when the history entry carries no id
    expect(live.q.confirm(undefined, 'one')?.clientMessageId).toBe('a')
    expect(live.q.find('b')?.clientMessageId).toBe('b')
  })
})
