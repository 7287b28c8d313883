/**
 * One config, one build per mode (`npm run build` runs them all, scripts/build.mjs):
 * - `demo`  index.html → dist/demo
 * - `desk`  desk.html → dist/desk
 * - `lib`   src/index.ts, src/client/index.ts and src/protocol/index.ts → dist/lib (ESM; vue, pinia and @vueuse/core stay imports)
 * - `embed` src/embed/panel.ts → dist/embed/parley-panel.js (the Vue panel) and a chunk per language
 * - `launcher` src/embed/parley.ts → dist/embed/parley.js, the script tag, which imports the panel by URL
 * `vite` alone serves the demo with the BFF proxied.
 */
import vue from '@vitejs/plugin-vue'
import { defineConfig, type UserConfig } from 'vite'

const BFF = process.env.PARLEY_BFF ?? 'http://127.0.0.1:8080'
/**
 * Each language catalogue is a chunk named `locale-<tag>-<hash>.js` (scripts/size.mjs counts the largest),
 * each part loaded on first use (components/lazy.ts) one named `part-<Component>-<hash>.js`.
 */
const chunkFileNames = (chunk: { facadeModuleId: string | null }): string => {
  const id = chunk.facadeModuleId ?? ''
  if (id.includes('/i18n/locales/')) return 'locale-[name]-[hash].js'
  return /\/(components|composables)\/[^/]+\.(vue|ts)$/.test(id) ? 'part-[name]-[hash].js' : '[name]-[hash].js'
}

export default defineConfig(({ mode }): UserConfig => {
  const common: UserConfig = {
    plugins: [vue()],
    // the BFF replaces this with a fresh nonce per response (NONCE_PLACEHOLDER in server/csp.ts)
    html: { cspNonce: 'PARLEY_CSP_NONCE' },
    server: { proxy: { '/api': { target: BFF, ws: true } } },
  }
  switch (mode) {
    case 'desk':
      return {
        ...common,
        base: '/desk/',
        publicDir: false,
        build: { outDir: 'dist/desk', emptyOutDir: true, rolldownOptions: { input: 'desk.html' } },
      }
    case 'lib':
      return {
        plugins: [vue()],
        publicDir: false,
        build: {
          outDir: 'dist/lib',
          emptyOutDir: false, // the type declarations (vue-tsc) land here too
          cssCodeSplit: false,
          lib: { entry: { index: 'src/index.ts', client: 'src/client/index.ts', protocol: 'src/protocol/index.ts' }, formats: ['es'], cssFileName: 'style' },
          rolldownOptions: {
            external: ['vue', 'pinia', '@vueuse/core', /^@vue\//],
            preserveEntrySignatures: 'allow-extension',
            // useAttention and useUploads are public API here, so index.js carries them; ParleyChat's import()
            // of them only splits them off in the script tag, which is what it is for
            checks: { ineffectiveDynamicImport: false },
            output: { minify: true, chunkFileNames },
          },
          minify: true,
        },
      }
    case 'embed':
      return {
        // every SFC in custom-element mode: its CSS comes as strings the panel puts into the shadow root,
        // instead of a stylesheet in the host page's <head> (STYLE.md §3.4). No Options API: every
        // component is <script setup>, and Vue without it is 1.7 kB smaller.
        plugins: [vue({ features: { customElement: true, optionsAPI: false } })],
        publicDir: false,
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir: 'dist/embed',
          emptyOutDir: true,
          // lib mode: an app build wraps every import() of the language chunks in Vite's preload helper
          // (0.6 kB, vitejs/vite#18551) that a JS-only chunk does not need; minified all the same
          lib: { entry: { 'parley-panel': 'src/embed/panel.ts' }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
          minify: true,
          rolldownOptions: { preserveEntrySignatures: 'allow-extension', output: { minify: true, chunkFileNames } },
        },
      }
    case 'launcher':
      // the script tag: a build of its own, so no module it shares with the panel (the language matching)
      // becomes a shared chunk, which would turn it into an ES module; one classic script (an IIFE) instead
      return {
        publicDir: false,
        build: {
          outDir: 'dist/embed',
          emptyOutDir: false,
          lib: { entry: 'src/embed/parley.ts', formats: ['iife'], name: 'ParleyLauncher', fileName: () => 'parley.js' },
          minify: true,
        },
      }
    default:
      return { ...common, build: { outDir: 'dist/demo', emptyOutDir: true, rolldownOptions: { input: 'index.html' } } }
  }
})
