/**
 * Issue 28 (the composer) in Chromium: canned replies managed by the team and inserted with "/", quick
 * replies as chips and a card with a live preview, the form folding after sending, files dropped on it, and
 * everything disabled once the conversation ended.
 */
import { expect, test, type Page } from '@playwright/test'
import { guestAndAgent } from '../support/desk-pages'


async function opened(guest: Page, agent: Page, text: string): Promise<void> {
  const box = guest.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
  await agent.getByRole('button').filter({ hasText: text }).click()
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText(text)
}

test('a canned reply added in the manager is inserted with "/" and a search, and sent', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser)
  const run = Date.now()
  await opened(guest, agent, `Returns question ${run}`)
  await agent.getByRole('button', { name: 'Canned replies' }).click()
  const dialog = agent.getByRole('dialog', { name: 'Canned replies' })
  await dialog.getByLabel('Title').fill(`Returns ${run}`)
  await dialog.getByLabel('Text').fill(`You can return it within **30 days** (${run}).`)
  await dialog.getByRole('button', { name: 'Add canned reply' }).click()
  await expect(dialog.getByRole('list', { name: "The team's canned replies" })).toContainText(`Returns ${run}`)
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(dialog).toHaveCount(0)

  const reply = agent.getByRole('textbox', { name: 'Reply' })
  await reply.pressSequentially(`/returns ${run}`)
  const picker = agent.getByRole('listbox', { name: 'Canned replies' })
  await expect(picker.getByRole('option', { selected: true })).toContainText(`Returns ${run}`)
  await reply.press('Enter')
  await expect(picker).toHaveCount(0)
  await expect(reply).toHaveValue(`You can return it within **30 days** (${run}).`)
  await reply.press('Enter')
  await expect(guest.getByRole('log', { name: 'Messages' }).locator('.parley-theirs').filter({ hasText: `(${run})` }).locator('strong')).toHaveText('30 days')
  await expect(reply).toHaveValue('')

  // Escape closes the list and leaves the text as typed
  await reply.pressSequentially('/returns')
  await expect(picker).toBeVisible()
  await reply.press('Escape')
  await expect(picker).toHaveCount(0)
  await expect(reply).toHaveValue('/returns')
  await close()
})

test('quick replies as chips and a card with a live preview; the form folds after sending; a dropped file is attached', async ({ browser }) => {
  const { guest, agent, close } = await guestAndAgent(browser)
  const run = Date.now()
  await opened(guest, agent, `Options please ${run}`)
  await agent.getByText('Quick replies and a card').click()
  const choice = agent.getByLabel('Choice the guest can tap')
  await choice.fill('Yes please')
  await choice.press('Enter')
  await choice.fill('No thanks')
  await agent.getByRole('button', { name: 'Add choice' }).click()
  const chips = agent.getByRole('list', { name: 'Choices for this reply' })
  await expect(chips.getByRole('listitem')).toHaveCount(2)
  await chips.getByRole('button', { name: 'Remove No thanks' }).click()
  await expect(chips.getByRole('listitem')).toHaveCount(1)
  await agent.getByLabel('Title').fill(`Plan ${run}`)
  await agent.getByLabel('Button', { exact: true }).fill('Choose it')
  // the preview draws what the guest will see, as it is typed
  const preview = agent.getByRole('region', { name: 'What the guest will see' })
  await expect(preview).toContainText(`Plan ${run}`)
  await expect(preview.getByRole('button', { name: 'Choose it' })).toBeDisabled()
  await expect(preview.getByRole('button', { name: 'Yes please' })).toBeVisible()

  // a file dropped on the form is uploaded for the reply
  const drop = await agent.evaluateHandle(() => {
    const dt = new DataTransfer()
    dt.items.add(new File(['order list'], 'orders.txt', { type: 'text/plain' }))
    return dt
  })
  await agent.locator('form.desk-reply').dispatchEvent('drop', { dataTransfer: drop })
  const files = agent.getByRole('list', { name: 'Files for this reply' })
  await expect(files).toContainText('orders.txt')
  await expect(files).not.toContainText('uploading')

  await agent.getByRole('textbox', { name: 'Reply' }).fill('Pick one:')
  await agent.getByRole('button', { name: 'Send reply' }).click()
  const log = guest.getByRole('log', { name: 'Messages' })
  await expect(log.getByRole('button', { name: 'Yes please' })).toBeVisible()
  await expect(log).toContainText(`Plan ${run}`)
  await expect(log.getByRole('link', { name: /orders\.txt/ })).toBeVisible()
  // folded and empty again
  await expect(agent.getByLabel('Title')).toBeHidden()
  await expect(files).toHaveCount(0)

  // ended: nothing to type, attach or send
  await agent.getByRole('button', { name: 'End conversation' }).click()
  await expect(agent.getByRole('textbox', { name: 'Reply' })).toBeDisabled()
  await expect(agent.getByRole('button', { name: 'Send reply' })).toBeDisabled()
  await expect(agent.getByLabel('Attach files')).toBeDisabled()
  await close()
})
