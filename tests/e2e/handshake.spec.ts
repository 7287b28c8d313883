/**
 * The socket handshake refuses, in a real browser, what the BFF must refuse: no token, a forged token,
 * and a page on a foreign Origin (even one holding a valid token).
 */
import { createServer, type Server } from 'node:http'
import { expect, test, type Page } from '@playwright/test'

/** Open a socket from the page and report whether it opened, and the close code. */
function tryOpen(page: Page, url: string, protocols: string[]): Promise<{ opened: boolean; code: number }> {
  return page.evaluate(
    ([u, p]) =>
      new Promise<{ opened: boolean; code: number }>((resolve) => {
        const ws = new WebSocket(u as string, p as string[])
        let opened = false
        ws.onopen = () => {
          opened = true
          ws.close(1000)
        }
        ws.onclose = (e) => resolve({ opened, code: e.code })
      }),
    [url, protocols] as const,
  )
}

let foreign: Server
let foreignUrl = ''

test.beforeAll(async () => {
  foreign = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'))
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve))
  const address = foreign.address()
  foreignUrl = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}/` : ''
})
test.afterAll(() => new Promise<void>((resolve) => foreign.close(() => resolve())))

test('a socket without a token or with a forged one never opens', async ({ page, baseURL }) => {
  await page.goto('/')
  const socketUrl = `${baseURL?.replace('http', 'ws')}/api/socket`
  expect(await tryOpen(page, socketUrl, ['parley.v1'])).toEqual({ opened: false, code: 1006 })
  const forged =
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnX2F0dGFja2VyIiwiY2lkIjoiY194IiwiYXVkIjoicGFybGV5LXNvY2tldCJ9.' + 'A'.repeat(43)
  expect(await tryOpen(page, socketUrl, ['parley.v1', `parley.token.${forged}`])).toEqual({ opened: false, code: 1006 })
})

test('a page on a foreign Origin can neither create a guest nor open a socket with a stolen token', async ({
  page,
  request,
  baseURL,
}) => {
  // a valid guest token, obtained outside the browser (as a thief would)
  const created = await request.post('/api/guest-sessions', { data: {} })
  expect(created.status()).toBe(201)
  const { guestToken, socketUrl } = (await created.json()) as { guestToken: string; socketUrl: string }

  await page.goto(foreignUrl)
  const status = await page.evaluate(async (u) => {
    try {
      const r = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      return r.status
    } catch {
      return 'blocked'
    }
  }, `${baseURL}/api/guest-sessions`)
  expect(status).toBe('blocked')
  expect(await tryOpen(page, socketUrl, ['parley.v1', `parley.token.${guestToken}`])).toEqual({ opened: false, code: 1006 })

  // the same token from the BFF's own origin does open: the refusal above was the Origin
  await page.goto('/')
  expect((await tryOpen(page, socketUrl, ['parley.v1', `parley.token.${guestToken}`])).opened).toBe(true)
})
