/**
 * axe-core (WCAG 2.2 AA rules, colour contrast among them) on the widget in Chromium, in the light and the
 * dark theme: closed, open, in a conversation with rich content, and with errors shown. Zero violations is
 * the bar.
 */
import { expect, test } from '@playwright/test'
import { axeViolations } from '../support/axe'
import { PNG_2X2 as PNG } from '../support/png'

for (const theme of ['light', 'dark'] as const) {
  test(`no axe violations (${theme} theme): closed, open, with a conversation, with rich content and with errors`, async ({ page }) => {
    await page.goto(`/?theme=${theme}`)
    await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    await page.getByRole('button', { name: 'Open chat' }).click()
    await expect(page.locator('.parley-root')).toHaveClass(theme === 'dark' ? /parley-dark/ : /^(?!.*parley-dark)/)
    const log = page.getByRole('log', { name: 'Messages' })
    await expect(log.getByRole('button', { name: 'Track my order' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    await page.getByLabel('Attach file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG })
    await expect(page.getByRole('list', { name: 'Attached files' }).getByRole('progressbar')).toHaveCount(0)
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill('My order is **A-12345**')
    await box.press('Enter')
    await expect(log.getByText('Order A-12345', { exact: true })).toBeVisible()
    await expect(log.getByRole('img', { name: 'photo.png' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    // errors: a refused file and a message over the limit
    await page.getByLabel('Attach file').setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') })
    await box.fill('x'.repeat(4001))
    await expect(page.getByRole('alert').filter({ hasText: 'please shorten' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    // the larger view of an image
    await log.getByRole('button', { name: 'photo.png' }).click()
    await expect(page.getByRole('dialog', { name: 'photo.png' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])
  })
}
