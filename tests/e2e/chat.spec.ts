/**
 * The walking skeleton end to end: a guest and the bot, a guest and a human agent, and handshakes that
 * must be refused.
 */
import { expect, test, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'

async function openWidget(page: Page): Promise<void> {
  await page.goto('/')
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused()
}

async function sendAsGuest(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

test('a guest opens the widget, sends a message and sees the bot reply', async ({ page }) => {
  await openWidget(page)
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText("I'm the Parley demo bot")
  await sendAsGuest(page, 'Do the boots run small?')
  await expect(log.locator('.parley-mine').filter({ hasText: 'Do the boots run small?' })).toHaveAttribute('data-status', /^(sent|delivered|read)$/)
  await expect(log).toContainText('You said: "Do the boots run small?"')
  // the composer is empty again and Shift+Enter adds a line instead of sending
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toHaveValue('')
  await box.fill('line one')
  await box.press('Shift+Enter')
  await box.pressSequentially('line two')
  await expect(box).toHaveValue('line one\nline two')
})

test('a named agent signs in with the link the account was made with; the guest sees the account name, not one the agent typed', async ({ browser, request }) => {
  const made = await request.post('/api/desk/agents', { headers: { authorization: `Bearer ${E2E_DESK_TOKEN}` }, data: { name: `Grace Hopper ${Date.now()}` } })
  expect(made.status()).toBe(201)
  const { link, agent: account } = (await made.json()) as { link: string; agent: { id: string; name: string } }
  const guestContext = await browser.newContext()
  const agentContext = await browser.newContext()
  const guest = await guestContext.newPage()
  const agent = await agentContext.newPage()
  await openWidget(guest)
  const unique = `Who is there? #${Date.now()}`
  await sendAsGuest(guest, unique)

  await agent.goto(new URL(link).pathname + new URL(link).hash)
  await expect(agent.getByText('Signed in as')).toContainText(account.name)
  await agent.getByRole('button').filter({ hasText: unique }).click()
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Grace here.')
  await agent.getByRole('button', { name: 'Send reply' }).click()

  const guestLog = guest.getByRole('log', { name: 'Messages' })
  await expect(guestLog).toContainText(`${account.name} joined the chat`)
  await expect(guestLog).toContainText('Grace here.')
  // the desk names the account behind the reply, id included
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText(`sent by ${account.name} (${account.id})`)
  await guestContext.close()
  await agentContext.close()
})

test('a guest and a human agent at the desk exchange messages both ways', async ({ browser }) => {
  const guestContext = await browser.newContext()
  const agentContext = await browser.newContext()
  const guest = await guestContext.newPage()
  const agent = await agentContext.newPage()

  await openWidget(guest)
  const unique = `Is size 44 in stock? #${Date.now()}`
  await sendAsGuest(guest, unique)
  await expect(guest.getByRole('log', { name: 'Messages' })).toContainText(`You said: "${unique}"`)

  await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  // the token leaves the address bar once read
  await expect(agent).toHaveURL(/\/desk$/)
  const row = agent.getByRole('button').filter({ hasText: unique })
  await expect(row).toContainText('unread')
  await row.click()
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText(unique)
  await expect(row).not.toContainText('unread')

  await agent.getByRole('textbox', { name: 'Reply' }).fill('Yes, size 44 ships tomorrow.')
  await agent.getByRole('button', { name: 'Send reply' }).click()

  const guestLog = guest.getByRole('log', { name: 'Messages' })
  await expect(guestLog).toContainText('Ada joined the chat')
  await expect(guestLog).toContainText('Yes, size 44 ships tomorrow.')

  await sendAsGuest(guest, 'Great, thank you!')
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText('Great, thank you!')
  await agent.getByRole('button', { name: 'End conversation' }).click()
  await expect(guestLog).toContainText('The conversation has ended')
  await guestContext.close()
  await agentContext.close()
})
