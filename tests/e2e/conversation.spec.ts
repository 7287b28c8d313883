/**
 * Issue 8, guest and agent in two browser contexts: typing with the agent's name, message states up to
 * "read", "Seen" at the desk, unread on the launcher and in the title, agent left / ended lines, rating at
 * the desk, a new chat, "End conversation", the pre-chat form and history paging.
 */
import { expect, test, type Browser, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'

async function guestAndAgent(browser: Browser, path = '/'): Promise<{ guest: Page; agent: Page; close(): Promise<void> }> {
  const g = await browser.newContext()
  const a = await browser.newContext()
  const guest = await g.newPage()
  const agent = await a.newPage()
  await guest.goto(path)
  await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  return { guest, agent, close: async () => void (await Promise.all([g.close(), a.close()])) }
}

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

async function agentOpens(agent: Page, text: string): Promise<void> {
  await agent.getByRole('button').filter({ hasText: text }).click()
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText(text)
}

async function agentSays(agent: Page, text: string): Promise<void> {
  await agent.getByRole('textbox', { name: 'Reply' }).fill(text)
  await agent.getByRole('button', { name: 'Send reply' }).click()
}

test('typing both ways, message states up to read, Seen at the desk, agent left', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser)
  await guest.getByRole('button', { name: 'Open chat' }).click()
  const question = `Where is parcel ${Date.now()}?`
  await say(guest, question)
  const mine = guest.locator('.parley-mine').filter({ hasText: question })
  await expect(mine).toHaveAttribute('data-status', 'delivered')
  await expect(mine).toContainText('Delivered')

  await agentOpens(agent, question)
  // the agent opened it: the guest's message is read
  await expect(mine).toHaveAttribute('data-status', 'read')
  await expect(mine).toContainText('Read')

  // the guest types: the desk shows it
  await guest.getByRole('textbox', { name: 'Message' }).pressSequentially('Is it insured')
  await expect(agent.getByRole('status').filter({ hasText: 'is typing…' })).toBeVisible()
  // the message ends the typing line at the desk
  await guest.getByRole('textbox', { name: 'Message' }).press('Enter')
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText('Is it insured')
  await expect(agent.getByRole('status').filter({ hasText: 'is typing…' })).toHaveCount(0)
  // Delivered and Read only under the guest's latest message
  await expect(guest.locator('.parley-mine').filter({ hasText: 'Is it insured' })).toContainText(/Delivered|Read/)
  await expect(mine).not.toContainText('Read')
  await expect(mine).toHaveAttribute('data-status', 'read')
  // the agent types: the widget names them in a status line
  await agent.getByRole('textbox', { name: 'Reply' }).pressSequentially('On')
  await expect(guest.getByRole('status').filter({ hasText: 'Ada is typing…' })).toBeVisible()
  await agentSays(agent, 'On its way, arriving Monday.')
  await expect(guest.getByRole('status').filter({ hasText: 'is typing' })).toHaveCount(0)
  const log = guest.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('Ada joined the chat')
  await expect(log).toContainText('On its way, arriving Monday.')
  // the guest has the panel open: the desk sees the reply as seen
  await expect(agent.locator('.desk-agent').filter({ hasText: 'On its way' }).getByText('Seen')).toBeVisible()

  await agent.getByRole('button', { name: 'Leave to the bot' }).click()
  await expect(log).toContainText('Ada left the chat')
  await close()
})

test('unread count on the launcher and in the title while the panel is closed; new messages divider', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser)
  const title = await guest.title()
  await guest.getByRole('button', { name: 'Open chat' }).click()
  const question = `Unread test ${Date.now()}`
  await say(guest, question)
  await expect(guest.getByRole('log', { name: 'Messages' })).toContainText(`You said: "${question}"`)
  await guest.getByRole('button', { name: 'Close chat' }).click()

  await agentOpens(agent, question)
  await agentSays(agent, 'First reply')
  await agentSays(agent, 'Second reply')
  await expect(guest.getByRole('button', { name: 'Open chat, 2 unread' })).toBeVisible()
  await expect(guest).toHaveTitle(`(2) ${title}`)
  // not seen yet: the desk shows no Seen
  await expect(agent.locator('.desk-seen')).toHaveCount(0)

  await guest.getByRole('button', { name: 'Open chat, 2 unread' }).click()
  const divider = guest.locator('.parley-divider')
  await expect(divider).toHaveText('New messages')
  // the divider sits right above the first unread reply (after the join line)
  await expect(guest.locator('.parley-divider + .parley-event')).toHaveText('Ada joined the chat')
  await expect(guest).toHaveTitle(title)
  await expect(agent.locator('.desk-agent').filter({ hasText: 'Second reply' }).getByText('Seen')).toBeVisible()
  await close()
})

test('ended: rating reaches the desk, then a new chat; End conversation wipes the browser', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser)
  await guest.getByRole('button', { name: 'Open chat' }).click()
  const question = `Rate me ${Date.now()}`
  await say(guest, question)
  await agentOpens(agent, question)
  await agentSays(agent, 'Done!')
  await agent.getByRole('button', { name: 'End conversation' }).click()

  await expect(guest.getByRole('log', { name: 'Messages' })).toContainText('The conversation has ended')
  await expect(guest.getByRole('textbox', { name: 'Message' })).toHaveCount(0)
  // five stars inline; the comment is asked only after a choice; "has ended" is said once, in the list
  await expect(guest.getByText(/conversation has ended/)).toHaveCount(1)
  await expect(guest.getByRole('textbox', { name: 'Comment (optional)' })).toHaveCount(0)
  await guest.getByRole('group', { name: 'How was this conversation?' }).getByRole('radio', { name: 'Good, 4 / 5' }).check()
  await guest.getByRole('textbox', { name: 'Comment (optional)' }).fill('Fast <b>and</b> kind')
  await guest.getByRole('button', { name: 'Send rating' }).click()
  await expect(guest.getByRole('status').filter({ hasText: 'Thanks for your feedback!' })).toBeVisible()
  await expect(agent.locator('.desk-rating-line')).toContainText('4 of 5')
  await expect(agent.locator('.desk-rating-line')).toContainText('Fast <b>and</b> kind')

  await guest.getByRole('button', { name: 'Start a new chat' }).click()
  await expect(guest.getByRole('log', { name: 'Messages' })).not.toContainText(question)
  const second = `Second chat ${Date.now()}`
  await say(guest, second)
  await expect(guest.getByRole('log', { name: 'Messages' })).toContainText(`You said: "${second}"`)
  await expect(agent.getByRole('button').filter({ hasText: second })).toBeVisible()

  await guest.getByRole('button', { name: 'Chat options' }).click()
  await guest.getByRole('button', { name: 'End conversation' }).click()
  await guest.getByRole('button', { name: 'Yes, end it' }).click()
  await expect(guest.getByRole('button', { name: 'Open chat' })).toBeFocused()
  const left = await guest.evaluate(() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((k) => k.startsWith('parley') && !k.endsWith('muted') && !k.endsWith('notify')))
  expect(left).toEqual([])
  await guest.reload()
  await guest.getByRole('button', { name: 'Open chat' }).click()
  await expect(guest.getByRole('log', { name: 'Messages' })).not.toContainText(second)
  await close()
})

test('the pre-chat form validates and its values reach the desk as guest details', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser, '/?prechat')
  await guest.getByRole('button', { name: 'Open chat' }).click()
  const name = guest.getByRole('textbox', { name: 'Name' })
  await expect(name).toBeFocused()
  await expect(guest.getByRole('textbox', { name: 'Message' })).toHaveCount(0)
  const unique = `Pia ${Date.now()}`
  await name.fill(unique)
  await guest.getByRole('textbox', { name: 'E-mail' }).fill('not-an-address')
  await guest.getByRole('button', { name: 'Start chat' }).click()
  // the browser refuses the address: still on the form
  expect(await guest.getByRole('textbox', { name: 'E-mail' }).evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false)
  await guest.getByRole('textbox', { name: 'E-mail' }).fill('pia@example.com')
  await guest.getByRole('textbox', { name: 'Order number' }).fill('A-1001')
  await guest.getByRole('button', { name: 'Start chat' }).click()
  await expect(guest.getByRole('log', { name: 'Messages' })).toContainText("I'm the Parley demo bot")
  await agent.getByRole('button').filter({ hasText: unique }).click()
  const info = agent.getByRole('region', { name: 'About the guest' })
  await expect(info).toContainText('pia@example.com')
  await expect(info).toContainText('orderId')
  await expect(info).toContainText('A-1001')
  await close()
})
