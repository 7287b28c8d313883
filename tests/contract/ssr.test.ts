/**
 * `<ParleyChat>` from the built library (dist/lib) renders on a server with `vue/server-renderer`: in Node,
 * where `window` and `document` do not exist, so any use of them during setup or render would throw.
 */
import { createPinia } from 'pinia'
import { createSSRApp, h, type Component, type Plugin } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { expect, it } from 'vitest'

interface Lib {
  createParley(options: { bffUrl: string; locale?: string }): Plugin
  ParleyChat: Component
}

async function loadLib(): Promise<Lib> {
  // a path in a variable: the type check runs before the build, so dist/ may not exist yet
  const path = '../../dist/lib/index.js'
  const m: Partial<Lib> = await import(/* @vite-ignore */ path)
  if (typeof m.createParley !== 'function' || typeof m.ParleyChat !== 'object') throw new Error('dist/lib does not export the plugin')
  return { createParley: m.createParley, ParleyChat: m.ParleyChat }
}

it('renders the launcher to a string without window or document', async () => {
  expect(typeof window).toBe('undefined')
  expect(typeof document).toBe('undefined')
  const lib = await loadLib()
  const app = createSSRApp({ render: () => h('main', [h('h1', 'Shop'), h(lib.ParleyChat, { title: 'Help' })]) })
  app.use(createPinia())
  app.use(lib.createParley({ bffUrl: 'https://chat.example', locale: 'en' }))
  const warnings: unknown[] = []
  app.config.warnHandler = (msg) => void warnings.push(msg)
  const html = await renderToString(app)
  expect(html).toContain('<h1>Shop</h1>')
  expect(html).toMatch(/<button[^>]*class="parley-launcher"[^>]*aria-label="Open chat"/)
  expect(html).toContain('lang="en"')
  expect(warnings).toEqual([])
})

it('a widget set to start open renders on the server too, and opens in the browser', async () => {
  const lib = await loadLib()
  const app = createSSRApp({ render: () => h(lib.ParleyChat, { startOpen: true, persist: 'none' }) })
  app.use(createPinia())
  app.use(lib.createParley({ bffUrl: 'https://chat.example', locale: 'en' }))
  const html = await renderToString(app)
  // startOpen opens in the browser (onMounted), not on the server: the server sends the launcher
  expect(html).toContain('parley-launcher')
})
