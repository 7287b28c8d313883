/**
 * The guest handshake done right (PROTOCOL.md §3.1–3.4, §5): the BFF invents the session token, keeps
 * it, connects with the deployment's allowed Origin and no credentials, and never shows the token to the browser.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createGuest, ORIGIN, openGuestSocket, type TestApp } from '../../server/test-support'
import { DeploymentError } from '../../server/upstreams/genesys/deployment'
import { GENESYS_ORIGIN, genesysEnv, startGenesysApp, startSimulator, until, stopStarted } from './harness'
import type { GenesysSimulator } from './simulator'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

let sim: GenesysSimulator | undefined
let app: TestApp | undefined
afterEach(stopStarted)

describe('Genesys handshake', () => {
  it('configures a session with a UUID v4 token the browser never sees', async () => {
    sim = await startSimulator()
    app = await startGenesysApp(sim)
    const created = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: {}, headers: { origin: ORIGIN } })
    const guest = created.json<{ guestId: string; conversationId: string; guestToken: string; refreshToken: string }>()
    const socket = await openGuestSocket(app, guest)
    const ready = await socket.next('ready')
    await until(() => sim?.requests.some((r) => r.action === 'configureSession') === true, 5000, 'configureSession')

    const configure = sim.requests.find((r) => r.action === 'configureSession')
    const token = String(configure?.frame.token)
    expect(token).toMatch(UUID_V4)
    expect(configure?.frame.deploymentId).toBe(sim.options.deployment.id)
    expect(configure?.frame.startNew).toBe(false)
    expect(configure?.origin).toBe(GENESYS_ORIGIN)
    // no admin or client-credentials token anywhere near the guest socket
    expect(configure?.authorization).toBeUndefined()

    // the Genesys token is nowhere in what the browser receives
    const history = await app.app.inject({ method: 'GET', url: '/api/guest-sessions/current/messages', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
    for (const text of [created.body, history.body, JSON.stringify(ready)]) expect(text).not.toContain(token)
    socket.close()
  })

  it('reuses the token for every socket of the guest and opens one upstream connection', async () => {
    sim = await startSimulator()
    app = await startGenesysApp(sim)
    const guest = await createGuest(app)
    const a = await openGuestSocket(app, guest)
    await a.next('ready')
    const b = await openGuestSocket(app, guest)
    await b.next('ready')
    await until(() => sim?.sessions.size === 1, 5000, 'session')
    const token = sim.only().token
    expect(new Set(sim.requests.filter((r) => r.action === 'configureSession').map((r) => r.frame.token))).toEqual(new Set([token]))
    expect(sim.peakConnections.get(token)).toBe(1)
    a.close()
    b.close()
  })

  it('fails at start with a clear message for a wrong deployment id', async () => {
    sim = await startSimulator()
    const config = loadConfig({ ...genesysEnv(sim), GENESYS_DEPLOYMENT_ID: '00000000-dead-beef-0000-000000000000', PARLEY_DIST_DIR: '/nonexistent' })
    const failure = buildApp({ config, logger: false })
    await expect(failure).rejects.toBeInstanceOf(DeploymentError)
    await expect(failure).rejects.toThrow(/no Messenger deployment "00000000-dead-beef-0000-000000000000".*GENESYS_DEPLOYMENT_ID/)
  })

  it('fails at start when the deployment is not active', async () => {
    sim = await startSimulator({}, { status: 'Inactive' })
    const config = loadConfig({ ...genesysEnv(sim), PARLEY_DIST_DIR: '/nonexistent' })
    await expect(buildApp({ config, logger: false })).rejects.toThrow(/is Inactive/)
  })

  it('reports missing Genesys settings together', () => {
    expect(() => loadConfig({ PARLEY_UPSTREAM: 'genesys' })).toThrow(/GENESYS_DEPLOYMENT_ID[\s\S]*GENESYS_REGION[\s\S]*GENESYS_ORIGIN/)
    expect(() => loadConfig({ PARLEY_UPSTREAM: 'genesys', GENESYS_DEPLOYMENT_ID: 'x'.repeat(8), GENESYS_REGION: 'eu_west_1', GENESYS_ORIGIN: 'https://a.example', GENESYS_API_URL: 'ftp://x' })).toThrow(/GENESYS_API_URL/)
    const config = loadConfig({ PARLEY_UPSTREAM: 'genesys', GENESYS_DEPLOYMENT_ID: 'abcdef12-0000', GENESYS_REGION: 'eu_west_1', GENESYS_ORIGIN: 'https://a.example/' })
    expect(config.genesys).toMatchObject({ region: 'mypurecloud.ie', origin: 'https://a.example', webMessagingUrl: 'wss://webmessaging.mypurecloud.ie', apiUrl: 'https://api.mypurecloud.ie', cdnUrl: 'https://api-cdn.mypurecloud.ie' })
  })
})
