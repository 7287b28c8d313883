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
