/**
 * One config, one build per mode: `demo` (index.html → dist/demo), `desk` (desk.html → dist/desk).
 * `npm run build` runs them all (scripts/build.mjs); `vite` alone serves the demo with the BFF proxied.
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
    default:
      return { ...common, build: { outDir: 'dist/demo', emptyOutDir: true, rolldownOptions: { input: 'index.html' } } }
  }
})
