/**
 * axe-core (WCAG 2.2 AA rules, colour contrast among them) on the widget in Chromium, in the light and the
 * dark theme: closed, open, in a conversation with rich content, and with errors shown. Zero violations is
 * the bar.
 */
import { expect, test } from '@playwright/test'
import { createTranslator, loadMessages, type Locale } from '../../src/i18n'
import { axeViolations } from '../support/axe'
import { PNG_2X2 as PNG } from '../support/png'

// both themes left to right, and both right to left (Arabic and Hebrew, with their real catalogues)
const RUNS: ReadonlyArray<readonly ['light' | 'dark', Locale]> = [['light', 'en'], ['dark', 'en'], ['light', 'ar'], ['dark', 'he']]

for (const [theme, lang] of RUNS) {
  test(`no axe violations (${theme} theme, ${lang}): closed, open, with a conversation, with rich content and with errors`, async ({ page }) => {
    const { t } = createTranslator(lang, await loadMessages(lang))
    await page.goto(`/?theme=${theme}&lang=${lang}`)
    await expect(page.getByRole('button', { name: t('openChat') })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    await page.getByRole('button', { name: t('openChat') }).click()
    await expect(page.locator('.parley-root')).toHaveAttribute('dir', lang === 'en' ? 'ltr' : 'rtl')
    await expect(page.locator('.parley-root')).toHaveClass(theme === 'dark' ? /parley-dark/ : /^(?!.*parley-dark)/)
    const log = page.getByRole('log', { name: t('messages') })
    await expect(log.getByRole('button', { name: 'Track my order' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    await page.getByLabel(t('attachFile')).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG })
    await expect(page.getByRole('list', { name: t('attachedFiles') }).getByRole('progressbar')).toHaveCount(0)
    const box = page.getByRole('textbox', { name: t('message') })
    await box.fill('My order is **A-12345**')
    await box.press('Enter')
    await expect(log.getByText('Order A-12345', { exact: true })).toBeVisible()
    await expect(log.getByRole('img', { name: 'photo.png' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    // errors: a refused file and a message over the limit
    await page.getByLabel(t('attachFile')).setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') })
    await expect(page.getByRole('alert').filter({ hasText: t('fileType') })).toBeVisible()
    await box.fill('x'.repeat(4001))
    await expect(page.getByRole('alert').filter({ hasText: t('tooLong', { length: 4001, max: 4000 }) })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])

    // the larger view of an image
    await log.getByRole('button', { name: 'photo.png' }).click()
    await expect(page.getByRole('dialog', { name: 'photo.png' })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])
  })
}

test('reduced motion: with the visitor asking for less motion, nothing in the widget animates, transitions or scrolls smoothly', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await page.goto('/')
  // a host's own motion on the widget's parts, as a slot or ::part() rule might add
  // (a constructed sheet: the demo's CSP refuses inline <style>)
  await page.evaluate(() => {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync('.parley-launcher, .parley-panel { transition: transform 300ms; animation: spin 1s infinite } @keyframes spin { to { rotate: 1turn } }')
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]
  })
  expect(await page.locator('.parley-launcher').evaluate((el) => getComputedStyle(el).animationName)).toBe('none')
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused()
  const moving = await page.locator('.parley-root').evaluate((root) =>
    [root, ...root.querySelectorAll('*')].flatMap((el) => {
      const s = getComputedStyle(el)
      const still = s.animationName === 'none' && s.transitionDuration.split(',').every((d) => parseFloat(d) === 0) && s.scrollBehavior !== 'smooth'
      return still ? [] : [el.className.toString() || el.tagName]
    }),
  )
  expect(moving).toEqual([])
})
