/**
 * @module i18n/match
 * Which of Parley's languages a visitor gets. No catalogue is imported here: the script tag's launcher uses
 * this too and must stay small.
 */

/** The languages Parley ships, BCP 47. English is built in; the others load on demand. */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'ar', 'he'] as const
export type Locale = (typeof LOCALES)[number]

const RTL: ReadonlySet<string> = new Set(['ar', 'he'])

/**
 * The first of `wanted` that Parley has, by the whole tag (`pt-BR`) or by its language (`de-AT` → `de`,
 * `pt-PT` → `pt-BR`), case-insensitively; else English.
 */
export function matchLocale(wanted: Iterable<string | undefined>): Locale {
  for (const tag of wanted) {
    if (!tag) continue
    const lower = tag.toLowerCase()
    const language = lower.split(/[-_]/)[0]
    const found = LOCALES.find((l) => l.toLowerCase() === lower) ?? LOCALES.find((l) => l.split('-')[0] === language)
    if (found) return found
  }
  return 'en'
}

/** The page's wish first, then the browser's languages in the visitor's order. */
export function pickLocale(requested: string | undefined): Locale {
  const browser = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language])
  return matchLocale(requested && requested !== 'auto' ? [requested, ...browser] : browser)
}

export const directionOf = (locale: Locale): 'ltr' | 'rtl' => (RTL.has(locale) ? 'rtl' : 'ltr')
