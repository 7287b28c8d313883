// Shared by playwright.config.ts and scripts/test.mjs (plain JS so the test script can load it).
/**
 * Where the system Chromium is (Debian's `chromium`); Playwright never downloads a browser here.
 */
import { existsSync } from 'node:fs'

/** @returns {string | undefined} */
export function findChromium() {
  const candidates = [process.env.PARLEY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p) => typeof p === 'string' && p.length > 0,
  )
  return candidates.find((p) => existsSync(p))
}

/** Flags for a closed network: no background connections, no sandbox as root, no GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // pages that tests serve through page.route() have no real address; Chromium's Local Network Access
  // checks would then block their sockets to 127.0.0.1
  '--disable-features=LocalNetworkAccessChecks',
]
