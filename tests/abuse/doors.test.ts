/**
 * Issue 24 points 9–11: behind a proxy each client keeps its own limits (and a spoofed header dodges
 * nothing without one), /metrics is never public by accident, the signature of a file link never reaches
 * a log, the Origin check has no `Upgrade` loophole, and the page CSP names its hosts.
 */
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config'
import { ORIGIN, startTestApp, type TestApp } from '../../server/test-support'
import { abuseApp, expectHealthy } from './healthy'

const METRICS_TOKEN = 'metrics-token-0123456789'

let app: TestApp
abuseApp((a) => (app = a))

const createFrom = (target: TestApp, peer: string, forwardedFor?: string) =>
  target.app.inject({
    method: 'POST',
    url: '/api/guest-sessions',
    headers: { origin: ORIGIN, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    payload: {},
    remoteAddress: peer,
  })

describe('PARLEY_TRUST_PROXY (point 9)', () => {
  it('behind a trusted proxy, one client using up its guest limit leaves the others behind the same proxy alone', async () => {
    const proxied = await startTestApp({ PARLEY_TRUST_PROXY: '10.0.0.0/8', PARLEY_METRICS_TOKEN: METRICS_TOKEN, PARLEY_GUEST_RATE: '3', PARLEY_DESK_BOT: 'off' })
    try {
      const abuser = await Promise.all(Array.from({ length: 6 }, () => createFrom(proxied, '10.1.2.3', '198.51.100.66')))
      expect(abuser.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 429, 429, 429])
      expect((await createFrom(proxied, '10.1.2.3', '198.51.100.67')).statusCode).toBe(201)
      // a peer that is not a trusted proxy cannot pick its address with the header
      const outsider = await Promise.all(Array.from({ length: 5 }, (_, i) => createFrom(proxied, '203.0.113.9', `198.51.100.${i + 1}`)))
      expect(outsider.filter((r) => r.statusCode === 429)).toHaveLength(2)
    } finally {
      await expectHealthy(proxied)
      await proxied.app.close()
    }
  })

  it('with a hop count, the address one hop out is the client', async () => {
    const proxied = await startTestApp({ PARLEY_TRUST_PROXY: '1', PARLEY_METRICS_TOKEN: METRICS_TOKEN, PARLEY_GUEST_RATE: '2', PARLEY_DESK_BOT: 'off' })
    try {
      // the visitor put a made-up address first; the proxy appended the real one, which is what counts
      const spoofing = await Promise.all(Array.from({ length: 4 }, (_, i) => createFrom(proxied, '10.1.2.3', `192.0.2.${i + 1}, 198.51.100.70`)))
      expect(spoofing.filter((r) => r.statusCode === 429)).toHaveLength(2)
      expect((await createFrom(proxied, '10.1.2.3', '198.51.100.71')).statusCode).toBe(201)
    } finally {
      await proxied.app.close()
    }
  })

  it('by default trusts no forwarded header: varying it does not dodge the limit', async () => {
    const limited = await startTestApp({ PARLEY_GUEST_RATE: '3', PARLEY_DESK_BOT: 'off' })
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => createFrom(limited, '10.1.2.3', `198.51.100.${i + 1}`)))
      expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(3)
    } finally {
      await limited.app.close()
    }
  })
})

describe('/metrics (point 10)', () => {
  it('refuses to start without PARLEY_METRICS_TOKEN behind a proxy or on a public URL, naming the setting', () => {
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: '1' })).toThrow(/PARLEY_METRICS_TOKEN/)
    expect(() => loadConfig({ PARLEY_PUBLIC_URL: 'https://chat.example.com' })).toThrow(/PARLEY_METRICS_TOKEN/)
  })

  it('behind a same-host proxy, a loopback peer without the token is refused', async () => {
    const proxied = await startTestApp({ PARLEY_TRUST_PROXY: '127.0.0.1', PARLEY_METRICS_TOKEN: METRICS_TOKEN })
    try {
      expect((await proxied.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5' } })).statusCode).toBe(403)
      expect((await proxied.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode).toBe(200)
    } finally {
      await proxied.app.close()
    }
  })
})

describe('smaller doors (point 11)', () => {
  it('never logs the signature of a signed file link', async () => {
    let log = ''
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
    const logged = await startTestApp({ LOG_LEVEL: 'info' }, 5, { logStream: stream })
    try {
      const signature = 'SIGNATURE-d41d8cd98f00b204e9800998ecf8427e'
      const res = await logged.app.inject({ url: `/api/files/f1?c=c1&e=9999999999&s=${signature}` })
      expect(res.statusCode).toBe(403)
      expect(log).toContain('/api/files/f1?c=c1&e=9999999999&s=')
      expect(log).not.toContain(signature)
    } finally {
      await logged.app.close()
    }
  })

  it.each(['h2c', 'websocket', 'WebSocket, foo'])('checks the Origin of an API request that carries "Upgrade: %s" outside a socket route', async (upgrade) => {
    const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', headers: { origin: 'https://evil.example', upgrade, connection: 'upgrade' }, payload: {} })
    expect(res.statusCode).toBe(403)
  })

  it('page CSP: images and sockets from this origin and the hosts it names, not any https: or ws: host', async () => {
    const publicApp = await startTestApp({ PARLEY_PUBLIC_URL: 'https://chat.example.com', PARLEY_METRICS_TOKEN: METRICS_TOKEN })
    try {
      const csp = String((await publicApp.app.inject({ url: '/healthz' })).headers['content-security-policy'])
      const directive = (name: string): string[] => csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name)?.slice(1) ?? []
      expect(directive('img-src')).toEqual(["'self'", 'data:'])
      expect(directive('connect-src')).toEqual(["'self'", 'wss://chat.example.com'])
    } finally {
      await publicApp.app.close()
    }
  })
})
