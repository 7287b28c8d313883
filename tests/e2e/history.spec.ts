/**
 * Issue 8, a long conversation in a real browser: after a reload the widget shows the newest page only,
 * scrolling to the top loads the earlier ones without moving what the reader looks at, and a reply that
 * arrives while the reader is scrolled up offers "Jump to latest" instead of pulling them down.
 */
import { expect, test } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'

const COUNT = 30 // each gets a bot reply: 60+ entries, more than the first page of 50

test('earlier messages page in at the top; a reply while scrolled up offers Jump to latest', async ({ browser }) => {
  test.setTimeout(90_000)
  const guestContext = await browser.newContext()
  const page = await guestContext.newPage()
  await page.goto('/')
  await page.getByRole('button', { name: 'Open chat' }).click()
  const log = page.getByRole('log', { name: 'Messages' })
  const run = Date.now()
  const box = page.getByRole('textbox', { name: 'Message' })
  for (let i = 1; i <= COUNT; i++) {
    await box.fill(`Question ${String(i).padStart(2, '0')} of ${run}?`)
    await box.press('Enter')
  }
  await expect(log).toContainText(`You said: "Question ${COUNT} of ${run}?"`, { timeout: 30_000 })

  // the panel was open: it comes back open after the reload
  await page.reload()
  await expect(log).toContainText(`Question ${COUNT} of ${run}?`)
  await expect(log).not.toContainText(`Question 01 of ${run}?`)
  await expect(page.getByRole('button', { name: 'Show earlier messages' })).toBeVisible()

  // the reader scrolls to the top: the page before lands above, and the view stays where it was
  await log.evaluate((el) => el.scrollTo({ top: 0 }))
  await expect(log).toContainText(`Question 01 of ${run}?`)
  await expect(log).toContainText("I'm the Parley demo bot")
  await expect(page.getByRole('button', { name: 'Show earlier messages' })).toHaveCount(0)
  expect(await log.evaluate((el) => el.scrollTop)).toBeGreaterThan(200)
  // every entry once, in order
  const mine = await page.locator('.parley-mine .parley-bubble').allInnerTexts()
  expect(mine.map((t) => t.replace(/^You:\s*/, ''))).toEqual(Array.from({ length: COUNT }, (_, i) => `Question ${String(i + 1).padStart(2, '0')} of ${run}?`))

  // scrolled up, an agent replies: no jump, an offer instead
  await log.evaluate((el) => el.scrollTo({ top: 0 }))
  const deskContext = await browser.newContext()
  const desk = await deskContext.newPage()
  await desk.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await desk.getByRole('button').filter({ hasText: `Question ${COUNT} of ${run}?` }).click()
  await desk.getByRole('textbox', { name: 'Reply' }).fill('Still there?')
  await desk.getByRole('button', { name: 'Send reply' }).click()
  await expect(log).toContainText('Still there?')
  expect(await log.evaluate((el) => el.scrollTop)).toBeLessThan(100)
  // the button counts the reply below
  const jump = page.getByRole('button', { name: 'Jump to latest 1' })
  await jump.click()
  await expect(page.locator('.parley-theirs').filter({ hasText: 'Still there?' })).toBeInViewport()
  await expect(jump).toHaveCount(0)
  await Promise.all([guestContext.close(), deskContext.close()])
})
