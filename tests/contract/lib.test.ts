// @vitest-environment happy-dom
/**
 * A Vue app gets the widget through `app.use()` from the built library (dist/lib), the way a consumer's
 * bundler sees it: the plugin installs Pinia when the host has none, registers <ParleyChat>, and the
 * launcher renders.
 */
import { createApp, h, nextTick } from 'vue'
import { expect, it } from 'vitest'

interface Lib {
  createParley(options: { bffUrl: string }): { install(app: ReturnType<typeof createApp>): void }
  ParleyChat: object
}

async function loadLib(): Promise<Lib> {
  // a path in a variable: the type check runs before the build, so dist/ may not exist yet
  const path = '../../dist/lib/index.js'
  const m: Partial<Lib> = await import(/* @vite-ignore */ path)
  if (typeof m.createParley !== 'function' || typeof m.ParleyChat !== 'object') throw new Error('dist/lib does not export the plugin')
  return { createParley: m.createParley, ParleyChat: m.ParleyChat }
}

it('app.use(createParley()) from dist/lib renders the launcher, with Pinia installed for the host', async () => {
  const lib = await loadLib()
  const el = document.createElement('div')
  document.body.append(el)
  const app = createApp({ render: () => h('main', [h('h1', 'Host'), h(lib.ParleyChat)]) })
  app.use(lib.createParley({ bffUrl: 'http://127.0.0.1:9' }))
  app.mount(el)
  await nextTick()
  expect(app.config.globalProperties.$pinia).toBeDefined()
  expect(el.querySelector('button[aria-label="Open chat"]')).not.toBeNull()
  expect(app.component('ParleyChat')).toBeDefined()
  app.unmount()
})
