/**
 * Production as the Dockerfile makes it (DESIGN.md §11): the compiled server and the prebuilt front-ends with
 * only the server's production dependencies installed (`npm ci --omit=dev`) in a fresh folder, then
 * `node server/dist/main.js` there. Runs scripts/deploy.mjs, the same steps as the Dockerfile's build stage.
 * Needs `npm run build` (npm test builds before this).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assemble, check, DEV_ONLY, installed, problems, type DeployReport } from '../../scripts/deploy.mjs'

const parent = mkdtempSync(join(tmpdir(), 'parley-deploy-'))
let dir = ''
let report: DeployReport

beforeAll(async () => {
  dir = assemble(join(parent, 'app'))
  report = await check(dir)
}, 180_000)
afterAll(() => rmSync(parent, { recursive: true, force: true }))

describe('production start', () => {
  it('installs the server’s dependencies and no development package, nor the widget’s', () => {
    expect(installed(dir, ['fastify', 'ws', 'ioredis', 'jose'])).toEqual(['fastify', 'ws', 'ioredis', 'jose'])
    expect(installed(dir, DEV_ONLY)).toEqual([])
    expect(installed(dir, ['tsx', 'vite'])).toEqual([])
    expect(installed(dir, ['vue', 'pinia', '@vueuse/core'])).toEqual([])
    // nothing of the sources came along: the server runs from its bundle
    expect(existsSync(join(dir, 'server', 'main.ts'))).toBe(false)
    expect(existsSync(join(dir, 'src'))).toBe(false)
  })

  it('answers /healthz and serves the prebuilt demo, desk and script tag', () => {
    expect(report.healthz.status).toBe(200)
    expect(report.healthz.body).toMatchObject({ status: 'ok' })
    expect(report.pages).toEqual({ '/': 200, '/desk': 200, '/embed-demo.html': 200, '/embed/parley.js': 200 })
  })

  it('makes a guest round trip over the parley.v1 socket: the bot answers the message', () => {
    expect(report.roundTrip.protocol).toBe('parley.v1')
    expect(report.roundTrip.ackSeq).toBeGreaterThan(0)
    expect(typeof report.roundTrip.answer).toBe('string')
    expect(report.roundTrip.answer).not.toBe('')
  })

  it('runs the compiled desk CLI (server/dist/desk.js) against the server: an account added is listed', () => {
    expect(report.desk.add.status).toBe(0)
    expect(report.desk.list.status).toBe(0)
    expect(report.desk.list.out).toMatch(/agt_\S+\s+agent\s+active\s+Deploy Check/)
  })

  it('drains and exits 0 on SIGTERM, and logs JSON when stdout is not a terminal', () => {
    expect(report.exitCode).toBe(0)
    const logLines = report.output.split('\n').filter((l) => l.startsWith('{'))
    expect(logLines.length).toBeGreaterThan(0)
    for (const line of logLines) expect(JSON.parse(line)).toHaveProperty('level')
    expect(problems(report, installed(dir, DEV_ONLY))).toEqual([])
  })

  it('the assembled package files are the repository’s own', () => {
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync('package-lock.json', 'utf8'))
  })

  it('is what the Dockerfile builds and runs: the same script, then /app only, unprivileged, with a health check', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8')
    const [build = '', runtime = ''] = dockerfile.split(/^FROM /m).slice(1)
    expect(build).toMatch(/^RUN npm run build && node scripts\/deploy\.mjs \/app$/m)
    expect(runtime.match(/^COPY .*$/gm)).toEqual(['COPY --from=build /app /app'])
    expect(runtime).toMatch(/^USER node$/m)
    expect(runtime).toMatch(/^HEALTHCHECK [^]*\/healthz/m)
    expect(runtime).toMatch(/^CMD \["node", "server\/dist\/main\.js"\]$/m)
  })
})
