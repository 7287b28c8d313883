/**
 * Delivery you can trust, in a real Chromium (QUALITY.md §4, F2 and F5): a half-open network, a reload,
 * two tabs sharing one socket, and a graceful restart of the BFF. Nothing may be lost or shown twice.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { E2E_DESK_TOKEN, E2E_PORT, E2E_PROXY_PORT, E2E_RESTART_PORT } from '../../playwright.config'
import { startBff } from '../support/bff-process'
import { startFaultProxy } from '../support/fault-proxy'

async function openWidget(page: Page, url = '/'): Promise<void> {
  await page.goto(url)
  await page.getByRole('button', { name: /^Open chat/ }).click()
  await expect(page.getByRole('log', { name: 'Messages' })).toContainText("I'm the Parley demo bot")
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

/** The guest's own messages as the widget shows them, in order. */
async function myMessages(page: Page): Promise<string[]> {
  const texts = await page.locator('.parley-mine .parley-bubble').allInnerTexts()
  return texts.map((t) => t.replace(/^You:\s*/, '').trim())
}

test('20 messages typed into a half-open link reach the desk once each, in order', async ({ page, browser }) => {
  test.setTimeout(90_000)
  const proxy = await startFaultProxy({ port: E2E_PORT }, E2E_PROXY_PORT)
  try {
    const opened: number[] = []
    page.on('websocket', (ws) => {
      if (ws.url().includes('/api/socket')) opened.push(Date.now())
    })
    await openWidget(page, `${proxy.url}/`)
    const run = Date.now().toString(36)
    const texts = Array.from({ length: 20 }, (_, i) => `blackholed ${run} #${String(i + 1).padStart(2, '0')}`)
    const cut = Date.now()
    proxy.mode('blackhole')
    for (const t of texts) await send(page, t)
    // the composer stayed usable and every message waits as "sending"
    await expect(page.locator('.parley-mine[data-status="sending"]')).toHaveCount(20)
    proxy.mode('pass')
    // the widget finds the link dead within 2 heartbeats + 5 s (9 s here), reconnects and resends
    await expect.poll(() => opened.length, { timeout: 20_000 }).toBe(2)
    expect((opened[1] ?? Infinity) - cut).toBeLessThan(2 * 2000 + 5000 + 1000)
    await expect(page.locator('.parley-mine[data-status="delivered"]')).toHaveCount(20, { timeout: 40_000 })
    expect(await myMessages(page)).toEqual(texts)

    const agent = await (await browser.newContext()).newPage()
    await agent.goto(`/desk#token=${E2E_DESK_TOKEN}`)
    await agent.getByRole('button').filter({ hasText: texts[19] }).click()
    const transcript = agent.getByRole('log', { name: 'Transcript' })
    await expect(transcript).toContainText(texts[19] ?? '')
    const atDesk = (await transcript.locator('.desk-guest p').allInnerTexts()).filter((t) => t.startsWith(`blackholed ${run}`))
    expect(atDesk).toEqual(texts)
    // the agent opened it: the guest sees "Read"
    await expect(page.locator('.parley-mine[data-status="read"]')).toHaveCount(20)
  } finally {
    await proxy.close()
  }
})

test('a reload mid-conversation shows the same transcript, without duplicates', async ({ page }) => {
  await openWidget(page)
  const run = Date.now().toString(36)
  await send(page, `before reload ${run} one`)
  await send(page, `before reload ${run} two`)
  const log = page.getByRole('log', { name: 'Messages' })
  await expect(log).toContainText(`You said: "before reload ${run} two"`)
  const before = await log.innerText()
  // the panel was open: it comes back open after the reload (issue 29)
  await page.reload()
  await expect(log).toContainText(`You said: "before reload ${run} two"`)
  expect(await log.innerText()).toBe(before)
  expect(await myMessages(page)).toEqual([`before reload ${run} one`, `before reload ${run} two`])
})

test('two tabs share one socket and one conversation; closing the leader hands over without loss', async ({ context }) => {
  test.setTimeout(60_000)
  const sockets = new Map<Page, number>()
  const tab = async (): Promise<Page> => {
    const p = await context.newPage()
    sockets.set(p, 0)
    p.on('websocket', (ws) => {
      if (ws.url().includes('/api/socket')) sockets.set(p, (sockets.get(p) ?? 0) + 1)
    })
    return p
  }
  const first = await tab()
  await openWidget(first)
  const run = Date.now().toString(36)
  await send(first, `tab one ${run}`)
  await expect(first.getByRole('log', { name: 'Messages' })).toContainText(`You said: "tab one ${run}"`)

  const second = await tab()
  await openWidget(second)
  const log2 = second.getByRole('log', { name: 'Messages' })
  await expect(log2).toContainText(`tab one ${run}`)
  await send(second, `tab two ${run}`)
  await expect(first.getByRole('log', { name: 'Messages' })).toContainText(`You said: "tab two ${run}"`)
  await expect(log2).toContainText(`You said: "tab two ${run}"`)
  expect(sockets.get(first)).toBe(1)
  expect(sockets.get(second)).toBe(0)

  await first.close()
  await send(second, `after handover ${run}`)
  await expect(log2).toContainText(`You said: "after handover ${run}"`)
  expect(sockets.get(second)).toBe(1)
  expect(await myMessages(second)).toEqual([`tab one ${run}`, `tab two ${run}`, `after handover ${run}`])
})

test('SIGTERM mid-conversation: the widget reconnects by itself and nothing is lost', async ({ page }) => {
  test.setTimeout(90_000)
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'))
  const env = {
    PARLEY_DATA_DIR: dataDir,
    PARLEY_DRAIN_MS: '1000',
    PARLEY_HEARTBEAT_MS: '2000',
    PARLEY_TOKEN_SECRET: 'restart-secret-that-is-at-least-32-bytes',
    PARLEY_DESK_TOKEN: E2E_DESK_TOKEN,
  }
  let bff = await startBff(E2E_RESTART_PORT, env)
  try {
    await openWidget(page, `${bff.url}/`)
    await send(page, 'before the restart')
    const log = page.getByRole('log', { name: 'Messages' })
    await expect(log).toContainText('You said: "before the restart"')

    bff.signal('SIGTERM')
    expect(await bff.exited).toBe(0)
    // typed while the server is away: queued ("Waiting for connection" while the link is down), then sent once it is back
    await send(page, 'while it restarts')
    await expect(page.locator('.parley-mine[data-status="waiting"]')).toHaveCount(1)
    await expect(page.locator('.parley-mine[data-status="waiting"]')).toContainText('Waiting for connection')
    bff = await startBff(E2E_RESTART_PORT, env)

    await expect(log).toContainText('You said: "while it restarts"', { timeout: 40_000 })
    expect(await myMessages(page)).toEqual(['before the restart', 'while it restarts'])
    await expect(log).not.toContainText('could not be resumed')
    const botAnswers = await page.locator('.parley-theirs .parley-bubble').allInnerTexts()
    expect(botAnswers.filter((t) => t.includes('You said: "before the restart"'))).toHaveLength(1)
  } finally {
    bff.signal('SIGKILL')
    await bff.exited
    rmSync(dataDir, { recursive: true, force: true })
  }
})
