/**
 * Issue 10, first part, in Chromium: the whole chat by keyboard, and the phone layout (under 640 px the
 * panel is a full-screen modal dialog: focus stays inside, the page behind does not scroll, the panel follows
 * the visual viewport when the on-screen keyboard opens), with a screenshot against a stored baseline.
 */
import { expect, test } from '@playwright/test'
import { axeViolations } from '../support/axe'

test('keyboard only: Tab reaches the launcher, Enter opens, focus in the composer, Escape closes back to it', async ({ page }) => {
  await page.goto('/')
  const launcher = page.getByRole('button', { name: 'Open chat' })
  await expect(launcher).toBeVisible()
  for (let i = 0; i < 40 && !(await launcher.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
  await expect(launcher).toBeFocused()
  await page.keyboard.press('Enter')
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeFocused()
  // Shift+Tab from the composer walks back to the bot's quick replies; Enter picks one
  const log = page.getByRole('log', { name: 'Messages' })
  const quick = log.getByRole('button', { name: 'Talk to a person' })
  await expect(quick).toBeVisible()
  for (let i = 0; i < 10 && !(await quick.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Shift+Tab')
  await expect(quick).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(log).toContainText("I've asked the team to join")
  await box.focus()
  await page.keyboard.type('A question by keyboard')
  await page.keyboard.press('Enter')
  await expect(log).toContainText('You said: "A question by keyboard"')
  await page.keyboard.press('Escape')
  await expect(box).toHaveCount(0)
  await expect(launcher).toBeFocused()
})

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('full screen as a modal dialog: focus trapped, page locked, the composer follows the keyboard; screenshot', async ({ page }) => {
    // the on-screen keyboard cannot be opened in a test: a stand-in visual viewport is resized instead
    await page.addInitScript(() => {
      const fake = Object.assign(new EventTarget(), { height: window.innerHeight, offsetTop: 0, width: window.innerWidth })
      Object.defineProperty(window, 'visualViewport', { configurable: true, get: () => fake })
      Object.assign(window, { __viewport: fake })
    })
    await page.goto('/')
    await page.getByRole('button', { name: 'Open chat' }).click()
    const dialog = page.getByRole('dialog', { name: 'Northwind support' })
    await expect(dialog).toHaveAttribute('aria-modal', 'true')
    expect(await dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 })
    expect(await page.evaluate(() => document.documentElement.style.overflow)).toBe('hidden')
    const log = page.getByRole('log', { name: 'Messages' })
    await expect(log.getByRole('button', { name: 'Talk to a person' })).toBeVisible()
    await expect(page).toHaveScreenshot('phone-open.png', { maxDiffPixelRatio: 0.02 })

    // Tab and Shift+Tab stay inside
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab')
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true)
    }
    await page.getByRole('button', { name: 'Close chat' }).focus()
    await page.keyboard.press('Shift+Tab')
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true)

    // the keyboard takes the lower 300 px: the panel shrinks to what is left and the composer stays in view
    await page.evaluate(() => {
      const v = (window as unknown as { __viewport: EventTarget & { height: number } }).__viewport
      v.height = 544
      v.dispatchEvent(new Event('resize'))
    })
    await expect.poll(async () => (await dialog.boundingBox())?.height).toBe(544)
    const composer = await page.getByRole('textbox', { name: 'Message' }).boundingBox()
    expect((composer?.y ?? 0) + (composer?.height ?? 0)).toBeLessThanOrEqual(544)

    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
    expect(await page.evaluate(() => document.documentElement.style.overflow)).toBe('')
  })
})

test('right to left in Hebrew: the panel mirrors (own messages on the left, send at the left end) in the corner the host chose, with no axe violations', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 700 })
  await page.goto('/?lang=he')
  const launcher = page.getByRole('button', { name: 'פתיחת הצ׳אט' })
  // position="right" is a physical corner: it does not turn with the language
  expect((await launcher.boundingBox())?.x ?? 0).toBeGreaterThan(700)
  await launcher.click()
  await expect(page.locator('.parley-root')).toHaveAttribute('dir', 'rtl')
  const box = page.getByRole('textbox', { name: 'הודעה' })
  await expect(box).toBeFocused()
  await box.fill('שלום, where is my parcel?')
  await box.press('Enter')
  const log = page.getByRole('log', { name: 'הודעות' })
  await expect(log).toContainText('You said:')
  await expect(log.locator('.parley-status').first()).toHaveText(/נמסרה|נקראה|נשלחה/)
  const mine = await log.locator('.parley-mine .parley-bubble').first().boundingBox()
  const theirs = await log.locator('.parley-theirs .parley-bubble').first().boundingBox()
  // the guest's bubble sits at the inline end, which is the left in right-to-left
  expect(mine?.x ?? 900).toBeLessThan(theirs?.x ?? 0)
  const send = await page.getByRole('button', { name: 'שליחה' }).boundingBox()
  expect(send?.x ?? 900).toBeLessThan((await box.boundingBox())?.x ?? 0)
  expect(await axeViolations(page)).toEqual([])
  // the dates and times of the day separator come from Intl in Hebrew
  await expect(log.locator('.parley-day').first()).toHaveText('היום')
  await expect(page.locator('.parley-panel')).toHaveScreenshot('rtl-open.png', { maxDiffPixelRatio: 0.02 })
})
