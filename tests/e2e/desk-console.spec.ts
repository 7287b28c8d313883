/**
 * Issue 28 (alerts, keyboard, layout) in Chromium: sound, desktop notification and the unread count in the
 * title, each switchable; shortcuts with a help overlay; on a phone the list and the conversation are two
 * screens. The Web Audio oscillator and the Notification constructor are observed, the tab's visibility faked.
 */
import { expect, test } from '@playwright/test'
import { OBSERVE } from '../support/attention-observer'
import { guestAndAgent, say } from '../support/desk-pages'

test('alerts: a sound and the title count for a guest message, a notification while hidden; each can be switched off', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser, { agentInit: OBSERVE })
  const run = Date.now()
  // browsers allow sound once the agent has used the page
  await agent.getByText('Alerts and shortcuts').click()
  await say(guest, `First ${run}`)
  await expect.poll(() => agent.evaluate(() => window.__beeps)).toBeGreaterThan(0)
  await expect(agent).toHaveTitle(/^\(\d+\) Parley desk$/)

  await agent.getByRole('checkbox', { name: 'Desktop notifications' }).check()
  await expect(agent.getByRole('checkbox', { name: 'Desktop notifications' })).toBeChecked()
  await agent.evaluate(() => window.__setHidden(true))
  await say(guest, `While hidden ${run}`)
  await expect.poll(() => agent.evaluate(() => window.__notes.map((n) => n.body))).toContain(`While hidden ${run}`)
  await agent.evaluate(() => window.__setHidden(false))

  await agent.getByRole('checkbox', { name: 'Sound' }).uncheck()
  await agent.getByRole('checkbox', { name: 'Unread count on the tab' }).uncheck()
  const before = await agent.evaluate(() => window.__beeps)
  await say(guest, `Quiet ${run}`)
  await expect(agent.getByRole('button').filter({ hasText: `Quiet ${run}` })).toBeVisible()
  expect(await agent.evaluate(() => window.__beeps)).toBe(before)
  await expect(agent).toHaveTitle('Parley desk')
  await close()
})

test('keyboard: ? shows the shortcuts, n opens the next waiting conversation, a takes it, r focuses the reply', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser, { agentInit: OBSERVE })
  await guest.getByRole('log', { name: 'Messages' }).getByRole('button', { name: 'Talk to a person' }).click()
  const marker = `Keyboard guest ${Date.now()}`
  await say(guest, marker)
  await expect(agent.getByRole('button').filter({ hasText: marker })).toBeVisible()

  await agent.keyboard.press('?')
  const help = agent.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help).toBeVisible()
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused()
  await agent.keyboard.press('Escape')
  await expect(help).toHaveCount(0)

  // the longest waiting first: press n until this guest's conversation is open (others may wait too)
  const transcript = agent.getByRole('log', { name: 'Transcript' })
  for (let i = 0; i < 20 && !(await transcript.isVisible() && (await transcript.innerText()).includes(marker)); i++) {
    await agent.keyboard.press('n')
    await agent.waitForTimeout(150)
  }
  await expect(transcript).toContainText(marker)
  await agent.keyboard.press('a')
  await expect(agent.getByText('You are handling it')).toBeVisible()
  await expect(guest.getByRole('log', { name: 'Messages' })).toContainText('Ada joined the chat')
  await agent.keyboard.press('r')
  await expect(agent.getByRole('textbox', { name: 'Reply' })).toBeFocused()
  // in the reply box the keys are text, not shortcuts
  await agent.keyboard.type('and now')
  await expect(agent.getByRole('textbox', { name: 'Reply' })).toHaveValue('and now')
  await close()
})

test('phone: the list and the conversation are two screens, with a way back', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser, { viewport: { width: 390, height: 844 }, agentInit: OBSERVE })
  const marker = `Phone guest ${Date.now()}`
  await say(guest, marker)
  const row = agent.getByRole('button').filter({ hasText: marker })
  await expect(row).toBeVisible()
  await expect(agent.getByText('Choose a conversation.')).toBeHidden()
  await row.click()
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText(marker)
  await expect(row).toBeHidden()
  // nothing wider than the screen
  expect(await agent.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  await agent.getByRole('button', { name: 'Back to the list' }).click()
  await expect(row).toBeVisible()
  await expect(agent.getByRole('log', { name: 'Transcript' })).toHaveCount(0)
  await close()
})
