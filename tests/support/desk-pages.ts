/**
 * A guest on the demo page and an agent signed in at the desk, each in a browser context of its own: the
 * scene of the desk's browser tests.
 */
import { expect, type Browser, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'

export interface GuestAndAgent {
  guest: Page
  agent: Page
  close(): Promise<void>
}

/** The guest's chat is opened; `agentInit` runs in the desk page before its own scripts. */
export async function guestAndAgent(browser: Browser, options: { viewport?: { width: number; height: number }; agentInit?: string } = {}): Promise<GuestAndAgent> {
  const g = await browser.newContext()
  const a = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } })
  const guest = await g.newPage()
  const agent = await a.newPage()
  if (options.agentInit) await agent.addInitScript(options.agentInit)
  await guest.goto('/')
  await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await expect(agent.getByText('Signed in as')).toBeVisible()
  await guest.getByRole('button', { name: 'Open chat' }).click()
  return { guest, agent, close: async () => void (await Promise.all([g.close(), a.close()])) }
}

/** The guest sends `text` and sees the demo bot's echo of it. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText(`You said: "${text}"`)
}
