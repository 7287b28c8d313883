/**
 * Issue 28 (triage and named agents) in Chromium: two agents in two browser contexts take, transfer and
 * reply; a guest's request for a person shows as waiting; the list is searchable, its previews read.
 */
import { expect, test, type Browser, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

async function contexts(browser: Browser) {
  const made = await (await browser.newContext()).request.post('/api/desk/agents', { headers: { authorization: `Bearer ${E2E_DESK_TOKEN}` }, data: { name: `Grace ${Date.now()}` } })
  expect(made.status()).toBe(201)
  const { link, agent: grace } = (await made.json()) as { link: string; agent: { id: string; name: string } }
  const all = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()])
  const [guest, ada, gr] = await Promise.all(all.map((c) => c.newPage()))
  if (!guest || !ada || !gr) throw new Error('no pages')
  await guest.goto('/')
  await guest.getByRole('button', { name: 'Open chat' }).click()
  await ada.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await gr.goto(new URL(link).pathname + new URL(link).hash)
  return { guest, ada, gr, grace, close: () => Promise.all(all.map((c) => c.close())) }
}

test('two agents: a request for a person waits; Ada takes it, transfers it to Grace, Grace replies and leaves it to the bot', async ({ browser }) => {
  const { guest, ada, gr, grace, close } = await contexts(browser)
  // each desk sees the other online
  await expect(ada.getByText('Also online:')).toContainText(grace.name)
  await expect(gr.getByText('Also online:')).toContainText('Ada')

  const log = guest.getByRole('log', { name: 'Messages' })
  await log.getByRole('button', { name: 'Talk to a person' }).click()
  await expect(log).toContainText("I've asked the team to join")
  const marker = `Order question ${Date.now()}`
  await say(guest, marker)
  await expect(log).toContainText(`You said: "${marker}"`)

  // Ada's "Waiting for a person" view has it, marked
  await ada.getByRole('tab', { name: /Waiting for a person/ }).click()
  const row = ada.getByRole('list', { name: 'Conversations' }).getByRole('button').filter({ hasText: 'Wants a person' }).first()
  await expect(row).toBeVisible()
  await expect(row).toContainText(/waiting (now|\d+ min)/)
  await row.click()
  await expect(ada.getByRole('log', { name: 'Transcript' })).toContainText(marker)
  await expect(ada.getByText('Waiting for a person', { exact: true })).toBeVisible()
  await ada.getByRole('button', { name: 'Take it' }).click()
  await expect(log).toContainText('Ada joined the chat')
  await expect(ada.getByText('You are handling it')).toBeVisible()
  // the waiting view empties of it
  await expect(ada.getByRole('list', { name: 'Conversations' }).getByRole('button').filter({ hasText: marker })).toHaveCount(0)

  await ada.getByRole('combobox', { name: 'Transfer to a colleague' }).selectOption({ label: `${grace.name} (online)` })
  await ada.getByRole('button', { name: 'Transfer', exact: true }).click()
  await expect(log).toContainText('Ada left the chat')
  await expect(log).toContainText(`${grace.name} joined the chat`)
  await expect(ada.getByText(`Handled by ${grace.name}`)).toBeVisible()

  // Grace finds it under "Mine" and replies
  await gr.getByRole('tab', { name: /Mine/ }).click()
  await gr.getByRole('list', { name: 'Conversations' }).getByRole('button').filter({ hasText: 'Mine' }).first().click()
  await expect(gr.getByText('You are handling it')).toBeVisible()
  await gr.getByRole('textbox', { name: 'Reply' }).fill('Grace here, **happy** to help.')
  await gr.getByRole('button', { name: 'Send reply' }).click()
  await expect(log.locator('.parley-theirs').filter({ hasText: 'Grace here' })).toContainText('happy to help')
  // the row's preview reads the formatting instead of showing its markers
  const mine = gr.getByRole('list', { name: 'Conversations' }).getByRole('button').filter({ hasText: 'Grace here' })
  await expect(mine).toContainText('You: Grace here, happy to help.')

  await gr.getByRole('button', { name: 'Leave to the bot' }).click()
  await expect(log).toContainText(`${grace.name} left the chat`)
  await expect(gr.getByText('The bot is answering')).toBeVisible()
  await close()
})

test('search by text; the title counts unread; a picture shows as "Image" in the list', async ({ browser }) => {
  const { guest, ada, close } = await contexts(browser)
  const word = `zebra${Date.now()}`
  await say(guest, `Looking for ${word} boots`)
  await expect(guest.getByRole('log', { name: 'Messages' })).toContainText(`You said: "Looking for ${word} boots"`)
  const list = ada.getByRole('list', { name: 'Conversations' })
  await ada.getByRole('searchbox', { name: 'Search by name, e-mail or text' }).fill(word)
  await expect(list.getByRole('button')).toHaveCount(1)
  await ada.getByRole('searchbox', { name: 'Search by name, e-mail or text' }).fill(`${word}-nothing`)
  await expect(list.getByRole('button')).toHaveCount(0)
  await expect(ada.getByText('Nothing here for this search.')).toBeVisible()
  await ada.getByRole('searchbox', { name: 'Search by name, e-mail or text' }).fill('')

  // unread guest messages count in the tab title until the conversation is opened
  await expect(ada).toHaveTitle(/^\(\d+\) Parley desk$/)
  await list.getByRole('button').filter({ hasText: word }).click()
  await expect(ada.getByRole('log', { name: 'Transcript' })).toContainText(word)

  // the agent sends a picture alone: the row says "Image", not nothing
  const png = await ada.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = c.height = 40
    return c.toDataURL('image/png').split(',')[1] ?? ''
  })
  await ada.getByLabel('Attach files').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') })
  await expect(ada.getByRole('list', { name: 'Files for this reply' })).not.toContainText('uploading')
  await ada.getByRole('button', { name: 'Send reply' }).click()
  await expect(list.getByRole('button').filter({ hasText: 'You: Image' })).toHaveCount(1)
  await expect(ada.getByRole('log', { name: 'Transcript' }).getByRole('img', { name: 'photo.png' })).toBeVisible()
  await close()
})
