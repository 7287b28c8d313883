/**
 * The framework-free client against a real BFF on 127.0.0.1 (Node, `ws`): the `identityToken` option and
 * its fetch callback, `identify()` mid-conversation, `logout()` (nothing left in storage, a new anonymous
 * guest), and a second device of the same person seeing the history.
 */
import WebSocket from 'ws'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createChatClient, type ChatClient } from '../../src/client'
import type { StorageLike } from '../../src/client/storage'
import type { GuestSession, TranscriptEntry } from '../../src/protocol'
import { HS256_ENV, signIdentity } from '../../server/identity.test-helper'
import { ORIGIN, startTestApp, type TestApp } from '../../server/test-support'

let app: TestApp
const clients: ChatClient[] = []
beforeEach(async () => {
  app = await startTestApp({ ...HS256_ENV, PARLEY_DESK_BOT: 'off' })
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.stop()
  await app.app.close()
})

interface Device {
  client: ChatClient
  storage: StorageLike & { keys(): string[] }
  session(): GuestSession | undefined
  entries: TranscriptEntry[]
}

function device(identityToken?: Parameters<typeof createChatClient>[0]['identityToken']): Device {
  const backing = new Map<string, string>()
  const storage = {
    getItem: (k: string) => backing.get(k) ?? null,
    setItem: (k: string, v: string) => void backing.set(k, v),
    removeItem: (k: string) => void backing.delete(k),
    keys: () => [...backing.keys()],
  }
  const client = createChatClient({
    bffUrl: app.url,
    WebSocket: (url, protocols) => new WebSocket(url, protocols, { origin: ORIGIN }),
    storage,
    ...(identityToken ? { identityToken } : {}),
  })
  clients.push(client)
  let current: GuestSession | undefined
  const entries: TranscriptEntry[] = []
  client.on('session', (s) => (current = s))
  client.on('entries', (list) => entries.push(...list))
  client.on('reset', (list) => entries.splice(0, entries.length, ...list))
  return { client, storage, session: () => current, entries }
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const texts = (d: Device): string[] => d.entries.flatMap((e) => (e.type === 'message' ? [e.text] : []))

describe('the chat client with a host-signed identity', () => {
  it('asks its callback for a fresh token, and a second device of the same sub sees the history and every new message once', async () => {
    let asked = 0
    const fetchToken = async (): Promise<string> => {
      asked++
      return signIdentity({ sub: 'cust-1', name: 'Dee' })
    }
    const laptop = device(fetchToken)
    await laptop.client.start()
    await until(() => laptop.client.connection.status === 'open', 'the laptop to connect')
    laptop.client.send('hello from the laptop')
    await until(() => texts(laptop).includes('hello from the laptop'), 'the laptop message')
    expect(asked).toBe(1)
    expect((await app.store.getGuest(laptop.session()?.guestId ?? ''))?.verified?.sub).toBe('cust-1')

    const phone = device(fetchToken)
    await phone.client.start()
    await until(() => texts(phone).includes('hello from the laptop'), 'the history on the phone')
    expect(phone.session()?.conversationId).toBe(laptop.session()?.conversationId)
    phone.client.send('and from the phone')
    await until(() => texts(laptop).includes('and from the phone'), 'the phone message on the laptop')
    await until(() => texts(phone).includes('and from the phone'), 'the phone message on the phone')
    expect(texts(laptop)).toEqual(['hello from the laptop', 'and from the phone'])
    expect(texts(phone)).toEqual(['hello from the laptop', 'and from the phone'])
  })

  it('identify() upgrades the conversation under way in place', async () => {
    const d = device()
    await d.client.start()
    await until(() => d.client.connection.status === 'open', 'connect')
    const before = d.session()
    await d.client.identify(() => signIdentity({ sub: 'cust-2', email: 'cust2@shop.example' }))
    expect(d.session()?.conversationId).toBe(before?.conversationId)
    expect(d.session()?.refreshToken).not.toBe(before?.refreshToken)
    expect(await app.store.getGuest(before?.guestId ?? '')).toMatchObject({ email: 'cust2@shop.example', verified: { sub: 'cust-2' } })
  })

  it('identify() as another person on a verified device starts that person\'s own conversation', async () => {
    const d = device(await signIdentity({ sub: 'cust-3' }))
    await d.client.start()
    await until(() => d.client.connection.status === 'open', 'connect')
    const first = d.session()?.conversationId
    await d.client.identify(await signIdentity({ sub: 'cust-4' }))
    await until(() => d.session() !== undefined && d.session()?.conversationId !== first, 'a new conversation')
    expect((await app.store.getGuest(d.session()?.guestId ?? ''))?.verified?.sub).toBe('cust-4')
  })

  it('logout() leaves nothing of the conversation in storage and starts a new anonymous guest', async () => {
    const d = device(await signIdentity({ sub: 'cust-5' }))
    await d.client.start()
    await until(() => d.client.connection.status === 'open', 'connect')
    d.client.send('private words')
    await until(() => texts(d).includes('private words'), 'the message')
    const verified = d.session()
    expect(d.storage.keys().length).toBeGreaterThan(0)
    await d.client.logout()
    const stored = d.storage.keys().map((k) => d.storage.getItem(k) ?? '').join('\n')
    expect(stored).not.toContain(verified?.conversationId)
    expect(stored).not.toContain('private words')
    expect(stored).not.toContain(verified?.refreshToken)
    expect(texts(d)).toEqual([])
    await until(() => d.client.connection.status === 'open' && d.session() !== undefined, 'the new anonymous session')
    const fresh = d.session()
    expect(fresh?.conversationId).not.toBe(verified?.conversationId)
    expect((await app.store.getGuest(fresh?.guestId ?? ''))?.verified).toBeUndefined()
    // the old device token is dead at the BFF
    const old = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/refresh', payload: { refreshToken: verified?.refreshToken } })
    expect(old.statusCode).toBe(401)
  })
})
