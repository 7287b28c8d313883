/**
 * Issue 29, the six bugs a first-time visitor met, in Chromium: the list follows the conversation through an
 * image that grows as it loads, the phone layout on a page wider than the screen, link contrast in both
 * bubbles and both themes, the open state after a reload, mixed-direction text, and sending while offline.
 */
import { expect, test, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'
import { axeViolations } from '../support/axe'
import { PNG_2X2 as PNG } from '../support/png'

async function openWidget(page: Page, url = '/'): Promise<void> {
  await page.goto(url)
  await page.getByRole('button', { name: /^Open chat/ }).click()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText(/Parley demo bot|Parley/)
}

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

/** Pixels between the end of the list's content and the bottom of what it shows. */
const belowView = (page: Page): Promise<number> =>
  page.getByRole('log', { name: 'Messages' }).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)

test('the list keeps following through an image that grows as it loads, and after every send', async ({ page }) => {
  // the picture arrives late and larger than nothing, as over a real network: the list must follow its growth
  const tall = '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160"><rect width="240" height="160" fill="#4a7"/></svg>'
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'image') return route.fallback()
    await new Promise((r) => setTimeout(r, 800))
    await route.fulfill({ contentType: 'image/svg+xml', body: tall })
  })
  await openWidget(page)
  const log = page.getByRole('log', { name: 'Messages' })
  for (const n of [1, 2, 3]) {
    await say(page, `Question ${n}`)
    await expect(log).toContainText(`You said: "Question ${n}"`)
  }
  await page.getByLabel('Attach file').setInputFiles({ name: 'boot.png', mimeType: 'image/png', buffer: PNG })
  await expect(page.getByRole('list', { name: 'Attached files' }).getByRole('progressbar')).toHaveCount(0)
  await say(page, 'A photo of the boot')
  await expect(log).toContainText('You said: "A photo of the boot"')
  const img = log.getByRole('img', { name: 'boot.png' })
  await expect.poll(() => img.evaluate((el) => (el instanceof HTMLImageElement ? el.naturalHeight : 0))).toBe(160)
  await expect.poll(() => belowView(page)).toBeLessThan(2)
  await say(page, 'And one more')
  await expect(log).toContainText('You said: "And one more"')
  await expect.poll(() => belowView(page)).toBeLessThan(2)
  await expect(page.getByRole('button', { name: /Jump to latest/ })).toHaveCount(0)

  // scrolled up while the bot answers (it takes 400 ms), the reply is counted on the pill, below the list
  await say(page, 'While reading back')
  await log.evaluate((el) => el.scrollTo({ top: 0 }))
  await expect(log).toContainText('You said: "While reading back"')
  const pill = page.getByRole('button', { name: /Jump to latest/ })
  await expect(pill).toBeVisible()
  await expect(pill).toContainText('1')
  const [p, l] = [await pill.boundingBox(), await log.boundingBox()]
  expect(p && l && p.y >= l.y + l.height).toBe(true)
  await pill.click()
  await expect.poll(() => belowView(page)).toBeLessThan(2)
  await expect(pill).toHaveCount(0)
})

test.describe('a phone on a page wider than the screen', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })

  test('the launcher and the full-screen panel fit the visual viewport, close and send in reach', async ({ page }) => {
    // a site that is not responsive: 650 px of layout on a 390 px screen
    await page.addInitScript(() => {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync('body { min-width: 650px }')
      document.adoptedStyleSheets = [sheet]
    })
    await page.goto('/')
    await expect.poll(() => page.evaluate(() => window.innerWidth)).toBeGreaterThan(600)
    const launcher = page.getByRole('button', { name: /^Open chat/ })
    const box = await launcher.boundingBox()
    expect(box && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844).toBe(true)
    await launcher.click()
    const dialog = page.getByRole('dialog')
    await expect(dialog).toBeVisible()
    expect(await dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 })
    for (const name of ['Close chat', 'Send']) {
      const b = await page.getByRole('button', { name, exact: true }).boundingBox()
      expect(b && b.x >= 0 && b.x + b.width <= 390, name).toBe(true)
    }
  })

  test('the script tag: its launcher before the panel loads, and the panel after, are on screen', async ({ page }) => {
    await page.addInitScript(() => {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync('body { min-width: 650px }')
      document.adoptedStyleSheets = [sheet]
    })
    await page.goto('/embed-demo.html')
    await expect.poll(() => page.evaluate(() => window.innerWidth)).toBeGreaterThan(600)
    const launcher = page.getByRole('button', { name: /^Open chat/ })
    await expect.poll(async () => {
      const b = await launcher.boundingBox()
      return Boolean(b && b.x >= 0 && b.x + b.width <= 390 && b.y + b.height <= 844)
    }).toBe(true)
    await launcher.click()
    const dialog = page.getByRole('dialog')
    await expect(dialog).toBeVisible()
    expect(await dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 })
    const send = await page.getByRole('button', { name: 'Send', exact: true }).boundingBox()
    expect(send && send.x + send.width <= 390).toBe(true)
  })

  test('the demo page itself fits a phone', async ({ page }) => {
    await page.goto('/')
    await expect(page.getByRole('button', { name: /^Open chat/ })).toBeVisible()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  })
})

for (const theme of ['light', 'dark']) {
  test(`links in both bubbles keep the bubble's colour and an underline, no axe violations (${theme})`, async ({ page }) => {
    await openWidget(page, `/?theme=${theme}`)
    await say(page, 'See https://example.com/boots please')
    const log = page.getByRole('log', { name: 'Messages' })
    await expect(log.locator('.parley-theirs a[href="https://example.com/boots"]')).toBeVisible()
    const mine = log.locator('.parley-mine a[href="https://example.com/boots"]')
    await expect(mine).toBeVisible()
    const [link, bubble] = await mine.evaluate((a) => [getComputedStyle(a), getComputedStyle(a.closest('.parley-bubble') ?? a)].map((s) => [s.color, s.textDecorationLine]))
    expect(link?.[0]).toBe(bubble?.[0])
    expect(link?.[1]).toBe('underline')
    expect(await axeViolations(page)).toEqual([])
  })
}

test('a reload mid-conversation brings the widget back open', async ({ page }) => {
  await openWidget(page)
  await say(page, 'Before the reload')
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('You said: "Before the reload"')
  await page.reload()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('You said: "Before the reload"')
  // closed on purpose, it stays closed after the next reload
  await page.getByRole('button', { name: 'Close chat' }).click()
  await page.reload()
  await expect(page.getByRole('button', { name: /^Open chat/ })).toBeVisible()
  await expect(page.getByRole('log', { name: 'Messages' })).toHaveCount(0)
})

test('in Hebrew, English text in a bubble, the composer and a name runs left to right', async ({ page }) => {
  await page.goto('/?lang=he')
  await page.locator('.parley-launcher').click()
  const log = page.locator('.parley-list')
  await expect(log).toContainText('Parley demo bot')
  const box = page.locator('.parley-root textarea')
  await box.fill('Good morning from an English speaker')
  await box.press('Enter')
  await expect(log).toContainText('You said: "Good morning from an English speaker"')
  const dirOf = (selector: string): Promise<string> => page.locator(selector).last().evaluate((el) => getComputedStyle(el).direction)
  expect(await dirOf('.parley-mine .parley-bubble')).toBe('ltr')
  expect(await dirOf('.parley-theirs .parley-bubble')).toBe('ltr')
  expect(await dirOf('.parley-author')).toBe('ltr')
  await box.fill('Typing in English')
  expect(await dirOf('.parley-root textarea')).toBe('ltr')
  expect(await page.locator('.parley-root').getAttribute('dir')).toBe('rtl')
})

test('offline, a message says "Waiting for connection" and the banner says "Back online" once the link returns', async ({ page, context }) => {
  await openWidget(page)
  await context.setOffline(true)
  await expect(page.getByRole('status').filter({ hasText: "You're offline" })).toBeVisible()
  await say(page, 'Sent while offline')
  const mine = page.locator('.parley-mine').filter({ hasText: 'Sent while offline' })
  await expect(mine).toContainText('Waiting for connection')
  await expect(mine).not.toContainText('Sending')
  await context.setOffline(false)
  await expect(page.getByRole('status').filter({ hasText: 'Back online' })).toBeVisible()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('You said: "Sent while offline"')
  await expect(page.getByRole('status').filter({ hasText: 'Back online' })).toHaveCount(0, { timeout: 8000 })
})

test('the options menu: plain wording, arrow keys, and ending is confirmed inside the widget (no browser dialog)', async ({ page }) => {
  const dialogs: string[] = []
  page.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()))
  await openWidget(page)
  await say(page, 'Menu check')
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('You said: "Menu check"')
  const options = page.getByRole('button', { name: 'Chat options' })
  await options.focus()
  await page.keyboard.press('ArrowDown')
  const sound = page.getByRole('button', { name: 'Sound' })
  await expect(sound).toBeFocused()
  await page.keyboard.press('End')
  const end = page.getByRole('button', { name: 'End conversation' })
  await expect(end).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(sound).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(end).toBeFocused()
  // the confirmation is in the menu, Cancel focused: Enter twice does not end the chat
  await page.keyboard.press('Enter')
  await expect(page.getByText('End the conversation? Its messages are also cleared from this device.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(end).toBeVisible()
  await expect(log).toContainText('Menu check')
  await end.click()
  await page.getByRole('button', { name: 'Yes, end it' }).click()
  await expect(page.getByRole('button', { name: /^Open chat/ })).toBeFocused()
  expect(dialogs).toEqual([])
})

test('who I am talking to: the bot, then waiting for a person, then the agent by name; bot and agent bubbles differ', async ({ browser }) => {
  const [g, a] = [await browser.newContext(), await browser.newContext()]
  const guest = await g.newPage()
  const agent = await a.newPage()
  await openWidget(guest)
  const header = guest.locator('.parley-header')
  await expect(header.getByRole('status')).toHaveText(/Parley bot\s*· automated assistant/)
  const log = guest.getByRole('log', { name: 'Messages' })
  await log.getByRole('button', { name: 'Talk to a person' }).click()
  await expect(log).toContainText("I've asked the team to join. A person will join shortly.")
  await expect(log).not.toContainText('you said')
  await expect(header.getByRole('status')).toContainText('A person will join shortly')
  // the bot's bubble is outlined, not filled like a person's
  const botBubble = log.locator('.parley-by-bot .parley-bubble').last()
  expect(await botBubble.evaluate((el) => getComputedStyle(el).borderStyle)).toBe('dashed')

  const marker = `Who question ${Date.now()}`
  await say(guest, marker)
  await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await agent.getByRole('button').filter({ hasText: marker }).first().click()
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Ada here, happy to help.')
  await agent.getByRole('button', { name: 'Send reply' }).click()
  await expect(log).toContainText('Ada here, happy to help.')
  await expect(header.getByRole('status')).toHaveText(/Ada\s*· support team/)
  const agentBubble = log.locator('.parley-by-agent .parley-bubble').last()
  expect(await agentBubble.evaluate((el) => getComputedStyle(el).borderStyle)).not.toBe('dashed')
  expect(await axeViolations(guest)).toEqual([])
  await Promise.all([g.close(), a.close()])
})

test('the composer grows up to about six lines, then scrolls; a counter shows near the limit', async ({ page }) => {
  await openWidget(page)
  const box = page.getByRole('textbox', { name: 'Message' })
  const height = async (): Promise<number> => (await box.boundingBox())?.height ?? 0
  const two = await height()
  await box.fill('one\ntwo\nthree\nfour')
  const four = await height()
  expect(four).toBeGreaterThan(two + 20)
  await box.fill(Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n'))
  const capped = await height()
  expect(capped).toBeGreaterThan(four)
  expect(capped).toBeLessThan(two * 3.2)
  expect(await box.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true)
  await box.fill('x'.repeat(3500))
  await expect(page.locator('.parley-count')).toHaveCount(0)
  await box.fill('x'.repeat(3700))
  await expect(page.locator('.parley-count')).toHaveText('3,700 / 4,000')
  await box.fill('x'.repeat(4001))
  await expect(page.getByRole('alert')).toContainText('4,001 / 4,000')
})

test('times: one under each run of messages within a minute, the exact time on hover and on a tap', async ({ page }) => {
  const minute = (): number => Math.floor(Date.now() / 60_000)
  const start = minute()
  await openWidget(page)
  const log = page.getByRole('log', { name: 'Messages' })
  for (const text of ['First of two', 'Second of two']) {
    await say(page, text)
    await expect(log).toContainText(`You said: "${text}"`)
  }
  // greeting, two questions and two answers: one time under the last, or two across a minute boundary
  const times = log.locator('time')
  await expect.poll(() => times.count()).toBeLessThanOrEqual(minute() === start ? 1 : 2)
  const time = log.locator('.parley-row').last().locator('time')
  await expect(time).toHaveCount(1)
  const exact = await time.getAttribute('title')
  expect(exact).toMatch(/\d{4}/)
  const short = await time.textContent()
  await time.click()
  await expect(time).toHaveText(exact ?? '')
  await time.click()
  await expect(time).toHaveText(short ?? '')
})

test('a reply while the panel is closed shows beside the launcher; a click on it opens the chat', async ({ page }) => {
  await openWidget(page)
  await say(page, 'Preview me')
  // closed before the bot answers (it takes 400 ms)
  await page.getByRole('button', { name: 'Close chat' }).click()
  const preview = page.getByRole('button', { name: /Parley bot: .*Preview me/ })
  await expect(preview).toBeVisible()
  await expect(page.getByRole('button', { name: 'Open chat, 1 unread message' })).toBeVisible()
  await preview.click()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText('You said: "Preview me"')
  await expect(preview).toHaveCount(0)
})
