/**
 * The script tag in Chromium: a plain page gets a working chat within the size budgets, the JS API works,
 * loading the tag twice is harmless, and a hostile host page can neither break the widget nor be touched
 * by it, under a strict CSP.
 */
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { expect, test, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'
import { BUDGETS } from '../../scripts/size.mjs'
import type { ParleyApi } from '../../src/embed/types'
import { PNG_2X2 as PNG } from '../support/png'

declare global {
  interface Window {
    Parley?: ParleyApi
  }
}

/** Dialogs, CSP violations and uncaught errors, for pages that must have none. */
async function watchPage(page: Page): Promise<{ problems: string[] }> {
  const w = { problems: [] as string[] }
  page.on('pageerror', (err) => w.problems.push(`pageerror: ${err.message}`))
  page.on('dialog', (d) => {
    w.problems.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  page.on('console', (m) => {
    if (m.type() === 'error') w.problems.push(`console: ${m.text()}`)
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))
  })
  return w
}

/** gzip bytes of every /embed/ file the page fetched so far. */
function embedBytes(page: Page): () => Promise<Map<string, number>> {
  const seen = new Map<string, Promise<number>>()
  page.on('response', (res) => {
    const url = new URL(res.url())
    if (url.pathname.startsWith('/embed/')) seen.set(url.pathname, res.body().then((b) => gzipSync(b, { level: 9 }).length))
  })
  return async () => new Map(await Promise.all([...seen].map(async ([k, v]) => [k, await v] as const)))
}

test('a plain page with one script tag gets a working chat: ≤ 10 kB before the first open, ≤ 60 kB once open', async ({ page }) => {
  const w = await watchPage(page)
  const sizes = embedBytes(page)
  await page.goto('/embed-demo.html')
  const launcher = page.getByRole('button', { name: 'Open chat', exact: true })
  await expect(launcher).toBeVisible()
  const before = await sizes()
  expect([...before.keys()]).toEqual(['/embed/parley.js'])
  expect(before.get('/embed/parley.js')).toBeLessThanOrEqual(10_000)

  await launcher.click()
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeFocused()
  await box.fill('Is size 44 in stock? (plain page)')
  await box.press('Enter')
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('You said: "Is size 44 in stock? (plain page)"')
  // the parts this conversation needs (the demo bot's quick replies and formatting) come on their own
  const after = new Map([...(await sizes())].filter(([path]) => !path.startsWith('/embed/part-')))
  // English is a chunk like the seven other languages: the visitor's one catalogue (the hash left out)
  expect([...after.keys()].map((path) => path.replace(/-[\w-]{8}\.js$/, '.js')).sort()).toEqual(['/embed/locale-en.js', '/embed/parley-panel.js', '/embed/parley.js'])
  expect([...after.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(BUDGETS.opened)
  // the widget's CSS went into its shadow root, not the page
  expect(await page.evaluate(() => document.querySelectorAll('head style, head link[rel=stylesheet]').length)).toBe(1)
  expect(w.problems).toEqual([])
})

test('the JS API: events, open / close / toggle, attributes, endChat, destroy; a second copy of the tag is harmless', async ({ page }) => {
  const w = await watchPage(page)
  await page.goto('/embed-demo.html')
  await page.waitForFunction(() => window.Parley !== undefined)
  await page.evaluate(() => {
    const log: string[] = []
    Object.assign(window, { __events: log })
    const api = window.Parley
    if (!api) throw new Error('no Parley')
    api.on('open', () => log.push('open'))
    api.on('close', () => log.push('close'))
    api.on('message', (m) => log.push(`message:${m.text}`))
    api.on('unread', (n) => log.push(`unread:${n}`))
    api.on('error', (e) => log.push(`error:${e.code}`))
    api.setAttributes({ orderId: 'A-1001' })
    // the same tag again
    const again = document.createElement('script')
    again.src = '/embed/parley.js'
    again.nonce = document.querySelector<HTMLScriptElement>('script[src="/embed/parley.js"]')?.nonce ?? ''
    document.body.append(again)
  })
  const created = page.waitForRequest((r) => r.url().endsWith('/api/guest-sessions') && r.method() === 'POST')
  await page.evaluate(() => window.Parley?.open())
  expect((await created).postDataJSON()).toMatchObject({ attributes: { orderId: 'A-1001' } })
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible()
  await page.evaluate(() => window.Parley?.toggle())
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeHidden()
  await page.evaluate(() => window.Parley?.toggle())
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill('Is size 44 in stock?')
  await box.press('Enter')
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('You said')
  await page.evaluate(() => window.Parley?.close())
  await expect(box).toBeHidden()
  expect(await page.locator('parley-chat').count()).toBe(1)
  const events = await page.evaluate(() => (window as unknown as { __events: string[] }).__events)
  expect(events).toEqual(expect.arrayContaining(['open', 'close', 'message:Thanks for your message. You said: "Is size 44 in stock?"']))

  await page.evaluate(() => window.Parley?.endChat())
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('parley:')))).toEqual([])
  await page.evaluate(() => window.Parley?.destroy())
  expect(await page.locator('parley-chat').count()).toBe(0)
  expect(await page.evaluate(() => window.Parley)).toBeUndefined()
  expect(w.problems).toEqual([])
})

test('a reply while the panel is closed shows as unread; a returning guest loads the panel while idle', async ({ page }) => {
  await page.goto('/embed-demo.html')
  await page.getByRole('button', { name: 'Open chat', exact: true }).click()
  await page.evaluate(() => window.Parley?.on('unread', (n) => Object.assign(window, { __unread: n })))
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill('Is size 44 in stock?')
  await box.press('Enter')
  // close before the bot answers
  await page.getByRole('button', { name: 'Close chat' }).click()
  await expect(page.getByRole('button', { name: 'Open chat, 1 unread' })).toBeVisible()
  expect(await page.evaluate(() => (window as unknown as { __unread?: number }).__unread)).toBe(1)

  const panel = page.waitForResponse((r) => r.url().endsWith('/embed/parley-panel.js'))
  await page.reload()
  // no click: the stored session makes the launcher fetch the panel while idle, and it reconnects
  await panel
  await expect(page.getByRole('button', { name: /^Open chat/ })).toBeVisible()
  await page.getByRole('button', { name: /^Open chat/ }).click()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('You said: "Is size 44 in stock?"')
})

const VUE_GLOBAL = readFileSync('node_modules/vue/dist/vue.global.prod.js')
const HOSTILE = readFileSync('tests/e2e/fixtures/hostile-host.html', 'utf8')
const STRICT_CSP = "default-src 'self'; script-src 'self' 'nonce-host-nonce'; style-src 'self' 'nonce-host-nonce'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"

async function hostilePage(page: Page, withWidget: boolean): Promise<void> {
  await page.route('**/vendor/vue.global.prod.js', (route) => route.fulfill({ body: VUE_GLOBAL, contentType: 'text/javascript' }))
  await page.route('**/hostile.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      headers: { 'content-security-policy': STRICT_CSP },
      body: HOSTILE.replace('<!--WIDGET-->', withWidget ? '<script src="/embed/parley.js" nonce="host-nonce" data-title="Support"></script>' : ''),
    }),
  )
  await page.goto('/hostile.html')
}

const hostLayout = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('#host-content, #host-content *')].map((el) => {
      const r = el.getBoundingClientRect()
      return `${el.tagName} ${r.x},${r.y} ${r.width}x${r.height} ${getComputedStyle(el).color}`
    }),
  )

test('on a hostile page under a strict CSP the widget looks right and works, and the page is untouched', async ({ page }) => {
  await page.setViewportSize({ width: 1000, height: 700 })
  await hostilePage(page, false)
  const layoutWithout = await hostLayout(page)

  const w = await watchPage(page)
  await hostilePage(page, true)
  const launcher = page.getByRole('button', { name: 'Open chat', exact: true })
  await expect(launcher).toBeVisible()
  expect(await hostLayout(page)).toEqual(layoutWithout)
  await expect(launcher).toHaveScreenshot('hostile-launcher.png', { maxDiffPixelRatio: 0.02 })
  const launcherStyle = await launcher.evaluate((b) => {
    const s = getComputedStyle(b)
    return { width: s.width, height: s.height, radius: s.borderRadius }
  })
  expect(launcherStyle).toEqual({ width: '56px', height: '56px', radius: '50%' })

  await launcher.click()
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeFocused()
  await box.fill('Is size 44 in stock? (hostile page)')
  await box.press('Enter')
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('You said: "Is size 44 in stock? (hostile page)"')
  const inside = await log.evaluate((el) => {
    const s = getComputedStyle(el.querySelector('.parley-bubble') ?? el)
    return { color: s.color, fontSize: s.fontSize }
  })
  expect(inside.color).not.toBe('rgb(255, 0, 0)')
  expect(inside.fontSize).toBe('15px')
  await expect(page.getByRole('region', { name: 'Support' })).toHaveScreenshot('hostile-open.png', { maxDiffPixelRatio: 0.03 })

  // the host's own app still works and still looks as it did
  await page.locator('#host-button').click()
  await expect(page.locator('#host-button')).toHaveText('host button 1')
  expect(await hostLayout(page)).toEqual(layoutWithout)
  expect(w.problems).toEqual([])
})

test("speaks the visitor's language: the button before the panel loads, then the panel with one catalogue; data-locale=\"ar\" is right to left", async ({ browser }) => {
  const context = await browser.newContext({ locale: 'de-DE' })
  const page = await context.newPage()
  const w = await watchPage(page)
  const sizes = embedBytes(page)
  await page.goto('/embed-demo.html')
  const launcher = page.getByRole('button', { name: 'Chat öffnen', exact: true })
  await expect(launcher).toBeVisible()
  expect([...(await sizes()).keys()]).toEqual(['/embed/parley.js'])
  await launcher.click()
  // data-title stays the host's; the widget's own words are German
  await expect(page.getByRole('button', { name: 'Chat schließen' })).toBeVisible()
  const box = page.getByRole('textbox', { name: 'Nachricht' })
  await expect(box).toBeFocused()
  await box.fill('Hallo (de)')
  await box.press('Enter')
  await expect(page.getByRole('log', { name: 'Nachrichten' })).toContainText('Hallo (de)')
  await expect(page.locator('.parley-root')).toHaveAttribute('lang', 'de')
  const files = [...(await sizes()).keys()].filter((path) => !path.startsWith('/embed/part-')).sort()
  expect(files).toEqual([expect.stringMatching(/^\/embed\/locale-de-[\w-]{8}\.js$/), '/embed/parley-panel.js', '/embed/parley.js'])
  expect(w.problems).toEqual([])
  await context.close()

  const arabic = await browser.newPage()
  const wa = await watchPage(arabic)
  await arabic.route('**/arabic.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="en"><body><h1>Shop</h1><script src="/embed/parley.js" data-locale="ar"></script></body></html>' }),
  )
  await arabic.goto('/arabic.html')
  const plain = arabic.getByRole('button', { name: 'افتح المحادثة', exact: true })
  await expect(plain).toHaveAttribute('dir', 'rtl')
  await plain.click()
  await expect(arabic.getByRole('heading', { name: 'تحدّث معنا' })).toBeVisible()
  await expect(arabic.locator('.parley-root')).toHaveAttribute('dir', 'rtl')
  await expect(arabic.getByRole('textbox', { name: 'الرسالة' })).toBeFocused()
  // the composer's send button sits at the left end of the row in a right-to-left layout
  const send = await arabic.getByRole('button', { name: 'إرسال' }).boundingBox()
  const input = await arabic.getByRole('textbox', { name: 'الرسالة' }).boundingBox()
  expect(send && input && send.x < input.x).toBe(true)
  expect(wa.problems).toEqual([])
  await arabic.close()
})

test('data attributes: a pre-chat form from data-pre-chat, the unread count in the title, no rating with data-rating="false", data-theme="dark"', async ({ browser }) => {
  const deskContext = await browser.newContext()
  const desk = await deskContext.newPage()
  const context = await browser.newContext()
  const page = await context.newPage()
  const w = await watchPage(page)
  await page.route('**/conversation-features.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>
        <script src="/embed/parley.js" data-title="Support" data-pre-chat="displayName*, email, orderId:Order number, bad name!:Nope"
          data-title-unread data-rating="false" data-theme="dark"></script></body></html>`,
    }),
  )
  const warnings: string[] = []
  page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())))
  await page.goto('/conversation-features.html')
  await page.getByRole('button', { name: 'Open chat', exact: true }).click()
  // the dark theme reached the panel in the shadow root: its surface is the dark default
  await expect(page.locator('.parley-root')).toHaveClass(/parley-dark/)
  expect(await page.locator('.parley-panel').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 29, 33)')
  // a field name the BFF would refuse is left out, and whoever set up the tag is told
  await expect(page.getByRole('textbox', { name: 'Nope' })).toHaveCount(0)
  expect(warnings.filter((w) => w.includes('"bad name!" is left out'))).toHaveLength(1)
  const name = page.getByRole('textbox', { name: 'Name' })
  await expect(name).toBeFocused()
  await expect(name).toHaveAttribute('required', '')
  await expect(page.getByRole('textbox', { name: 'E-mail' })).not.toHaveAttribute('required')
  await page.getByRole('textbox', { name: 'Order number' }).fill('B-2002')
  await page.getByRole('button', { name: 'Start chat' }).click()
  // the name is required: still the form
  await expect(page.getByRole('button', { name: 'Start chat' })).toBeVisible()
  await name.fill('Embed guest')
  await page.getByRole('button', { name: 'Start chat' }).click()
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText("I'm the Parley demo bot")

  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill('Is size 44 in stock? (attributes)')
  await box.press('Enter')
  await page.getByRole('button', { name: 'Close chat' }).click()
  // the bot's reply arrives while the panel is closed
  await expect(page).toHaveTitle('(1) Shop')
  await page.getByRole('button', { name: 'Open chat, 1 unread' }).click()
  await expect(page).toHaveTitle('Shop')

  // the agent ends it: no rating form, only a new start
  await desk.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await desk.getByRole('button').filter({ hasText: 'Embed guest' }).click()
  await expect(desk.getByRole('region', { name: 'About the guest' })).toContainText('B-2002')
  await desk.getByRole('button', { name: 'End conversation' }).click()
  await expect(page.getByText('The conversation has ended', { exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Start a new chat' })).toBeVisible()
  await expect(page.getByRole('radio')).toHaveCount(0)

  // cleared from this device: the next conversation asks for the details again
  await page.evaluate(() => window.Parley?.endChat())
  await expect(page.getByRole('button', { name: 'Start chat' })).toBeVisible()
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('')
  expect(w.problems).toEqual([])
  await Promise.all([context.close(), deskContext.close()])
})

test('rich content in the shadow root of a hostile page: styled quick replies, an uploaded image and its larger view', async ({ page }) => {
  const w = await watchPage(page)
  await hostilePage(page, true)
  await page.getByRole('button', { name: 'Open chat', exact: true }).click()
  const log = page.getByRole('log', { name: 'Messages' })
  const quick = log.getByRole('button', { name: 'Track my order' })
  await expect(quick).toBeVisible()
  // the chips' own styles reached the shadow root (the host's CSS did not)
  expect(await quick.evaluate((b) => getComputedStyle(b).borderRadius)).toBe('999px')
  await quick.click()
  await expect(log).toContainText('Type your order number')
  // answered: the choices are gone
  await expect(quick).toHaveCount(0)
  await page.getByLabel('Attach file').setInputFiles({ name: 'shadow.png', mimeType: 'image/png', buffer: PNG })
  await expect(page.getByRole('list', { name: 'Attached files' }).getByRole('progressbar')).toHaveCount(0)
  await page.getByRole('button', { name: 'Send' }).click()
  const img = log.getByRole('img', { name: 'shadow.png' })
  await expect.poll(() => img.evaluate((el) => (el instanceof HTMLImageElement ? el.naturalWidth : 0))).toBeGreaterThan(0)
  await log.getByRole('button', { name: 'shadow.png' }).click()
  await expect(page.getByRole('dialog', { name: 'shadow.png' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(page.getByRole('region', { name: 'Support' })).toBeVisible()
  expect(w.problems).toEqual([])
})
