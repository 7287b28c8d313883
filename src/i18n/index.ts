/// <reference types="vite/client" />
/**
 * @module i18n
 * The widget's strings. Our own ~60 lines instead of vue-i18n: that library weighs more than this whole
 * widget's own code, and Parley needs only lookup, `{name}` filling, plurals and lazy catalogues, which
 * `Intl` and `import()` already give.
 */
import { hasInjectionContext, inject, type InjectionKey } from 'vue'
import { en } from './en'
import { directionOf, type Locale } from './match'

export { LOCALES, directionOf, matchLocale, pickLocale, type Locale } from './match'

type Plural = { readonly other: string } & { readonly [K in Exclude<Intl.LDMLPluralRule, 'other'>]?: string }
/** A whole catalogue: the keys of the English one, a plural where English has one. */
export type Messages = { readonly [K in keyof typeof en]: (typeof en)[K] extends string ? string : Plural }
export type MessageKey = keyof Messages
type Params = Readonly<Record<string, string | number>>

/**
 * English is built into the Vue library (an app's first render needs no extra request). The script tag
 * loads it as a chunk like the seven others, so a visitor fetches only their own language and the panel
 * does not carry English for everyone else; the build drops `en` from the panel through this constant.
 */
// (`import.meta.env` is Vite's: absent where Node runs this file directly, as Playwright's specs do)
const SCRIPT_TAG = import.meta.env?.MODE === 'embed'
const builtIn: Messages | undefined = SCRIPT_TAG ? undefined : en

const LOADERS: Readonly<Record<Locale, () => Promise<{ default: Messages }>>> = {
  // never called where English is built in (it is in `loaded` from the start)
  en: SCRIPT_TAG ? () => import('./locales/en') : async () => ({ default: en }),
  de: () => import('./locales/de'),
  fr: () => import('./locales/fr'),
  es: () => import('./locales/es'),
  'pt-BR': () => import('./locales/pt-BR'),
  ja: () => import('./locales/ja'),
  ar: () => import('./locales/ar'),
  he: () => import('./locales/he'),
}

const loaded = new Map<Locale, Messages>(builtIn ? [['en', builtIn]] : [])

/** The catalogue of `locale`: a chunk each (a visitor loads one), English built in outside the script tag. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  let messages = loaded.get(locale)
  if (!messages) {
    messages = (await LOADERS[locale]()).default
    loaded.set(locale, messages)
  }
  return messages
}

/** A catalogue already here, so the widget can show it in the same tick. */
export const loadedMessages = (locale: Locale): Messages | undefined => loaded.get(locale)

export interface Translator {
  readonly locale: Locale
  readonly dir: 'ltr' | 'rtl'
  /** The string of `key` with `{name}` filled in from `params`; a plural is chosen by `params.n`. */
  t(key: MessageKey, params?: Params): string
}

export function createTranslator(locale: Locale, messages: Partial<Messages>, overrides: Partial<Messages> = {}): Translator {
  const plural = new Intl.PluralRules(locale)
  // numbers in the locale's digits and separators (Arabic-Indic in ar, 1.234 in de)
  const number = new Intl.NumberFormat(locale)
  return {
    locale,
    dir: directionOf(locale),
    t(key, params = {}) {
      const entry = overrides[key] ?? messages[key] ?? key
      const text = typeof entry === 'string' ? entry : (entry[plural.select(Number(params.n ?? 0))] ?? entry.other)
      return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const value = params[name]
        return value === undefined ? whole : typeof value === 'number' ? number.format(value) : value
      })
    },
  }
}

/** Outside a `<ParleyChat>` (never in the script tag, where everything is inside one): English, else the keys. */
const ENGLISH = createTranslator('en', builtIn ?? {})
/** Provided by `<ParleyChat>` to everything inside it, as a getter so a change of language re-renders. */
export const I18N: InjectionKey<() => Translator | undefined> = Symbol('ParleyI18n')

/** What components and composables need: `t`, and the locale to hand to `Intl`. */
export interface I18n {
  t: Translator['t']
  locale(): Locale
}

/** From the nearest `<ParleyChat>`; English outside one (a component on its own, the desk). */
export function useI18n(): I18n {
  const provided = hasInjectionContext() ? inject(I18N, undefined) : undefined
  const current = (): Translator => provided?.() ?? ENGLISH
  return { t: (key, params) => current().t(key, params), locale: () => current().locale }
}
