/**
 * QUALITY.md B7 in Chromium: the XSS corpus sent by the guest (and echoed by the bot) and by an agent,
 * rendered in the widget and at the desk, both served under the BFF's strict CSP. Nothing may run: no
 * dialog, no CSP violation, no element made from a payload, only safe links.
 */
import { expect, test, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN } from '../../playwright.config'
import { ALLOWED_MESSAGE_TAGS, XSS_CORPUS } from './xss-corpus'

interface Watch {
  dialogs: string[]
}

/** Record dialogs, CSP violations, `window.__pwned` and every element added inside a transcript. */
async function watch(page: Page): Promise<Watch> {
  const w: Watch = { dialogs: [] }
  page.on('dialog', (d) => {
    w.dialogs.push(d.message())
    void d.dismiss()
  })
  await page.addInitScript(() => {
    const state = { violations: [] as string[], added: [] as string[] }
    Object.assign(window, { __watch: state })
    document.addEventListener('securitypolicyviolation', (e) => state.violations.push(`${e.violatedDirective} ${e.blockedURI}`))
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes) {
          if (!(n instanceof Element) || !n.closest('[role="log"]')) continue
          for (const el of [n, ...n.querySelectorAll('*')]) state.added.push(el.tagName)
        }
    }).observe(document, { childList: true, subtree: true })
  })
  return w
}

async function expectNothingRan(page: Page, w: Watch): Promise<void> {
  const state = await page.evaluate(() => {
    const s = (window as unknown as { __watch: { violations: string[]; added: string[] } }).__watch
    const links = [...document.querySelectorAll('[role="log"] a')].map((a) => ({ href: a.getAttribute('href') ?? '', rel: a.getAttribute('rel') }))
    return { ...s, pwned: 'pwned' in window || '__pwned' in window, links }
  })
  expect(w.dialogs).toEqual([])
  expect(state.violations).toEqual([])
  expect(state.pwned).toBe(false)
  expect(state.added.length).toBeGreaterThan(0)
  expect([...new Set(state.added)].filter((tag) => !ALLOWED_MESSAGE_TAGS.includes(tag))).toEqual([])
  for (const link of state.links) {
    expect(new URL(link.href).protocol).toMatch(/^(https?|mailto):$/)
    expect(link.rel).toBe('noopener noreferrer nofollow')
  }
}

test('the XSS corpus from the guest, the bot and an agent renders as text in the widget and at the desk', async ({ browser }) => {
  test.setTimeout(90_000)
  const guestContext = await browser.newContext()
  const agentContext = await browser.newContext()
  const guest = await guestContext.newPage()
  const agent = await agentContext.newPage()
  const gw = await watch(guest)
  const aw = await watch(agent)

  await guest.goto('/')
  await guest.getByRole('button', { name: 'Open chat' }).click()
  const box = guest.getByRole('textbox', { name: 'Message' })
  const marker = `xss-run-${Date.now()}`
  await box.fill(marker)
  await box.press('Enter')
  for (const text of XSS_CORPUS) {
    await box.fill(text)
    await box.press('Enter')
  }
  const log = guest.getByRole('log', { name: 'Messages' })
  // every message settles (the rate limit holds some back; the outbox resends them)
  await expect(log.locator('.parley-mine')).toHaveCount(XSS_CORPUS.length + 1, { timeout: 30_000 })
  await expect(log.locator('.parley-mine[data-status="sending"]')).toHaveCount(0, { timeout: 30_000 })
  await expect(log.locator('.parley-mine[data-status="failed"]')).toHaveCount(0)
  // the bot echoes the last one: its content is rendered too
  await expect(log).toContainText(`You said: "${XSS_CORPUS.at(-1)}"`, { timeout: 15_000 })
  await expect(log.locator('.parley-mine').filter({ hasText: '<img src=x onerror=alert(1)>' }).first()).toBeVisible()

  await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
  // the conversation's row shows its last message: the bot's echo of the last payload
  const row = agent.getByRole('button').filter({ hasText: `You said: "${XSS_CORPUS.at(-1) ?? ''}"` })
  await expect(row).toBeVisible()
  await row.click()
  const transcript = agent.getByRole('log', { name: 'Transcript' })
  await expect(transcript).toContainText(marker)
  await expect(transcript).toContainText('<svg onload=alert(1)>')
  const reply = agent.getByRole('textbox', { name: 'Reply' })
  for (const text of XSS_CORPUS) {
    await reply.fill(text)
    await agent.getByRole('button', { name: 'Send reply' }).click()
  }
  await expect(log.locator('.parley-theirs').filter({ hasText: XSS_CORPUS.at(-1) ?? '' })).not.toHaveCount(0, { timeout: 15_000 })
  await expect(log.locator('.parley-theirs').filter({ hasText: '<details open ontoggle=alert(1)>' }).first()).toBeVisible()
  await expect(log.getByRole('link', { name: 'https://example.com/', exact: false }).first()).toBeVisible()

  // a moment for anything deferred (onerror of a failed image, a meta refresh) to fire
  await guest.waitForTimeout(500)
  await expectNothingRan(guest, gw)
  await expectNothingRan(agent, aw)
  await guestContext.close()
  await agentContext.close()
})
