// A small Vite + Vue shop that a Parley user might have: the same app without and with <ParleyChat>, so
// the difference is what Parley adds to a bundle that already has Vue, Pinia and @vueuse/core. Used by
// `npm run size` (against dist/lib, with this repository's node_modules) and by the consumer-app test
// (tests/e2e/consumer.spec.ts, against the packed library installed with the lowest claimed peers).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'

const SHOP = `<script setup>
import { useLocalStorage, useNow } from '@vueuse/core'
import { computed } from 'vue'
import { useCart } from './cart.js'

const cart = useCart()
const now = useNow()
const theme = useLocalStorage('shop-theme', 'light')
const products = [
  { id: 1, name: 'Trail boots', price: 129 },
  { id: 2, name: 'Rain jacket', price: 89 },
  { id: 3, name: 'Wool socks', price: 15 },
]
const total = computed(() => cart.items.reduce((sum, p) => sum + p.price, 0))
</script>

<template>
  <header :class="theme">
    <h1>Boots &amp; more</h1>
    <button type="button" @click="theme = theme === 'light' ? 'dark' : 'light'">Theme</button>
    <small>{{ now.toLocaleTimeString() }}</small>
  </header>
  <ul>
    <li v-for="p in products" :key="p.id">
      {{ p.name }}, {{ p.price }} €
      <button type="button" @click="cart.add(p)">Add</button>
    </li>
  </ul>
  <p v-if="cart.items.length">Cart: {{ cart.items.length }} items, {{ total }} €</p>
  <p v-else>Your cart is empty.</p>
</template>
`

const CART = `import { defineStore } from 'pinia'
import { ref } from 'vue'

export const useCart = defineStore('cart', () => {
  const items = ref([])
  const add = (p) => items.value.push(p)
  return { items, add }
})
`

const WITH_CHAT = `<script setup>
import { ParleyChat } from 'parley'
import Shop from './Shop.vue'
</script>

<template>
  <Shop />
  <ParleyChat title="Boots & more" />
</template>
`

const main = (withChat) => `import { createPinia } from 'pinia'
import { createApp } from 'vue'
${withChat ? `import { createParley } from 'parley'\nimport 'parley/style.css'\nimport App from './App.vue'` : `import App from './Shop.vue'`}

const app = createApp(App)
app.use(createPinia())
${withChat ? 'app.use(createParley({ bffUrl: import.meta.env.VITE_PARLEY_BFF }))\n' : ''}app.mount('#app')
`

const html = (entry) => `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Boots &amp; more</title></head>
  <body><div id="app"></div><script type="module" src="/src/${entry}"></script></body>
</html>
`

// PARLEY_VARIANT=base builds the shop alone into dist/base, else the shop with the chat into dist/chat
const VITE_CONFIG = `import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const variant = process.env.PARLEY_VARIANT === 'base' ? 'base' : 'chat'
export default defineConfig({
  plugins: [vue()],
  build: { outDir: 'dist/' + variant, emptyOutDir: true, manifest: true, rolldownOptions: { input: variant + '.html' } },
})
`

/** Writes the app's sources (not its package.json) into `dir`. */
export function writeConsumerApp(dir) {
  const files = {
    'vite.config.mjs': VITE_CONFIG,
    'base.html': html('base.js'),
    'chat.html': html('chat.js'),
    'src/Shop.vue': SHOP,
    'src/App.vue': WITH_CHAT,
    'src/cart.js': CART,
    'src/base.js': main(false),
    'src/chat.js': main(true),
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length

/**
 * Gzip bytes of a build in `outDir` (its Vite manifest): `eager`, what the page loads before anything
 * happens (the entry, its static imports and their CSS); `lazy`, every chunk loaded later (parts and
 * language catalogues), by file.
 */
export function measureBuild(outDir) {
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8'))
  const eager = new Set()
  const visit = (key) => {
    const chunk = manifest[key]
    if (!chunk || eager.has(chunk.file)) return
    eager.add(chunk.file)
    for (const css of chunk.css ?? []) eager.add(css)
    for (const dep of chunk.imports ?? []) visit(dep)
  }
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key)
  const all = new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]))
  const lazy = {}
  for (const file of all) if (!eager.has(file)) lazy[file] = gz(join(outDir, file))
  return { eager: [...eager].reduce((sum, f) => sum + gz(join(outDir, f)), 0), lazy }
}

/** What the chat adds: eager bytes of dist/chat minus those of dist/base, and the chat's lazy chunks. */
export function measureConsumer(appDir) {
  const base = measureBuild(join(appDir, 'dist', 'base'))
  const chat = measureBuild(join(appDir, 'dist', 'chat'))
  const lazy = Object.entries(chat.lazy)
  const catalogue = (f) => /(^|\/)locale-/.test(f)
  return {
    base: base.eager,
    added: chat.eager - base.eager,
    parts: lazy.filter(([f]) => !catalogue(f)).reduce((sum, [, n]) => sum + n, 0),
    largestCatalogue: Math.max(0, ...lazy.filter(([f]) => catalogue(f)).map(([, n]) => n)),
  }
}
