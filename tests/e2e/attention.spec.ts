/**
 * Issue 8, getting the guest's attention in a real browser: a short sound for a reply they cannot see
 * (panel closed or tab hidden, never when muted or looking), a desktop notification while the tab is hidden
 * once they opted in, and the unread count in the page title. The Web Audio oscillator and the Notification
 * constructor are observed (wrapped), not replaced by the widget's own code; the tab's visibility is faked.
 */
import { expect, test } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'
import { beeps, notes, OBSERVE, setHidden } from '../support/attention-observer'

test('sound for unseen replies (not when looking, not when muted), notifications while hidden, count in the title', async ({ browser }) => {
  const guestContext = await browser.newContext()
  const page = await guestContext.newPage()
  await page.addInitScript(OBSERVE)
  await page.goto('/')
  const title = await page.title()
  await page.getByRole('button', { name: 'Open chat' }).click()
  const question = `Can I return worn boots ${Date.now()}?`
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(question)
  await box.press('Enter')
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText(`You said: "${question}"`)
  // the bot answered while the guest was looking: no sound
  expect(await beeps(page)).toBe(0)

  const deskContext = await browser.newContext()
  const desk = await deskContext.newPage()
  await desk.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await desk.getByRole('button').filter({ hasText: question }).click()
  const reply = async (text: string) => {
    await desk.getByRole('textbox', { name: 'Reply' }).fill(text)
    await desk.getByRole('button', { name: 'Send reply' }).click()
  }

  // panel closed: a sound and the count in the title
  await page.getByRole('button', { name: 'Close chat' }).click()
  await reply('Reply one')
  await expect(page.getByRole('button', { name: 'Open chat, 1 unread' })).toBeVisible()
  await expect.poll(() => beeps(page)).toBe(1)
  await expect(page).toHaveTitle(`(1) ${title}`)

  // the guest opts in to desktop notifications from the options menu
  await page.getByRole('button', { name: 'Open chat, 1 unread' }).click()
  await expect(page).toHaveTitle(title)
  await page.getByRole('button', { name: 'Chat options' }).click()
  const notifications = page.getByRole('button', { name: 'Desktop notifications' })
  await expect(notifications).toHaveAttribute('aria-pressed', 'false')
  await notifications.click()
  await expect(notifications).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.press('Escape')
  // Escape closed the menu, not the panel
  await expect(notifications).toHaveCount(0)
  await expect(log).toBeVisible()

  // tab hidden, panel open: a sound and a notification naming the agent, the text as plain text
  await setHidden(page, true)
  await reply('Reply <b>two</b>')
  await expect.poll(() => notes(page)).toEqual([{ title: 'New message from Ada', body: 'Reply <b>two</b>', tag: 'parley-reply' }])
  await expect.poll(() => beeps(page)).toBe(2)
  await expect(page).toHaveTitle(`(1) ${title}`)
  await setHidden(page, false)
  await expect(page).toHaveTitle(title)

  // muted: no more sound, the choice is kept on this device
  await page.getByRole('button', { name: 'Chat options' }).click()
  const sound = page.getByRole('button', { name: 'Sound' })
  await expect(sound).toHaveAttribute('aria-pressed', 'true')
  await sound.click()
  await expect(sound).toHaveAttribute('aria-pressed', 'false')
  expect(await page.evaluate(() => localStorage.getItem('parley:muted'))).toBe('true')
  await page.getByRole('button', { name: 'Close chat' }).click()
  await reply('Reply three')
  await expect(page.getByRole('button', { name: 'Open chat, 1 unread' })).toBeVisible()
  expect(await beeps(page)).toBe(2)
  // visible tab: no notification either
  expect(await notes(page)).toHaveLength(1)
  await Promise.all([guestContext.close(), deskContext.close()])
})
