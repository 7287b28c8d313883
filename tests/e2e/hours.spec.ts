/**
 * Issue 8, outside business hours: the widget offers a message for the team instead of a chat, the
 * message reaches the desk as an offline conversation with the address to answer, and no chat session
 * is opened for it. Runs against its own BFF whose only opening hour is three days away.
 */
import { expect, test } from '@playwright/test'
import { E2E_DESK_TOKEN, E2E_HOURS_PORT } from '../../playwright.config'
import { startBff, type BffProcess } from '../support/bff-process'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const inThreeDays = new Date(Date.now() + 3 * 86_400_000)
const openDay = DAYS[inThreeDays.getUTCDay()] ?? 'Mon'
const openDayLong = inThreeDays.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })

let bff: BffProcess
test.beforeAll(async () => {
  bff = await startBff(E2E_HOURS_PORT, {
    PARLEY_BUSINESS_HOURS: `UTC ${openDay} 09:00-10:00`,
    PARLEY_TOKEN_SECRET: 'hours-secret-that-is-at-least-32-bytes-long',
    PARLEY_DESK_TOKEN: E2E_DESK_TOKEN,
  })
})
test.afterAll(async () => {
  bff.signal('SIGTERM')
  await bff.exited
})
test.use({ timezoneId: 'UTC', locale: 'en-US' })

test('outside business hours a guest leaves a message; the desk gets it with the address to answer', async ({ browser }) => {
  const guestContext = await browser.newContext()
  const page = await guestContext.newPage()
  await page.goto(`${bff.url}/`)
  await page.getByRole('button', { name: 'Open chat' }).click()

  await expect(page.getByText(`We're away right now. We're back ${openDayLong} 9:00`)).toBeVisible()
  // no composer, no chat: the offline form instead
  await expect(page.getByPlaceholder('Write a message…')).toHaveCount(0)
  await expect(page.getByRole('textbox', { name: 'Your name' })).toBeFocused()
  // the shared form styles apply (padded, one column)
  expect(await page.locator('form.parley-form').evaluate((el) => [getComputedStyle(el).paddingTop, getComputedStyle(el).flexDirection])).toEqual(['16px', 'column'])
  const text = `Do you ship to Norway? ${Date.now()}`
  await page.getByRole('textbox', { name: 'Your name' }).fill('Ola')
  await page.getByRole('textbox', { name: 'E-mail' }).fill('ola at example')
  await page.getByRole('textbox', { name: 'Your message' }).fill(text)
  await page.getByRole('button', { name: 'Leave message' }).click()
  // the browser refuses the address: nothing is sent yet
  expect(await page.getByRole('textbox', { name: 'E-mail' }).evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false)
  await page.getByRole('textbox', { name: 'E-mail' }).fill('ola@example.no')
  await page.getByRole('button', { name: 'Leave message' }).click()
  await expect(page.getByRole('status').filter({ hasText: "Thanks! We'll reply to ola@example.no." })).toBeVisible()
  // a message for later is not a chat: no guest session was created in this browser
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.endsWith(':session')))).toEqual([])

  const deskContext = await browser.newContext()
  const desk = await deskContext.newPage()
  await desk.goto(`${bff.url}/desk#token=${E2E_DESK_TOKEN}`)
  const item = desk.getByRole('button').filter({ hasText: text })
  await expect(item).toContainText('offline message')
  await item.click()
  await expect(desk.getByRole('log', { name: 'Transcript' })).toContainText(text)
  const about = desk.getByRole('region', { name: 'About the guest' })
  await expect(about).toContainText('Answer by e-mail: ola@example.no')
  await expect(about.getByRole('link', { name: 'ola@example.no' })).toHaveAttribute('href', 'mailto:ola%40example.no')
  // nobody waits in a widget for it: no reply box
  await expect(desk.getByRole('textbox', { name: 'Reply' })).toBeDisabled()
  await Promise.all([guestContext.close(), deskContext.close()])
})
