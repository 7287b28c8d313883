/**
 * Issue 28 (the transcript) in Chromium: the sign-in page, bubbles that tell guest, bot and agent apart,
 * labels instead of ids, a day separator, a transcript that follows new messages (images included) with a
 * "new messages" pill when the agent has scrolled up, and the guest's language and device in the guest panel.
 */
import { expect, test, type Locator } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'
import { guestAndAgent, say } from '../support/desk-pages'



/** Pixels between the bottom of the scrolled content and the bottom of its box. */
const gap = (log: Locator): Promise<number> => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)

test('the sign-in page says where the token comes from; a wrong token gets a visible error', async ({ page }) => {
  await page.goto('/desk')
  await expect(page.getByRole('heading', { name: 'Parley agent desk' })).toBeVisible()
  const field = page.getByLabel('Desk token')
  await expect(field).toHaveAccessibleDescription(/npm run desk -- agent add/)
  await field.fill('not-a-token')
  await page.getByRole('button', { name: 'Sign in' }).click()
  const error = page.getByRole('alert')
  await expect(error).toHaveText('The desk token was not accepted.', { timeout: 15_000 })
  // styled like the widget's alerts, not plain black text on white
  const styles = await error.evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, border: getComputedStyle(el).borderLeftWidth }))
  expect(styles.bg).not.toBe('rgba(0, 0, 0, 0)')
  expect(styles.border).toBe('4px')
})

test('bubbles tell guest, bot and agent apart; a choice shows its label; a day separator; times', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser)
  const log = guest.getByRole('log', { name: 'Messages' })
  await log.getByRole('button', { name: 'Track my order' }).click()
  await expect(log).toContainText('Type your order number')
  const marker = `Bubbles ${Date.now()}`
  await say(guest, marker)
  await agent.getByRole('button').filter({ hasText: marker }).click()
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Hello from the desk')
  await agent.getByRole('button', { name: 'Send reply' }).click()

  const transcript = agent.getByRole('log', { name: 'Transcript' })
  await expect(transcript.locator('.desk-agent')).toContainText('Hello from the desk')
  await expect(transcript.locator('.desk-guest').filter({ hasText: marker })).toHaveCount(1)
  await expect(transcript.locator('.desk-bot').first()).toContainText('Parley demo bot')
  // the guest's choice by its label, never the payload id
  await expect(transcript).toContainText('chose “Track my order”')
  await expect(transcript).not.toContainText('track-order')
  await expect(transcript.getByRole('separator', { name: 'Today' })).toHaveCount(1)
  await expect(transcript.locator('.desk-guest time').first()).toHaveText(/\d{1,2}[:.]\d{2}/)
  // three looks: the guest's bubble, the agent's in the accent colour, the bot's outlined
  const bg = (l: Locator): Promise<string> => l.locator('.desk-bubble').first().evaluate((el) => getComputedStyle(el).backgroundColor)
  const [g, b, a] = await Promise.all([bg(transcript.locator('.desk-guest').last()), bg(transcript.locator('.desk-bot').first()), bg(transcript.locator('.desk-agent'))])
  expect(new Set([g, b, a]).size).toBe(3)
  expect(a).toBe('rgb(11, 110, 79)')
  await close()
})

test('the transcript follows new messages and images; scrolled up, a pill counts them', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser)
  const run = Date.now()
  for (let i = 1; i <= 6; i++) await say(guest, `Line ${i} of ${run}`)
  await agent.getByRole('button').filter({ hasText: `Line 6 of ${run}` }).click()
  const transcript = agent.getByRole('log', { name: 'Transcript' })
  await expect(transcript).toContainText(`You said: "Line 6 of ${run}"`)
  // opened at the newest message
  await expect.poll(() => gap(transcript)).toBeLessThan(2)
  expect(await transcript.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true)

  // an image the guest sends arrives, loads, grows the transcript: still at the bottom
  const png = await guest.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = 240
    c.height = 300
    const ctx = c.getContext('2d')
    if (ctx) ctx.fillRect(0, 0, 240, 300)
    return c.toDataURL('image/png').split(',')[1] ?? ''
  })
  await guest.getByLabel('Attach file').setInputFiles({ name: 'tall.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') })
  await expect(guest.getByRole('list', { name: 'Attached files' }).getByRole('progressbar')).toHaveCount(0)
  await say(guest, `Picture ${run}`)
  const img = transcript.getByRole('img', { name: 'tall.png' })
  await expect.poll(() => img.evaluate((el) => (el instanceof HTMLImageElement ? el.naturalHeight : 0))).toBeGreaterThan(0)
  await expect(transcript).toContainText(`You said: "Picture ${run}"`)
  await expect.poll(() => gap(transcript)).toBeLessThan(2)
  await expect(img).toBeInViewport()

  // scrolled up: new messages do not move the view, a pill says they came, and brings the agent down
  await transcript.evaluate((el) => el.scrollTo({ top: 0 }))
  await say(guest, `While away ${run}`)
  const pill = agent.getByRole('button', { name: /new messages?/ })
  await expect(pill).toBeVisible()
  expect(await transcript.evaluate((el) => el.scrollTop)).toBe(0)
  await pill.click()
  await expect(pill).toHaveCount(0)
  await expect.poll(() => gap(transcript)).toBeLessThan(2)

  // the agent's own reply always brings her to it
  await transcript.evaluate((el) => el.scrollTo({ top: 0 }))
  await agent.getByRole('textbox', { name: 'Reply' }).fill(`Answer ${run}`)
  await agent.getByRole('button', { name: 'Send reply' }).click()
  await expect(transcript.locator('.desk-agent').filter({ hasText: `Answer ${run}` })).toBeInViewport()
  await close()
})

test("the guest panel names the guest's language and device, from the browser's own headers", async ({ browser }) => {
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1'
  const g = await browser.newContext({ userAgent: iphone, extraHTTPHeaders: { 'Accept-Language': 'de-CH,de;q=0.9' } })
  const a = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const guest = await g.newPage()
  const agent = await a.newPage()
  await guest.goto('/')
  await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await guest.getByRole('button', { name: 'Open chat' }).click()
  const marker = `Device ${Date.now()}`
  await guest.getByRole('textbox', { name: 'Message' }).fill(marker)
  await guest.getByRole('textbox', { name: 'Message' }).press('Enter')
  await agent.getByRole('button').filter({ hasText: marker }).click()
  const panel = agent.getByRole('region', { name: 'About the guest' })
  await expect(panel.getByRole('definition').filter({ hasText: 'Safari on iPhone' })).toBeVisible()
  await expect(panel.getByRole('definition').filter({ hasText: 'de-CH' })).toHaveText('Swiss High German · de-CH')
  await Promise.all([g.close(), a.close()])
})
