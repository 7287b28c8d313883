/**
 * A guest in Chromium chats with a simulated Genesys agent through the BFF (PARLEY_UPSTREAM=genesys):
 * the handshake needs nothing but the BFF's own guest token, and the Genesys session token never
 * reaches the page.
 */
import { expect, test } from '@playwright/test'
import { E2E_GENESYS_PORT } from '../../playwright.config'
import { startBff, type BffProcess } from '../support/bff-process'
import { genesysEnv, startSimulator } from '../genesys/harness'
import type { GenesysSimulator } from '../genesys/simulator'
import { PNG_2X2 as PNG } from '../support/png'

let sim: GenesysSimulator
let bff: BffProcess

test.beforeAll(async () => {
  // a deployment that shows typing both ways and has no conversation clear (so only the agent ends a chat)
  sim = await startSimulator({ autoReply: (text) => `Thanks! About "${text}": let me check.` }, { showAgentTyping: true, showUserTyping: true })
  bff = await startBff(E2E_GENESYS_PORT, {
    ...genesysEnv(sim),
    PARLEY_ALLOWED_ORIGINS: `http://127.0.0.1:${E2E_GENESYS_PORT}`,
    PARLEY_TOKEN_SECRET: 'e2e-genesys-secret-at-least-32-bytes-long',
  })
})

test.afterAll(async () => {
  bff.signal('SIGTERM')
  await bff.exited
  await sim.stop()
})

test('a guest chats with a Genesys agent through the BFF', async ({ page }) => {
  const seen: string[] = []
  page.on('websocket', (ws) => ws.on('framereceived', (f) => seen.push(String(f.payload))))
  page.on('response', (r) => void r.text().then((t) => seen.push(t), () => undefined))

  await page.goto(`${bff.url}/`)
  await page.getByRole('button', { name: 'Open chat' }).click()
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeFocused()
  await box.fill('Is size 44 in stock?')
  await box.press('Enter')

  const log = page.getByRole('log', { name: 'Messages' })
  // "sent" only once Genesys echoed the message
  await expect(log.locator('.parley-mine').filter({ hasText: 'Is size 44 in stock?' })).toHaveAttribute('data-status', /^(sent|delivered|read)$/)
  await expect(log).toContainText('Thanks! About "Is size 44 in stock?": let me check.')
  await expect(log).toContainText('Sim Agent')

  // the agent types, then answers; the guest sees who
  const token = sim.only().token
  sim.agentTyping(token, 3000)
  await expect(page.getByRole('status').filter({ hasText: 'is typing' })).toContainText('Ada is typing…')
  sim.agentSays(token, 'Yes, size 44 is in stock.', { nickname: 'Ada' })
  await expect(log).toContainText('Yes, size 44 is in stock.')

  // the guest types: Genesys gets a Typing event
  await box.pressSequentially('Tha')
  await expect.poll(() => sim.requests.some((r) => r.action === 'onMessage' && JSON.stringify(r.frame).includes('"Typing"'))).toBe(true)
  await box.fill('')

  // without conversation clear the guest cannot end the chat, only close it: the agent ends it
  await page.getByRole('button', { name: 'Chat options' }).click()
  const menu = page.locator('.parley-menu-list')
  await expect(menu.getByRole('button', { name: 'End conversation' })).toHaveCount(0)
  await expect(menu.getByRole('button', { name: 'Close chat' })).toBeVisible()
  await page.getByRole('button', { name: 'Chat options' }).click()

  // the agent ends the conversation read-only
  sim.presence(token, 'Disconnect', true)
  await expect(log).toContainText('The conversation has ended')
  // the rating is the BFF's own, and works with Genesys too
  await page.getByRole('radio', { name: 'Excellent, 5 / 5' }).check()
  await page.getByRole('button', { name: 'Send rating' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Thanks for your feedback!' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Start a new chat' })).toBeVisible()

  expect(sim.only().messages.filter((m) => m.direction === 'Inbound').map((m) => m.text)).toEqual(['Is size 44 in stock?'])
  expect(seen.length).toBeGreaterThan(0)
  for (const text of seen) expect(text).not.toContain(token)

  // a new chat is a new Genesys conversation on the same token (configureSession{startNew:true})
  await page.getByRole('button', { name: 'Start a new chat' }).click()
  await expect(log).not.toContainText('Yes, size 44 is in stock.')
  await box.fill('A new question')
  await box.press('Enter')
  await expect(log).toContainText('Thanks! About "A new question": let me check.')
  expect(sim.sessions.get(token)?.conversation).toBe(2)
  expect(sim.requests.filter((r) => r.action === 'configureSession' && r.frame.startNew === true).map((r) => r.frame.token)).toEqual([token])
})

test('Genesys quick replies, a carousel by keyboard, time slots and a guest image', async ({ page }) => {
  // the Genesys session this page gets is the one that was not there before it opened
  const before = new Set(sim.sessions.keys())
  await page.goto(`${bff.url}/`)
  await page.getByRole('button', { name: 'Open chat' }).click()
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill('Show me plans')
  await box.press('Enter')
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText('let me check')
  const token = [...sim.sessions.keys()].find((t) => !before.has(t)) ?? ''

  sim.agentContent(token, 'Pick a plan', [
    {
      contentType: 'Carousel',
      carousel: {
        cards: ['Basic', 'Plus', 'Pro', 'Max'].map((name) => ({ title: name, description: `The ${name} plan`, actions: [{ type: 'Postback', text: `Choose ${name}`, payload: name.toLowerCase() }] })),
      },
    },
    { contentType: 'QuickReply', quickReply: { text: 'None of these', payload: 'none', action: 'Message' } },
  ])
  const carousel = log.getByRole('group', { name: '4 cards' })
  await expect(carousel).toBeVisible()
  // the carousel is reached by Tab and scrolled by the arrow keys
  await carousel.focus()
  await expect(carousel).toBeFocused()
  const scrolled = (): Promise<number> => carousel.evaluate((el) => el.scrollLeft)
  await page.keyboard.press('ArrowRight')
  await expect.poll(scrolled).toBeGreaterThan(0)
  await carousel.getByRole('button', { name: 'Choose Pro' }).click()
  await expect.poll(() => sim.requests.some((r) => r.action === 'onMessage' && JSON.stringify(r.frame).includes('"payload":"pro"'))).toBe(true)
  // answered: the quick reply is gone, the cards stay
  await expect(log.getByRole('button', { name: 'None of these' })).toHaveCount(0)
  await expect(carousel).toBeVisible()

  sim.agentContent(token, 'When should we call?', [{ contentType: 'DatePicker', datePicker: { title: 'Call-back time', availableTimes: [{ dateTime: '2030-01-02T10:00:00.000Z', duration: 1800 }] } }])
  const slots = log.getByRole('group', { name: 'Call-back time' })
  const slot = slots.getByRole('button')
  await expect(slot).toHaveText(/2030|Jan|2/)
  await slot.click()
  await expect.poll(() => sim.requests.some((r) => r.action === 'onMessage' && JSON.stringify(r.frame).includes('"type":"DatePicker"'))).toBe(true)

  // a guest image goes to Genesys' presigned upload and comes back with its download URL
  await page.getByLabel('Attach file').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG })
  await expect(page.getByRole('list', { name: 'Attached files' }).getByRole('progressbar')).toHaveCount(0)
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(log.getByRole('img', { name: 'receipt.png' })).toBeVisible()
  await expect.poll(() => sim.requests.some((r) => r.action === 'onAttachment')).toBe(true)
})
