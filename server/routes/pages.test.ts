import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NONCE_PLACEHOLDER } from '../csp'
import { ORIGIN, startTestApp, type TestApp } from '../test-support'

let dist: string
let app: TestApp
beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'parley-pages-'))
  for (const [dir, file] of [['demo', 'index.html'], ['desk', 'desk.html']] as const) {
    mkdirSync(join(dist, dir, 'assets'), { recursive: true })
    writeFileSync(join(dist, dir, file), `<!doctype html><script type="module" src="/assets/a.js" nonce="${NONCE_PLACEHOLDER}"></script>`)
    writeFileSync(join(dist, dir, 'assets', 'a.js'), 'export {}')
  }
  writeFileSync(join(dist, 'embed-demo.html'), `<!doctype html><script src="/embed/parley.js" nonce="${NONCE_PLACEHOLDER}"></script>`)
  app = await startTestApp({ PARLEY_DIST_DIR: dist })
})
afterAll(async () => {
  await app.app.close()
  rmSync(dist, { recursive: true, force: true })
})

const nonceOf = (html: string): string | undefined => /nonce="([^"]+)"/.exec(html)?.[1]

describe('pages', () => {
  it.each(['/', '/index.html', '/desk', '/embed-demo.html'])('%s carries a fresh nonce in its CSP and its script tags, and no unsafe source', async (url) => {
    const [a, b] = await Promise.all([app.app.inject({ url }), app.app.inject({ url })])
    for (const res of [a, b]) {
      expect(res.statusCode).toBe(200)
      const csp = String(res.headers['content-security-policy'])
      const nonce = nonceOf(res.body)
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
      expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`)
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`)
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/)
      expect(res.body).not.toContain(NONCE_PLACEHOLDER)
      expect(res.headers['cache-control']).toBe('no-store')
    }
    expect(nonceOf(a.body)).not.toBe(nonceOf(b.body))
  })

  it('serves assets and API answers with the security headers and the nonce-less policy', async () => {
    for (const res of [
      await app.app.inject({ url: '/assets/a.js' }),
      await app.app.inject({ url: '/api/guest-sessions', method: 'POST', headers: { origin: ORIGIN }, payload: {} }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['strict-transport-security']).toBeDefined()
      expect(String(res.headers['content-security-policy'])).toMatch(/^default-src 'self'; ?script-src 'self'; ?style-src 'self';/)
    }
  })
})
