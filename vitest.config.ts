/**
 * Two projects: `client` (src/, happy-dom) and `server` (server/ and tests/contract, Node).
 * Browser tests are Playwright's (tests/e2e), not Vitest's.
 */
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results/unit.json' }]],
    projects: [
      {
        plugins: [vue()],
        test: { name: 'client', environment: 'happy-dom', include: ['src/**/*.test.ts'] },
      },
      {
        test: { name: 'server', environment: 'node', include: ['server/**/*.test.ts', 'tests/lint/**/*.test.ts', 'tests/fault/**/*.test.ts', 'tests/abuse/**/*.test.ts', 'tests/contract/**/*.test.ts', 'tests/genesys/**/*.test.ts', 'tests/redis/**/*.test.ts', 'bench/**/*.test.ts'], testTimeout: 20_000 },
      },
    ],
  },
})
