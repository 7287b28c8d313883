/**
 * Issue 28 (the look) in Chromium: axe finds nothing in the light and the dark theme (sign-in page and
 * console), and screenshots of the desk on a desktop, on a phone and in the dark theme match their stored
 * baselines. They run against a BFF of their own (another spec's desk left open would show as a colleague
 * online, and the view counts would wrap differently) with an account of their own, so "Mine" holds only the
 * conversation they set up; what changes from run to run (the generated guest name, times, counts) is masked.
 */
import { expect, test, type Browser, type Page } from '@playwright/test'
import { E2E_DESK_LOOK_PORT, E2E_DESK_TOKEN } from '../../playwright.config'
import { axeViolations } from '../support/axe'
import { startBff, type BffProcess } from '../support/bff-process'

let bff: BffProcess
test.beforeAll(async () => {
  bff = await startBff(E2E_DESK_LOOK_PORT, {
    PARLEY_DESK_TOKEN: E2E_DESK_TOKEN,
    PARLEY_DESK_ADMIN_NAME: 'Ada',
    PARLEY_TOKEN_SECRET: 'desk-look-secret-that-is-at-least-32-bytes',
  })
})
test.afterAll(async () => {
  bff.signal('SIGTERM')
  await bff.exited
})
test.use({ baseURL: `http://127.0.0.1:${E2E_DESK_LOOK_PORT}` })

/** A guest asks about an order, the bot answers with a card, a fixed-name agent takes it and replies. */
async function scene(browser: Browser, viewport: { width: number; height: number }, theme: 'light' | 'dark'): Promise<{ agent: Page; close(): Promise<void> }> {
  const admin = await browser.newContext()
  const made = await admin.request.post('/api/desk/agents', { headers: { authorization: `Bearer ${E2E_DESK_TOKEN}` }, data: { name: 'Sam Rivera' } })
  const { link } = (await made.json()) as { link: string }
  await admin.close()
  const g = await browser.newContext()
  const a = await browser.newContext({ viewport })
  const guest = await g.newPage()
  const agent = await a.newPage()
  await agent.addInitScript((t) => localStorage.setItem('parley-desk-theme', t), theme)
  await guest.goto('/')
  await guest.getByRole('button', { name: 'Open chat' }).click()
  const log = guest.getByRole('log', { name: 'Messages' })
  const box = guest.getByRole('textbox', { name: 'Message' })
  await box.fill('Where is my order A-12345?')
  await box.press('Enter')
  await expect(log.getByRole('link', { name: 'Open tracking page' })).toBeVisible()

  await agent.goto(new URL(link).pathname + new URL(link).hash)
  await expect(agent.getByText('Signed in as')).toContainText('Sam Rivera')
  await agent.getByRole('tab', { name: /^All/ }).click()
  // the newest conversation is this guest's
  await agent.getByRole('list', { name: 'Conversations' }).getByRole('button').filter({ hasText: 'Order A-12345' }).first().click()
  await agent.getByRole('button', { name: 'Take it' }).click()
  await expect(log).toContainText('Sam Rivera joined the chat')
  await agent.getByRole('textbox', { name: 'Reply' }).fill('It left our warehouse this morning: **2 working days** to you.')
  await agent.getByRole('button', { name: 'Send reply' }).click()
  await expect(agent.getByRole('log', { name: 'Transcript' }).getByText('Seen')).toBeVisible()
  // on a phone the list is the other screen
  if (viewport.width <= 720) await agent.getByRole('button', { name: 'Back to the list' }).click()
  await agent.getByRole('tab', { name: /^Mine/ }).click()
  await expect(agent.getByRole('list', { name: 'Conversations' }).getByRole('button')).toHaveCount(1)
  return { agent, close: async () => void (await Promise.all([g.close(), a.close()])) }
}

/** What differs between runs: the generated guest name and its initials, times, view counts, ids. */
const volatile = (agent: Page) => [
  agent.locator('time'),
  agent.locator('.desk-row-name, .desk-row-avatar, .desk-conv-title h2, .desk-count, .desk-by, .desk-badges'),
  agent.locator('.desk-guest .desk-meta bdi'),
]

test('axe finds nothing on the sign-in page and the console, light and dark', async ({ page, browser }) => {
  for (const theme of ['light', 'dark'] as const) {
    await page.addInitScript((t) => localStorage.setItem('parley-desk-theme', t), theme)
    await page.goto('/desk')
    await page.getByLabel('Desk token').fill('wrong-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert')).toBeVisible({ timeout: 15_000 })
    expect(await axeViolations(page), `sign-in, ${theme}`).toEqual([])
  }
  for (const theme of ['light', 'dark'] as const) {
    const { agent, close } = await scene(browser, { width: 1280, height: 800 }, theme)
    await expect(agent.locator('.desk')).toHaveClass(theme === 'dark' ? /parley-dark/ : /^(?!.*parley-dark)/)
    expect(await axeViolations(agent), `console, ${theme}`).toEqual([])
    await agent.getByText('Quick replies and a card').click()
    await agent.getByText('Alerts and shortcuts').click()
    expect(await axeViolations(agent), `console with the editors open, ${theme}`).toEqual([])
    await close()
  }
})

test('screenshot: desktop, light', async ({ browser }) => {
  const { agent, close } = await scene(browser, { width: 1280, height: 800 }, 'light')
  await expect(agent).toHaveScreenshot('desk-desktop.png', { mask: volatile(agent), maxDiffPixelRatio: 0.02 })
  await close()
})

test('screenshot: desktop, dark', async ({ browser }) => {
  const { agent, close } = await scene(browser, { width: 1280, height: 800 }, 'dark')
  await expect(agent).toHaveScreenshot('desk-dark.png', { mask: volatile(agent), maxDiffPixelRatio: 0.02 })
  await close()
})

test('screenshot: phone, the list and the conversation screen', async ({ browser }) => {
  const { agent, close } = await scene(browser, { width: 390, height: 844 }, 'light')
  await expect(agent).toHaveScreenshot('desk-phone-list.png', { mask: volatile(agent), maxDiffPixelRatio: 0.02 })
  await agent.getByRole('list', { name: 'Conversations' }).getByRole('button').click()
  await expect(agent.getByRole('log', { name: 'Transcript' }).getByText('Seen')).toBeVisible()
  await expect(agent).toHaveScreenshot('desk-phone.png', { mask: volatile(agent), maxDiffPixelRatio: 0.02 })
  await close()
})
