import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
    return []
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
}

describe('PARLEY_IDENTITY_* settings', () => {
  it('is off by default, and takes a secret or an https key set', () => {
    expect(loadConfig({}).identity).toBeUndefined()
    expect(loadConfig({ PARLEY_IDENTITY_SECRET: 's'.repeat(32), PARLEY_IDENTITY_AUDIENCE: 'parley' }).identity).toMatchObject({ audience: 'parley', jwksUrl: undefined })
    expect(loadConfig({ PARLEY_IDENTITY_JWKS_URL: 'https://shop.example/.well-known/jwks.json' }).identity?.jwksUrl?.href).toBe('https://shop.example/.well-known/jwks.json')
    expect(loadConfig({ PARLEY_IDENTITY_JWKS_URL: 'http://127.0.0.1:9999/jwks' }).identity?.jwksUrl?.host).toBe('127.0.0.1:9999')
  })

  it.each([
    [{ PARLEY_IDENTITY_SECRET: 'short' }, 'PARLEY_IDENTITY_SECRET must be at least 32 bytes'],
    [{ PARLEY_IDENTITY_SECRET: 's'.repeat(32), PARLEY_IDENTITY_JWKS_URL: 'https://x.example/jwks' }, 'not both'],
    [{ PARLEY_IDENTITY_JWKS_URL: 'http://shop.example/jwks' }, 'must be an https URL'],
    [{ PARLEY_IDENTITY_JWKS_URL: 'not a url' }, 'must be an https URL'],
    [{ PARLEY_IDENTITY_AUDIENCE: 'parley' }, 'need PARLEY_IDENTITY_SECRET or PARLEY_IDENTITY_JWKS_URL'],
  ])('refuses %o with a clear message', (env, message) => {
    expect(problems(env).join('\n')).toContain(message)
  })
})
