/**
 * Genesys authenticated messaging end to end (issue 25): a real OpenID Connect provider on 127.0.0.1
 * issues an authorization code (with PKCE) for a test user; the site hands it to the BFF, which exchanges
 * it at the simulator (which redeems it at the provider), configures the session with
 * `configureAuthenticatedSession`, refreshes the JWT when Genesys answers 401, and revokes it on logout,
 * after which Genesys' LogoutEvent ends the conversation. The Genesys JWT and refresh token never reach
 * the browser.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HS256_ENV, signIdentity } from '../../server/identity.test-helper'
import { openGuestSocket, ORIGIN, type CreatedGuest, type TestApp } from '../../server/test-support'
import { startGenesysApp, startSimulator, stopStarted, until } from './harness'
import { signInAtIdp, startIdp, type TestIdp } from './oidc'
import type { GenesysSimulator } from './simulator'

let idp: TestIdp
beforeEach(async () => {
  idp = await startIdp()
})
afterEach(async () => {
  await stopStarted()
  await idp.close()
})

async function signedInGuest(sim: GenesysSimulator, app: TestApp, user: string): Promise<{ guest: CreatedGuest; raw: string }> {
  const genesysLogin = await signInAtIdp(idp, user)
  const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: { genesysLogin }, headers: { origin: ORIGIN } })
  expect(res.statusCode).toBe(201)
  expect(sim.auth.calls).toContain('exchange')
  return { guest: res.json<CreatedGuest>(), raw: res.body }
}

describe('Genesys authenticated messaging', () => {
  it('exchanges the code, configures an authenticated session, and keeps the JWT on the server', async () => {
    const sim = await startSimulator({ identityProvider: idp })
    const app = await startGenesysApp(sim)
    const { guest, raw } = await signedInGuest(sim, app, 'user-42')
    const [jwt] = [...sim.auth.jwts.keys()]
    expect(jwt).toBeTruthy()
    expect(raw).not.toContain(jwt)
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'm1', text: 'hello, signed in' })
    await socket.next('ack')
    const configure = sim.requests.find((r) => r.action === 'configureAuthenticatedSession')
    expect(configure?.frame).toMatchObject({ action: 'configureAuthenticatedSession', deploymentId: sim.options.deployment.id, data: { code: jwt } })
    expect(sim.requests.some((r) => r.action === 'configureSession')).toBe(false)
    expect([...sim.auth.jwts.values()][0]?.sub).toBe('user-42')
    const history = await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: { authorization: `Bearer ${guest.guestToken}` } })
    expect(history.body).not.toContain(String(jwt))
    socket.close()
  })

  it('refreshes an expired JWT when Genesys answers 401, and configures again', async () => {
    const sim = await startSimulator({ identityProvider: idp })
    const app = await startGenesysApp(sim)
    const { guest } = await signedInGuest(sim, app, 'user-7')
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'a', text: 'first' })
    await socket.next('ack')
    sim.auth.expireAll()
    sim.drop()
    socket.send({ type: 'send', clientMessageId: 'b', text: 'after the drop' })
    await socket.next('ack', (f) => f.clientMessageId === 'b', 10_000)
    expect(sim.auth.calls).toContain('refresh')
    const configures = sim.requests.filter((r) => r.action === 'configureAuthenticatedSession').map((r) => (r.frame.data as { code: string }).code)
    expect(new Set(configures).size).toBe(2)
    socket.close()
  })

  it('logout revokes the JWT; Genesys\' LogoutEvent ends the conversation', async () => {
    const sim = await startSimulator({ identityProvider: idp })
    const app = await startGenesysApp(sim)
    const { guest } = await signedInGuest(sim, app, 'user-9')
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'a', text: 'bye soon' })
    await socket.next('ack')
    const out = await app.app.inject({ method: 'POST', url: '/api/guest-sessions/logout', payload: { refreshToken: guest.refreshToken }, headers: { origin: ORIGIN } })
    expect(out.statusCode).toBe(204)
    expect(sim.auth.calls).toContain('revoke')
    await until(async () => (await app.store.getConversation(guest.conversationId))?.status === 'ended', 5000, 'the conversation to end')
    expect([...sim.auth.jwts.values()].every((j) => j.revoked)).toBe(true)
    socket.close()
  })

  it('refuses a code the provider does not know: 401, no guest, nothing configured', async () => {
    const sim = await startSimulator({ identityProvider: idp })
    const app = await startGenesysApp(sim)
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/guest-sessions',
      payload: { genesysLogin: { code: 'made-up', redirectUri: 'https://shop.example/signed-in', codeVerifier: 'x'.repeat(43) } },
      headers: { origin: ORIGIN },
    })
    expect(res.statusCode).toBe(401)
    expect(await app.store.listConversations()).toEqual([])
    expect(sim.requests).toEqual([])
  })
})

describe('a host-verified guest on Genesys', () => {
  it('sends the verified name and e-mail as custom attributes, whatever attributes the page set', async () => {
    const sim = await startSimulator()
    const app = await startGenesysApp(sim, HS256_ENV)
    const identityToken = await signIdentity({ sub: 'cust-1', name: 'Ada Lovelace', email: 'ada@shop.example' })
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/guest-sessions',
      payload: { identityToken, attributes: { name: 'Mallory', email: 'mallory@evil.example', plan: 'gold' } },
      headers: { origin: ORIGIN },
    })
    expect(res.statusCode).toBe(201)
    const socket = await openGuestSocket(app, res.json<CreatedGuest>())
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'v1', text: 'hello' })
    await socket.next('ack')
    const sent = sim.requests.find((r) => r.action === 'onMessage')?.frame as { message: { channel?: { metadata?: { customAttributes?: Record<string, string> } } } } | undefined
    expect(sent?.message.channel?.metadata?.customAttributes).toMatchObject({ name: 'Ada Lovelace', email: 'ada@shop.example', plan: 'gold' })
    socket.close()
  })
})

describe('signed in elsewhere', () => {
  it('after the vendor\'s ConnectionClosedEvent "signedIn" the BFF does not reconnect blindly, and comes back authenticated when the guest writes', async () => {
    const sim = await startSimulator({ identityProvider: idp })
    const app = await startGenesysApp(sim)
    const { guest } = await signedInGuest(sim, app, 'user-3')
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'a', text: 'one' })
    await socket.next('ack')
    const token = sim.only().token
    const opened = sim.connectionsOpened
    sim.pushFrame(token, JSON.parse(readFileSync(new URL('fixtures/wm-connection-closed-event-signed-in.json', import.meta.url), 'utf8')) as object)
    await until(() => sim.openConnections(token) === 0, 5000, 'the BFF to close its connection')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(sim.connectionsOpened).toBe(opened)
    socket.send({ type: 'send', clientMessageId: 'b', text: 'two' })
    await socket.next('ack', (f) => f.clientMessageId === 'b')
    expect(sim.requests.filter((r) => r.action === 'configureAuthenticatedSession')).toHaveLength(2)
    socket.close()
  })
})

describe('authentication errors', () => {
  it.each([
    ['a 403 "Session authentication failed" on configure', (sim: GenesysSimulator) => void (sim.refuseConfigure = { times: 5, code: 403, body: 'Session authentication failed' })],
    ['a JWT that cannot be refreshed', (sim: GenesysSimulator) => {
      sim.auth.expireAll()
      sim.auth.refuseRefresh = true
    }],
  ])('%s: the guest is told to sign in again, and nothing retries blindly', async (_name, breakIt) => {
    const sim = await startSimulator({ identityProvider: idp })
    const app = await startGenesysApp(sim)
    const { guest } = await signedInGuest(sim, app, 'user-5')
    breakIt(sim)
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'x', text: 'anyone?' })
    const error = await socket.next('error', (f) => f.clientMessageId === 'x', 10_000)
    expect(error).toMatchObject({ code: 'upstream_error', message: 'Your sign-in has expired; sign in again to go on.' })
    const configures = sim.requests.filter((r) => r.action === 'configureAuthenticatedSession').length
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(sim.requests.filter((r) => r.action === 'configureAuthenticatedSession').length).toBe(configures)
    socket.close()
  })
})
