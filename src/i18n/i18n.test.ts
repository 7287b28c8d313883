import { afterEach, describe, expect, it, vi } from 'vitest'
import { en } from './en'
import { createTranslator, directionOf, loadedMessages, loadMessages, LOCALES, matchLocale, pickLocale, type Messages } from '.'
import { OPEN_CHAT } from './open-chat'

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort()
const forms = (value: Messages[keyof Messages]): string[] => (typeof value === 'string' ? [value] : Object.values(value))

describe('catalogues', () => {
  it.each(LOCALES)('%s has every string, with the same {placeholders} as English, and every plural form its counts need', async (locale) => {
    const messages = await loadMessages(locale)
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort())
    const rules = new Intl.PluralRules(locale)
    // the counts the widget shows: unread messages, cards, seconds, files
    const needed = new Set(Array.from({ length: 100 }, (_, i) => rules.select(i + 1)))
    for (const key of Object.keys(en) as (keyof Messages)[]) {
      const value = messages[key]
      const english = placeholders(forms(en[key]).at(-1) ?? '')
      for (const text of forms(value)) {
        expect(text.trim(), `${locale}.${key}`).not.toBe('')
        // a plural form may spell out its number ("رسالة واحدة"): it may drop {n}, never invent a placeholder
        const own = placeholders(text)
        if (typeof value === 'string') expect(own, `${locale}.${key}`).toEqual(english)
        else expect(english, `${locale}.${key}`).toEqual(expect.arrayContaining(own))
      }
      if (typeof value !== 'string') for (const category of needed) expect(value, `${locale}.${key} needs "${category}"`).toHaveProperty(category)
    }
  })

  it("the script tag's launcher names its button as the catalogues do", async () => {
    for (const locale of LOCALES) expect(OPEN_CHAT[locale]).toBe((await loadMessages(locale)).openChat)
  })

  it('keeps a loaded catalogue, so the widget can show it at once the next time', async () => {
    const de = await loadMessages('de')
    expect(loadedMessages('de')).toBe(de)
    expect(loadedMessages('en')).toBe(en)
  })
})

describe('matchLocale', () => {
  it.each([
    [['de-AT'], 'de'],
    [['pt'], 'pt-BR'],
    [['pt-PT'], 'pt-BR'],
    [['PT_br'], 'pt-BR'],
    [['he-IL'], 'he'],
    [['it', 'zh-CN', 'fr-CA'], 'fr'],
    [['zh'], 'en'],
    [[], 'en'],
    [[undefined, 'ja-JP'], 'ja'],
  ] as const)('%j → %s', (wanted, locale) => expect(matchLocale(wanted)).toBe(locale))

  it('right-to-left for Arabic and Hebrew only', () => {
    expect(LOCALES.filter((l) => directionOf(l) === 'rtl')).toEqual(['ar', 'he'])
  })
})

describe('pickLocale', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("takes the page's wish first, then the visitor's browser languages in order", () => {
    vi.stubGlobal('navigator', { languages: ['it-IT', 'es-MX', 'en'] })
    expect(pickLocale(undefined)).toBe('es')
    expect(pickLocale('auto')).toBe('es')
    expect(pickLocale('ar')).toBe('ar')
    // a language Parley has no catalogue for: the browser's next
    expect(pickLocale('ko')).toBe('es')
  })
})

describe('createTranslator', () => {
  it('fills in {names}, with numbers in the locale', () => {
    expect(createTranslator('en', en).t('tooLong', { length: 4200, max: 4000 })).toBe('4,200 / 4,000 characters: please shorten your message.')
    expect(createTranslator('en', en).t('typing', { name: '{n}' })).toBe('{n} is typing…')
  })

  it('chooses the plural form with Intl.PluralRules', async () => {
    const ar = createTranslator('ar', await loadMessages('ar'))
    expect(ar.t('cards', { n: 2 })).toBe('بطاقتان')
    expect(ar.t('cards', { n: 5 })).toBe('5 بطاقات')
    expect(ar.t('cards', { n: 11 })).toBe('11 بطاقة')
    const en1 = createTranslator('en', en)
    expect(en1.t('openChatUnread', { n: 1 })).toBe('Open chat, 1 unread message')
    expect(en1.t('openChatUnread', { n: 3 })).toBe('Open chat, 3 unread messages')
  })

  it("lets the host's wording win", () => {
    const t = createTranslator('en', en, { title: 'Ask Ada', openChatUnread: { other: '{n} new' } }).t
    expect(t('title')).toBe('Ask Ada')
    expect(t('openChatUnread', { n: 1 })).toBe('1 new')
    expect(t('send')).toBe('Send')
  })
})
