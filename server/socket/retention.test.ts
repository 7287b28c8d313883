import type { IncomingMessage } from 'node:http'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createGuest, openGuestSocket, startTestApp, type TestApp } from '../test-support'

// a real collection, so "nothing holds the upgrade request" is observed rather than assumed
setFlagsFromString('--expose-gc')
const collect: unknown = runInNewContext('gc')
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

let app: TestApp
beforeEach(async () => {
  app = await startTestApp()
})
afterEach(() => app.app.close())

it('an open guest socket does not keep its upgrade request (and the token in its headers) alive', async () => {
  if (typeof collect !== 'function') throw new Error('no gc')
  const upgrades: WeakRef<IncomingMessage>[] = []
  app.app.server.on('upgrade', (req: IncomingMessage) => upgrades.push(new WeakRef(req)))
  const guest = await createGuest(app)
  const s = await openGuestSocket(app, guest)
  await s.next('ready')
  s.send({ type: 'ping' })
  await s.next('pong')
  expect(upgrades).toHaveLength(1)
  for (let i = 0; i < 3; i++) {
    await turn()
    collect()
  }
  await turn()
  expect(upgrades[0]?.deref()).toBeUndefined()
  s.close()
})
