/**
 * QUALITY.md §4 F1 with the in-memory store: the BFF is killed with SIGKILL mid-conversation and started
 * again empty. The headless client must notice the lost conversation, say so, start a new one and resend
 * what was not yet in a transcript it had seen — once each, in order.
 */
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { createChatClient, type ChatClient } from '../../src/client'
import type { TranscriptEntry } from '../../src/protocol'
import { ORIGIN } from '../../server/test-support'
import { startBff, type BffProcess } from '../support/bff-process'
import { until } from '../support/until'

const PORT = 18291
const env = { PARLEY_ALLOWED_ORIGINS: ORIGIN, PARLEY_TOKEN_SECRET: 'kill-test-secret-at-least-32-bytes-long', PARLEY_HEARTBEAT_MS: '500' }

let bff: BffProcess | undefined
let client: ChatClient | undefined
afterEach(async () => {
  client?.stop()
  bff?.signal('SIGKILL')
  await bff?.exited
})


describe('BFF killed with SIGKILL (in-memory store)', () => {
  it('the client starts a new conversation, says so, and resends its outbox once, in order', async () => {
    bff = await startBff(PORT, env)
    const entries: TranscriptEntry[] = []
    const errors: string[] = []
    const conversations = new Set<string>()
    let unsettled = 0
    client = createChatClient({
      bffUrl: bff.url,
      WebSocket: (url, protocols) => new WebSocket(url, protocols, { origin: ORIGIN }),
      backoff: { baseMs: 100, capMs: 1000 },
    })
    client.on('entries', (e) => entries.push(...e))
    client.on('reset', () => (entries.length = 0))
    client.on('error', (e) => errors.push(e.code))
    client.on('session', (s) => s && conversations.add(s.conversationId))
    client.on('outbox', (items) => (unsettled = items.length))
    await client.start()
    client.send('before the crash')
    await until(() => entries.some((e) => e.type === 'message' && e.role === 'bot' && e.text.includes('before the crash')), 10_000)

    bff.signal('SIGKILL')
    await bff.exited
    client.send('during the outage 1')
    client.send('during the outage 2')
    bff = await startBff(PORT, env)

    await until(() => unsettled === 0 && conversations.size === 2, 20_000)
    expect(errors).toContain('session_lost')
    await until(() => entries.filter((e) => e.type === 'message' && e.role === 'bot').length >= 3, 10_000)
    const mine = entries.flatMap((e) => (e.type === 'message' && e.role === 'guest' ? [e.text] : []))
    expect(mine).toEqual(['during the outage 1', 'during the outage 2'])
  }, 60_000)
})
