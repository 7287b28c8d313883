/**
 * Issue 25 in Chromium: a shop page whose backend signed an identity token for its signed-in visitor
 * (HS256 here, ES256 through a JWKS on 127.0.0.1 in the second test). The desk shows the verified badge, a
 * second browser context with the same `sub` sees the history and the new messages, and `Parley.logout()`
 * leaves nothing of the conversation in storage. Runs against BFFs of its own, with identity settings.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { E2E_DESK_TOKEN, E2E_PORT } from '../../playwright.config'
import type { ParleyApi } from '../../src/embed/types'
import { startBff, type BffProcess } from '../support/bff-process'

declare global {
  interface Window {
    Parley?: ParleyApi
  }
}

const SECRET = 'shop-identity-secret-shop-identity-secret'
const ISSUER = 'https://shop.test'
const AUDIENCE = 'parley'
const HS_PORT = E2E_PORT + 23
const ES_PORT = E2E_PORT + 24

/** What the shop's backend does for a signed-in visitor (docs/identity.md). */
function sign(claims: { sub: string; name?: string; email?: string }, key: Uint8Array | CryptoKey = new TextEncoder().encode(SECRET), kid?: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: kid ? 'ES256' : 'HS256', ...(kid ? { kid } : {}) })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key)
}

/** The shop's page, served on the BFF's origin by the test: the script tag, with the token when given. */
async function shopPage(context: BrowserContext, bffUrl: string, token?: string): Promise<Page> {
  const page = await context.newPage()
  await page.route(`${bffUrl}/shop`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>
<script src="/embed/parley.js" ${token ? `data-identity-token="${token}"` : ''} async></script></body></html>`,
    }),
  )
  await page.goto(`${bffUrl}/shop`)
  return page
}

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText(text)
}

/** Everything the page keeps in sessionStorage and localStorage, as one string. */
const stored = (page: Page): Promise<string> =>
  page.evaluate(() => [sessionStorage, localStorage].flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k) ?? ''}`)).join('\n'))

test.describe('HS256', () => {
  let bff: BffProcess
  test.beforeAll(async () => {
    bff = await startBff(HS_PORT, {
      PARLEY_TOKEN_SECRET: 'identity-e2e-secret-at-least-32-bytes-long',
      PARLEY_DESK_TOKEN: E2E_DESK_TOKEN,
      PARLEY_IDENTITY_SECRET: SECRET,
      PARLEY_IDENTITY_ISSUER: ISSUER,
      PARLEY_IDENTITY_AUDIENCE: AUDIENCE,
    })
  })
  test.afterAll(async () => {
    bff.signal('SIGTERM')
    await bff.exited
  })

  test('a verified visitor: the desk has the verified name, a second device sees the history, logout leaves nothing in storage', async ({ browser }) => {
    const run = Date.now()
    const sub = `shopper-${run}`
    const laptop = await browser.newContext()
    const a = await shopPage(laptop, bff.url, await sign({ sub, name: 'Grace Hopper', email: 'grace@shop.test' }))
    await a.getByRole('button', { name: 'Open chat' }).click()
    await say(a, `Where is order ${run}?`)

    const deskContext = await browser.newContext()
    const desk = await deskContext.newPage()
    await desk.goto(`${bff.url}/desk#token=${E2E_DESK_TOKEN}`)
    const row = desk.getByRole('button').filter({ hasText: `Where is order ${run}?` })
    await expect(row).toContainText('Grace Hopper')
    await row.click()
    const about = desk.getByRole('region', { name: 'About the guest' })
    await expect(about.locator('.desk-verified-badge')).toHaveText('Verified')
    await expect(about).toContainText(sub)
    await expect(about).toContainText('grace@shop.test')

    // the phone: another browser context, the same person, a fresh token
    const phone = await browser.newContext()
    const b = await shopPage(phone, bff.url, await sign({ sub, name: 'Grace Hopper' }))
    await b.getByRole('button', { name: /^Open chat/ }).click()
    const phoneLog = b.getByRole('log', { name: 'Messages' })
    await expect(phoneLog).toContainText(`Where is order ${run}?`)
    await say(b, `Sent from the phone ${run}`)
    const laptopLog = a.getByRole('log', { name: 'Messages' })
    await expect(laptopLog).toContainText(`Sent from the phone ${run}`)
    // once each, on both devices
    await expect(a.locator('.parley-mine').filter({ hasText: `Sent from the phone ${run}` })).toHaveCount(1)
    await expect(b.locator('.parley-mine').filter({ hasText: `Where is order ${run}?` })).toHaveCount(1)

    const before = await stored(b)
    const conversationId = /"conversationId":"([^"]+)"/.exec(before)?.[1]
    expect(conversationId).toBeTruthy()
    await b.evaluate(() => window.Parley?.logout())
    await expect(phoneLog).not.toContainText(`Where is order ${run}?`)
    const after = await stored(b)
    expect(after).not.toContain(conversationId)
    expect(after).not.toContain(`order ${run}`)
    expect(after).not.toContain('Grace')
    // the laptop goes on with the conversation
    await say(a, `Still here on the laptop ${run}`)
    await Promise.all([laptop.close(), phone.close(), deskContext.close()])
  })
})

test.describe('HS256, a returning customer', () => {
  let bff: BffProcess
  test.beforeAll(async () => {
    bff = await startBff(HS_PORT + 2, {
      PARLEY_TOKEN_SECRET: 'identity-e2e-secret-at-least-32-bytes-long',
      PARLEY_DESK_TOKEN: E2E_DESK_TOKEN,
      PARLEY_IDENTITY_SECRET: SECRET,
    })
  })
  test.afterAll(async () => {
    bff.signal('SIGTERM')
    await bff.exited
  })

  test('after the agent ended the first conversation, the desk lists it as an earlier one of the same person and opens it', async ({ browser }) => {
    const run = Date.now()
    const guestContext = await browser.newContext()
    const page = await shopPage(guestContext, bff.url, await new SignJWT({ name: 'Returning Rita' }).setProtectedHeader({ alg: 'HS256' }).setSubject(`rita-${run}`).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET)))
    await page.getByRole('button', { name: 'Open chat' }).click()
    await say(page, `First visit ${run}`)
    const deskContext = await browser.newContext()
    const desk = await deskContext.newPage()
    await desk.goto(`${bff.url}/desk#token=${E2E_DESK_TOKEN}`)
    await desk.getByRole('button').filter({ hasText: `First visit ${run}` }).click()
    await desk.getByRole('button', { name: 'End conversation' }).click()
    await page.getByRole('button', { name: 'Start a new chat' }).click()
    await say(page, `Second visit ${run}`)
    await desk.getByRole('button').filter({ hasText: `Second visit ${run}` }).click()
    const about = desk.getByRole('region', { name: 'About the guest' })
    await about.getByRole('button', { name: 'Conversation 1' }).click()
    await expect(desk.getByRole('log', { name: 'Transcript' })).toContainText(`First visit ${run}`)
    await Promise.all([guestContext.close(), deskContext.close()])
  })
})

test.describe('ES256 through the shop\'s JWKS', () => {
  let bff: BffProcess
  let jwks: Server
  let privateKey: CryptoKey
  const kid = 'shop-key-1'
  test.beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    privateKey = pair.privateKey
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' }
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })))
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve))
    const { port } = jwks.address() as AddressInfo
    bff = await startBff(ES_PORT, {
      PARLEY_TOKEN_SECRET: 'identity-e2e-secret-at-least-32-bytes-long',
      PARLEY_DESK_TOKEN: E2E_DESK_TOKEN,
      PARLEY_IDENTITY_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      PARLEY_IDENTITY_ISSUER: ISSUER,
      PARLEY_IDENTITY_AUDIENCE: AUDIENCE,
    })
  })
  test.afterAll(async () => {
    bff.signal('SIGTERM')
    await bff.exited
    await new Promise((resolve) => jwks.close(resolve))
  })

  test('an anonymous visitor who signs in mid-conversation keeps it; the desk sees the switch; another device continues', async ({ browser }) => {
    const run = Date.now()
    const sub = `es-shopper-${run}`
    const laptop = await browser.newContext()
    const a = await shopPage(laptop, bff.url)
    await a.getByRole('button', { name: 'Open chat' }).click()
    await say(a, `Anonymous question ${run}`)
    const deskContext = await browser.newContext()
    const desk = await deskContext.newPage()
    await desk.goto(`${bff.url}/desk#token=${E2E_DESK_TOKEN}`)
    const row = desk.getByRole('button').filter({ hasText: `Anonymous question ${run}` })
    await expect(row).toBeVisible()

    const token = await sign({ sub, name: 'Ada Byron' }, privateKey, kid)
    await a.evaluate((t) => window.Parley?.identify(t), token)
    await expect(row).toContainText('Ada Byron')

    const phone = await browser.newContext()
    const b = await shopPage(phone, bff.url, await sign({ sub, name: 'Ada Byron' }, privateKey, kid))
    await b.getByRole('button', { name: /^Open chat/ }).click()
    await expect(b.getByRole('log', { name: 'Messages' })).toContainText(`Anonymous question ${run}`)
    await Promise.all([laptop.close(), phone.close(), deskContext.close()])
  })

  test('Parley.identify before the panel was ever opened: the first conversation starts verified', async ({ browser }) => {
    const run = Date.now()
    const context = await browser.newContext()
    const page = await shopPage(context, bff.url)
    await page.waitForFunction(() => window.Parley !== undefined)
    const token = await sign({ sub: `early-${run}`, name: 'Early Eve' }, privateKey, kid)
    await page.evaluate((t) => window.Parley?.identify(t), token)
    await page.getByRole('button', { name: 'Open chat' }).click()
    await say(page, `Signed in before opening ${run}`)
    const deskContext = await browser.newContext()
    const desk = await deskContext.newPage()
    await desk.goto(`${bff.url}/desk#token=${E2E_DESK_TOKEN}`)
    await expect(desk.getByRole('button').filter({ hasText: `Signed in before opening ${run}` })).toContainText('Early Eve')
    await Promise.all([context.close(), deskContext.close()])
  })
})
