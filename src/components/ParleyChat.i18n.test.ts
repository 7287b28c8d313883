import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type * as I18nModule from '../i18n'
import ParleyChat from './ParleyChat.vue'

// Japanese stands in for a catalogue that cannot load (offline, a blocked chunk)
vi.mock('../i18n', async (importOriginal) => {
  const real = await importOriginal<typeof I18nModule>()
  return { ...real, loadMessages: (locale: Parameters<typeof real.loadMessages>[0]) => (locale === 'ja' ? Promise.reject(new Error('offline')) : real.loadMessages(locale)) }
})
// opening starts the client: keep it from reaching the network
vi.stubGlobal('fetch', () => new Promise(() => undefined))

/** Mounted, and shown once its catalogue is here (the first import of a chunk takes a while in Vitest). */
async function widget(props: Record<string, unknown>) {
  const w = mount(ParleyChat, { props: { bffUrl: 'http://127.0.0.1:9', persist: 'none', ...props }, global: { plugins: [createPinia()] } })
  await vi.waitFor(() => expect(w.find('.parley-root').exists()).toBe(true))
  return w
}

describe('ParleyChat languages', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("speaks the locale prop's language once its catalogue is here, and shows nothing before", async () => {
    const w = mount(ParleyChat, { props: { bffUrl: 'http://127.0.0.1:9', persist: 'none', locale: 'de' }, global: { plugins: [createPinia()] } })
    expect(w.find('.parley-root').exists()).toBe(false)
    await vi.waitFor(() => expect(w.find('.parley-root').exists()).toBe(true))
    expect(w.get('.parley-root').attributes()).toMatchObject({ lang: 'de', dir: 'ltr' })
    expect(w.get('.parley-launcher').attributes('aria-label')).toBe('Chat öffnen')
    await w.get('.parley-launcher').trigger('click')
    await flushPromises()
    expect(w.get('h2').text()).toBe('Chatten Sie mit uns')
    expect(w.get('textarea').attributes('placeholder')).toBe('Nachricht schreiben…')
    w.unmount()
  })

  it('lays itself out right to left in Arabic and Hebrew', async () => {
    for (const locale of ['ar', 'he-IL']) {
      const w = await widget({ locale })
      expect(w.get('.parley-root').attributes()).toMatchObject({ lang: locale.slice(0, 2), dir: 'rtl' })
      w.unmount()
    }
  })

  it("follows the visitor's browser languages without a locale prop", async () => {
    vi.stubGlobal('navigator', { ...navigator, languages: ['fr-CA', 'en'] })
    const w = await widget({})
    expect(w.get('.parley-launcher').attributes('aria-label')).toBe('Ouvrir le chat')
    w.unmount()
  })

  it("takes the host's wording over the catalogue's", async () => {
    const w = await widget({ locale: 'es', messages: { openChat: 'Pregúntanos' }, startOpen: false })
    expect(w.get('.parley-launcher').attributes('aria-label')).toBe('Pregúntanos')
    w.unmount()
  })

  it('stays usable in English when a catalogue cannot load', async () => {
    const w = await widget({ locale: 'ja' })
    expect(w.get('.parley-root').attributes('lang')).toBe('en')
    expect(w.get('.parley-launcher').attributes('aria-label')).toBe('Open chat')
    w.unmount()
  })
})
