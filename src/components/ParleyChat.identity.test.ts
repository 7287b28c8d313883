/**
 * The `identity-token` prop (issue 25): its token goes with the new guest session, a new token string signs
 * the visitor in (a refresh with the identity), and a function given later is only a fetcher.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, expect, it, vi } from 'vitest'
import ParleyChat, { type ParleyChatExposed } from './ParleyChat.vue'

afterEach(() => vi.unstubAllGlobals())

it('sends the prop\'s token with the new session, refreshes with a new token string, and only fetches with a function', async () => {
  const calls: { path: string; body: Record<string, unknown> }[] = []
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString()
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    const path = new URL(input).pathname
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {}
    calls.push({ path, body })
    const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } })
    if (path === '/api/guest-sessions')
      return json(201, { guestId: 'g1', conversationId: 'c1', guestToken: 'gt1', refreshToken: 'rt1', expiresAt: inAnHour, socketUrl: 'ws://127.0.0.1:9/api/socket' })
    if (path === '/api/guest-sessions/refresh') return json(200, { guestToken: 'gt2', refreshToken: 'rt2', expiresAt: inAnHour })
    if (path === '/api/availability') return json(200, { open: true, offlineMessages: false })
    return json(404, { code: 'not_found' })
  })
  // the socket never opens: this test is about the HTTP calls
  vi.stubGlobal('WebSocket', class { readyState = 0; send(): void {} close(): void {} })
  const w = mount(ParleyChat, { props: { bffUrl: 'http://127.0.0.1:9', persist: 'none', identityToken: 'first.identity.token' }, global: { plugins: [createPinia()] } })
  await (w.vm as unknown as ParleyChatExposed).open()
  await vi.waitFor(() => expect(calls.find((c) => c.path === '/api/guest-sessions')?.body).toMatchObject({ identityToken: 'first.identity.token' }))

  await w.setProps({ identityToken: 'second.identity.token' })
  await vi.waitFor(() => expect(calls.find((c) => c.path === '/api/guest-sessions/refresh')?.body).toEqual({ refreshToken: 'rt1', identityToken: 'second.identity.token' }))

  const fetcher = vi.fn(() => 'third.identity.token')
  await w.setProps({ identityToken: fetcher })
  await flushPromises()
  expect(fetcher).not.toHaveBeenCalled()
  expect(calls.filter((c) => c.path === '/api/guest-sessions/refresh')).toHaveLength(1)
  w.unmount()
})
