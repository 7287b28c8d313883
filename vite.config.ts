/**
 * One config, one build per mode (`npm run build` runs them all, scripts/build.mjs):
 * - `demo`  index.html → dist/demo
 * - `desk`  desk.html → dist/desk
 * - `lib`   src/index.ts and src/client/index.ts → dist/lib (ESM; vue, pinia and @vueuse/core stay imports)
 * - `embed` src/embed/parley.ts → dist/embed/parley.js, with the Vue panel as a chunk beside it
 * `vite` alone serves the demo with the BFF proxied.
 */
import vue from '@vitejs/plugin-vue'
import { defineConfig, type UserConfig } from 'vite'

const BFF = process.env.PARLEY_BFF ?? 'http://127.0.0.1:8080'

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
          lib: { entry: { index: 'src/index.ts', client: 'src/client/index.ts' }, formats: ['es'], cssFileName: 'style' },
          rolldownOptions: { external: ['vue', 'pinia', '@vueuse/core', /^@vue\//], preserveEntrySignatures: 'allow-extension', output: { minify: true } },
          minify: true,
        },
      }
    case 'embed':
      return {
        // every SFC in custom-element mode: its CSS comes as strings the panel puts into the shadow root,
        // instead of a stylesheet in the host page's <head> (STYLE.md §3.4)
        plugins: [vue({ features: { customElement: true, optionsAPI: false } })],
        publicDir: false,
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir: 'dist/embed',
          emptyOutDir: true,
          // an app build, not lib mode, so the output is fully minified
          rolldownOptions: {
            // two entries: the launcher imports the panel by URL at run time, so the bundler adds no
            // preload helper (it uses `import.meta`, which a classic script cannot contain)
            input: { parley: 'src/embed/parley.ts', 'parley-panel': 'src/embed/panel.ts' },
            preserveEntrySignatures: 'strict',
            output: {
              entryFileNames: '[name].js',
              // the launcher runs as a classic script: its declarations stay inside a function, so a
              // second copy of the tag cannot collide with the first
              banner: (chunk) => (chunk.name === 'parley' ? '(()=>{' : ''),
              footer: (chunk) => (chunk.name === 'parley' ? '})();' : ''),
            },
          },
        },
      }
    default:
      return { ...common, build: { outDir: 'dist/demo', emptyOutDir: true, rolldownOptions: { input: 'index.html' } } }
  }
})
