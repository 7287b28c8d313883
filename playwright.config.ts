/**
 * E2E against the built demo and desk, served by a real BFF on 127.0.0.1, in the system Chromium.
 */
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from './tests/support/chromium.mjs'

export const E2E_PORT = Number(process.env.PARLEY_E2E_PORT ?? 18190)
export const E2E_DESK_TOKEN = 'e2e-desk-token-0123456789'
/** The fault proxy in front of the e2e BFF; its origin is allowed so pages can be loaded through it. */
export const E2E_PROXY_PORT = E2E_PORT + 1
/** A second BFF that the restart test starts, signals and starts again. */
export const E2E_RESTART_PORT = E2E_PORT + 3
/** A BFF with the Genesys upstream, pointed at the simulator. */
export const E2E_GENESYS_PORT = E2E_PORT + 4
/** A BFF whose business hours are over while the test runs. */
export const E2E_HOURS_PORT = E2E_PORT + 5
/** A BFF of the desk screenshots' own, so nothing another spec left behind (agents online, counts) shows. */
export const E2E_DESK_LOOK_PORT = E2E_PORT + 6

export default defineConfig({
  testDir: 'tests',
  // browser tests live beside their suites: the e2e journeys and the abuse suite's rendering checks
  testMatch: ['e2e/**/*.spec.ts', 'abuse/**/*.spec.ts'],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // its own folder: Playwright empties outputDir at start, which would delete Vitest's report
  outputDir: 'test-results/playwright',
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node scripts/start.mjs',
    url: `http://127.0.0.1:${E2E_PORT}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      HOST: '127.0.0.1',
      PORT: String(E2E_PORT),
      PARLEY_DESK_TOKEN: E2E_DESK_TOKEN,
      // the bootstrap admin's name on its replies, which the journeys look for
      PARLEY_DESK_ADMIN_NAME: 'Ada',
      // several specs show the wrong-token error on purpose; the throttle itself is the abuse suite's (desk-signin.test.ts)
      PARLEY_DESK_SIGNIN_FAILURES: '1000',
      PARLEY_TOKEN_SECRET: 'e2e-secret-that-is-at-least-32-bytes-long',
      PARLEY_ALLOWED_ORIGINS: [E2E_PORT, E2E_PROXY_PORT].map((p) => `http://127.0.0.1:${p}`).join(','),
      // a short heartbeat, so a half-open link is found in seconds (2 × 2 s + 5 s in the widget)
      PARLEY_HEARTBEAT_MS: '2000',
      LOG_LEVEL: 'warn',
    },
  },
})
