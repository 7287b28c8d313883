/**
 * `examples/headless.mjs` chats with a real BFF through the built `parley/client` (needs `npm run build`).
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startBff, type BffProcess } from '../support/bff-process'

const PORT = 18296
let bff: BffProcess
beforeAll(async () => {
  bff = await startBff(PORT, { PARLEY_TOKEN_SECRET: 'headless-test-secret-at-least-32-bytes', PARLEY_DESK_TOKEN: 'headless-desk-token-0123' })
})
afterAll(async () => {
  bff.signal('SIGTERM')
  await bff.exited
})

it('creates a guest, sends messages and prints the bot\'s replies, in Node 20 with ws', () => {
  const r = spawnSync(process.execPath, ['examples/headless.mjs', bff.url, 'Is size 44 in stock?', 'Second line'], { encoding: 'utf8', timeout: 30_000 })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  expect(r.stdout).toContain('you: Is size 44 in stock?')
  expect(r.stdout).toContain('You said: "Is size 44 in stock?"')
  expect(r.stdout).toContain('You said: "Second line"')
})
