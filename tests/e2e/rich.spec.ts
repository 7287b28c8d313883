/**
 * Issue 9 in Chromium, guest and agent in two browser contexts: the guest attaches an image (button, paste,
 * drop) and the agent sees it; the agent sends a card and the guest presses its button; the guest picks a
 * quick reply; formatting; hostile file names, titles, labels and payloads stay text.
 */
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'
import { PNG_2X2 as PNG } from '../support/png'

const XSS_NAME = '<img src=x onerror=alert(1)>.png'

async function guestAndAgent(browser: Browser): Promise<{ guest: Page; agent: Page; dialogs: string[]; close(): Promise<void> }> {
  const g = await browser.newContext()
  const a = await browser.newContext()
  const guest = await g.newPage()
  const agent = await a.newPage()
  const dialogs: string[] = []
  for (const p of [guest, agent]) p.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()))
  await guest.goto('/')
  await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  await guest.getByRole('button', { name: 'Open chat' }).click()
  return { guest, agent, dialogs, close: async () => void (await Promise.all([g.close(), a.close()])) }
}

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

/** The image has loaded and decoded (a broken or refused URL has no natural width). */
async function expectLoaded(img: Locator): Promise<void> {
  await expect(img).toBeVisible()
  await expect.poll(() => img.evaluate((el) => (el instanceof HTMLImageElement ? el.naturalWidth : 0))).toBeGreaterThan(0)
}

test('the guest attaches an image and the agent sees it; the larger view closes on Escape', async ({ browser }) => {
  const { guest, agent, dialogs, close } = await guestAndAgent(browser)
  const marker = `Photo ${Date.now()}`
  await guest.getByLabel('Attach file').setInputFiles({ name: XSS_NAME, mimeType: 'image/png', buffer: PNG })
  const chips = guest.getByRole('list', { name: 'Attached files' })
  await expect(chips).toContainText(XSS_NAME)
  // uploaded: no progress bar left, Send enabled
  await expect(chips.getByRole('progressbar')).toHaveCount(0)
  await say(guest, marker)
  await expect(chips).toHaveCount(0)
  const log = guest.getByRole('log', { name: 'Messages' })
  await expectLoaded(log.getByRole('img', { name: XSS_NAME }))

  // the larger view is a modal dialog; Escape closes it, not the chat
  await log.getByRole('button', { name: XSS_NAME }).click()
  const viewer = guest.getByRole('dialog', { name: XSS_NAME })
  await expect(viewer).toBeVisible()
  await expect(viewer.getByRole('button', { name: 'Close' })).toBeFocused()
  await guest.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)
  await expect(log).toBeVisible()

  await agent.getByRole('button').filter({ hasText: marker }).click()
  const transcript = agent.getByRole('log', { name: 'Transcript' })
  await expectLoaded(transcript.getByRole('img', { name: XSS_NAME }))
  expect(dialogs).toEqual([])
  await close()
})

test('a pasted screenshot and dropped files become attachments; a refused type says why', async ({ browser }) => {
  const { guest, close } = await guestAndAgent(browser)
  const box = guest.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeVisible()
  await guest.getByLabel('Attach file').setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') })
  const chips = guest.getByRole('list', { name: 'Attached files' })
  await expect(chips.getByRole('alert')).toHaveText('Files of this type are not accepted.')
  await chips.getByRole('button', { name: 'Remove setup.exe' }).click()
  await expect(chips).toHaveCount(0)

  const b64 = PNG.toString('base64')
  await box.evaluate((el, data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
    const dt = new DataTransfer()
    dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }))
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
  }, b64)
  await guest.locator('.parley-panel').evaluate((el, data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
    const dt = new DataTransfer()
    dt.items.add(new File([bytes], 'dropped-1.png', { type: 'image/png' }))
    dt.items.add(new File(['plain notes'], 'notes.txt', { type: 'text/plain' }))
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }))
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
  }, b64)
  await expect(chips.getByRole('listitem')).toHaveCount(3)
  await expect(chips.getByRole('progressbar')).toHaveCount(0)
  await guest.getByRole('button', { name: 'Send' }).click()
  const log = guest.getByRole('log', { name: 'Messages' })
  await expectLoaded(log.getByRole('img', { name: 'pasted.png' }))
  await expectLoaded(log.getByRole('img', { name: 'dropped-1.png' }))
  await expect(log.getByRole('link', { name: /notes\.txt/ })).toHaveAttribute('href', /\/api\/files\//)
  await close()
})

test('the agent sends a card, an image and formatting; the guest presses the card button', async ({ browser }) => {
  const { guest, agent, dialogs, close } = await guestAndAgent(browser)
  const marker = `Plans please ${Date.now()}`
  await say(guest, marker)
  await agent.getByRole('button').filter({ hasText: marker }).click()
  const title = '<script>alert(1)</script> Premium'
  const label = '"><img src=x onerror=alert(1)> Choose'
  await agent.getByText('Quick replies and a card').click()
  await agent.getByLabel('Title').fill(title)
  await agent.getByLabel('Description').fill('Faster delivery')
  await agent.getByLabel('Button', { exact: true }).fill(label)
  await agent.getByLabel('Attach files').setInputFiles({ name: 'plan.png', mimeType: 'image/png', buffer: PNG })
  await expect(agent.getByRole('list', { name: 'Files for this reply' })).not.toContainText('uploading')
  await agent.getByRole('textbox', { name: 'Reply' }).fill('Here is **our best plan**:\n- fast\n- _cheap_')
  await agent.getByRole('button', { name: 'Send reply' }).click()

  const log = guest.getByRole('log', { name: 'Messages' })
  const bubble = log.locator('.parley-theirs').filter({ hasText: 'Here is' })
  await expect(bubble.locator('.parley-bubble strong')).toHaveText('our best plan')
  await expect(bubble.getByRole('listitem')).toHaveText(['fast', 'cheap'])
  await expectLoaded(log.getByRole('img', { name: 'plan.png' }))
  await expect(log).toContainText(title)
  await log.getByRole('button', { name: label }).click()
  await expect(log.locator('.parley-mine').filter({ hasText: label })).toHaveAttribute('data-status', /sent|delivered|read/)
  // the desk shows what the guest chose
  await expect(agent.getByRole('log', { name: 'Transcript' })).toContainText(`chose “${label}”`)
  expect(dialogs).toEqual([])
  await close()
})

test('the guest picks a quick reply: the choices go, the bot answers with a card', async ({ browser }) => {
  const { guest, close } = await guestAndAgent(browser)
  const log = guest.getByRole('log', { name: 'Messages' })
  const choices = log.getByRole('group', { name: 'Choices' })
  await expect(choices.getByRole('button', { name: 'Track my order' })).toBeVisible()
  await choices.getByRole('button', { name: 'Track my order' }).click()
  await expect(choices).toHaveCount(0)
  await expect(log.locator('.parley-mine')).toContainText('Track my order')
  await expect(log).toContainText('Type your order number')
  await say(guest, 'It is A-12345')
  await expect(log.getByText('Order A-12345', { exact: true })).toBeVisible()
  const link = log.getByRole('link', { name: 'Open tracking page' })
  await expect(link).toHaveAttribute('href', 'https://example.com/orders/A-12345')
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow')
  // the card's postback reaches the bot as its payload
  await log.getByRole('button', { name: 'Talk to a person' }).click()
  await expect(log).toContainText("I've asked the team to join")
  await close()
})
