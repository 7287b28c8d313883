import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, normalizeOrigin } from './config'

describe('loadConfig', () => {
  it('has working defaults: desk upstream, bot on, generated secrets, own origins allowed', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, upstream: 'desk', deskBot: true, tokenSecretGenerated: true, deskTokenGenerated: true })
    expect([...c.allowedOrigins]).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080'])
    expect(c.limits).toMatchObject({ maxMessageChars: 4000, maxFrameBytes: 65536, maxFragments: 64, msgRate: 5, msgBurst: 10 })
  })

  it('reports every problem at once, by variable name', () => {
    try {
      loadConfig({ PORT: 'eighty', PARLEY_ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path', PARLEY_TOKEN_SECRET: 'short', PARLEY_DESK_BOT: 'maybe' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const { problems } = err as ConfigError
      expect(problems.join('\n')).toMatch(/PORT/)
      expect(problems.join('\n')).toMatch(/PARLEY_ALLOWED_ORIGINS: "https:\/\/bad.example\/path"/)
      expect(problems.join('\n')).toMatch(/PARLEY_TOKEN_SECRET/)
      expect(problems.join('\n')).toMatch(/PARLEY_DESK_BOT/)
      expect(problems).toHaveLength(4)
    }
  })

  it('reads business hours and names the variable when they do not parse', () => {
    const c = loadConfig({ PARLEY_BUSINESS_HOURS: 'Europe/Paris Mon-Fri 08:30-18:00', PARLEY_CLOSED_DATES: '2026-12-25' })
    expect(c.businessHours?.timeZone).toBe('Europe/Paris')
    expect(c.businessHours?.closedDates.has('2026-12-25')).toBe(true)
    expect(loadConfig({}).businessHours).toBeUndefined()
    expect(() => loadConfig({ PARLEY_BUSINESS_HOURS: 'Europe/Paris Mon 18:00-08:30' })).toThrow(/PARLEY_BUSINESS_HOURS.*not a range/)
    expect(() => loadConfig({ PARLEY_CLOSED_DATES: '2026-12-25' })).toThrow(/PARLEY_CLOSED_DATES needs PARLEY_BUSINESS_HOURS/)
  })

  it('takes a Redis URL with its scale-out settings, and refuses malformed ones', () => {
    const c = loadConfig({ REDIS_URL: 'redis://:pw@127.0.0.1:6379/2', PARLEY_RETENTION_HOURS: '2', PARLEY_LEASE_MS: '3000', PARLEY_NODE_ID: 'node a/1' })
    expect(c).toMatchObject({ redisUrl: 'redis://:pw@127.0.0.1:6379/2', redisPrefix: 'parley:', retentionMs: 7_200_000, leaseMs: 3000, nodeId: 'node-a-1' })
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must be a redis/)
    expect(() => loadConfig({ PARLEY_REDIS_PREFIX: 'a b' })).toThrow(/PARLEY_REDIS_PREFIX/)
    expect(() => loadConfig({ PARLEY_LEASE_MS: '10' })).toThrow(/PARLEY_LEASE_MS/)
  })

  it('takes Redis Cluster seed nodes, exclusive with REDIS_URL', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'r1:7000, 10.0.0.2:7001' })).toMatchObject({ redisClusterNodes: ['r1:7000', '10.0.0.2:7001'], redisUrl: undefined })
    expect(loadConfig({}).redisClusterNodes).toBeUndefined()
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1:7000,redis://r2:7001' })).toThrow(/REDIS_CLUSTER_NODES must be/)
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1:70000' })).toThrow(/REDIS_CLUSTER_NODES must be/)
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1:7000', REDIS_URL: 'redis://r0:6379' })).toThrow(/not both/)
  })

  it('takes the Genesys health-check interval and reorder window, within bounds', () => {
    const genesys = { PARLEY_UPSTREAM: 'genesys', GENESYS_DEPLOYMENT_ID: 'abcdef12-0000', GENESYS_REGION: 'mypurecloud.com', GENESYS_ORIGIN: 'https://a.example' }
    expect(loadConfig(genesys).genesys).toMatchObject({ echoIntervalMs: 30_000, reorderMs: 300 })
    expect(loadConfig({ ...genesys, GENESYS_ECHO_INTERVAL_MS: '5000', GENESYS_REORDER_MS: '0' }).genesys).toMatchObject({ echoIntervalMs: 5000, reorderMs: 0 })
    expect(() => loadConfig({ ...genesys, GENESYS_ECHO_INTERVAL_MS: '10' })).toThrow(/GENESYS_ECHO_INTERVAL_MS/)
    expect(() => loadConfig({ ...genesys, GENESYS_REORDER_MS: '60000' })).toThrow(/GENESYS_REORDER_MS/)
  })

  it('takes the desk sign-in failure limit, 10 unless set, from 1 to 1000', () => {
    expect(loadConfig({}).deskSignInFailures).toBe(10)
    expect(loadConfig({ PARLEY_DESK_SIGNIN_FAILURES: '3' }).deskSignInFailures).toBe(3)
    expect(() => loadConfig({ PARLEY_DESK_SIGNIN_FAILURES: '0' })).toThrow(/PARLEY_DESK_SIGNIN_FAILURES/)
  })

  it('takes the domains where Genesys may place files: S3 and CloudFront unless set, none when empty', () => {
    const genesys = { PARLEY_UPSTREAM: 'genesys', GENESYS_DEPLOYMENT_ID: 'abcdef12-0000', GENESYS_REGION: 'mypurecloud.com', GENESYS_ORIGIN: 'https://a.example' }
    expect(loadConfig(genesys).genesys?.transferHosts).toEqual(['amazonaws.com', 'cloudfront.net'])
    expect(loadConfig({ ...genesys, GENESYS_TRANSFER_HOSTS: '' }).genesys?.transferHosts).toEqual([])
    expect(loadConfig({ ...genesys, GENESYS_TRANSFER_HOSTS: ' Files.Example , cdn.example.org' }).genesys?.transferHosts).toEqual(['files.example', 'cdn.example.org'])
    expect(() => loadConfig({ ...genesys, GENESYS_TRANSFER_HOSTS: 'https://files.example' })).toThrow(/GENESYS_TRANSFER_HOSTS/)
    expect(() => loadConfig({ ...genesys, GENESYS_TRANSFER_HOSTS: '*.example' })).toThrow(/GENESYS_TRANSFER_HOSTS/)
  })
})

describe('normalizeOrigin', () => {
  it('keeps scheme, host and port only', () => {
    expect(normalizeOrigin('https://Example.com:443')).toBe('https://example.com')
    expect(normalizeOrigin('http://example.com:8080')).toBe('http://example.com:8080')
    expect(normalizeOrigin('https://example.com/x')).toBeUndefined()
    expect(normalizeOrigin('null')).toBeUndefined()
    expect(normalizeOrigin('ftp://example.com')).toBeUndefined()
  })
})

describe('hardening settings (issue 24)', () => {
  it('has safe defaults: trust no proxy, caps on the store, files, uploads and refreshes', () => {
    const c = loadConfig({})
    expect(c.trustProxy).toBe(false)
    expect(c.limits).toMatchObject({ uploadsPerGuest: 2, uploadsTotal: 32, refreshRatePerMinute: 30, refreshFamilyPerMinute: 6, maxGuests: 100_000, maxEventLoopDelayMs: 1000 })
    expect(c.files).toMatchObject({ maxConversationBytes: 50 * 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024 * 1024 })
  })

  it('reads PARLEY_TRUST_PROXY as a hop count or a list of addresses and CIDRs, and names bad items', () => {
    const token = { PARLEY_METRICS_TOKEN: 'metrics-token-0123456789' }
    expect(loadConfig({ ...token, PARLEY_TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(loadConfig({ ...token, PARLEY_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', 'fd00::/8'])
    expect(() => loadConfig({ ...token, PARLEY_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/PARLEY_TRUST_PROXY: "10.0.0.0\/33"/)
    expect(() => loadConfig({ ...token, PARLEY_TRUST_PROXY: 'proxy.internal' })).toThrow(/PARLEY_TRUST_PROXY/)
    expect(() => loadConfig({ ...token, PARLEY_TRUST_PROXY: '0' })).toThrow(/hop count/)
  })

  it('requires PARLEY_METRICS_TOKEN behind a proxy or on a public URL, and not on loopback', () => {
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: '1' })).toThrow(/PARLEY_METRICS_TOKEN must be set/)
    expect(() => loadConfig({ PARLEY_PUBLIC_URL: 'https://chat.example.com' })).toThrow(/PARLEY_METRICS_TOKEN must be set/)
    expect(loadConfig({ PARLEY_PUBLIC_URL: 'http://localhost:8080' }).metricsToken).toBeUndefined()
    expect(loadConfig({ PARLEY_PUBLIC_URL: 'http://127.0.0.1:8080' }).metricsToken).toBeUndefined()
    expect(loadConfig({ PARLEY_PUBLIC_URL: 'https://chat.example.com', PARLEY_METRICS_TOKEN: 'metrics-token-0123456789' }).metricsToken).toBe('metrics-token-0123456789')
  })
})
