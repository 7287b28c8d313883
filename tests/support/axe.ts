/** axe-core on the widget only (the host page is not ours): WCAG 2.0–2.2 A and AA rules plus best practices. */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include('.parley-root').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze()
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
