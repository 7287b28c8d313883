// `npm test`: type check, lint, build, unit + BFF tests (Vitest), browser tests (Playwright on the system
// Chromium), then one closing line "N passed, N failed" summed over every suite.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'

const requireE2E = process.env.PARLEY_REQUIRE_E2E === '1'
const node = process.execPath
let passed = 0
let failed = 0
const notes = []

function run(label, args, env = {}) {
  console.log(`\n── ${label} ──`)
  const r = spawnSync(node, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status === 0
}

/** A step that is not a test suite counts as one check. */
function check(label, args) {
  if (run(label, args)) passed++
  else {
    failed++
    notes.push(`${label} failed`)
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
}

rmSync('test-results', { recursive: true, force: true })
check('type check (vue-tsc -b)', ['node_modules/vue-tsc/bin/vue-tsc.js', '-b'])
check('lint (eslint)', ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings', '0'])
check('build (server, lib, embed, launcher, demo, desk)', ['scripts/build.mjs'])

const unitOk = run('unit and BFF tests (vitest)', ['node_modules/vitest/vitest.mjs', 'run'], {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ./scripts/node20-polyfills.mjs`.trim(),
})
const unit = readJson('test-results/unit.json')
if (unit) {
  passed += unit.numPassedTests
  failed += unit.numFailedTests
  if (!unitOk && unit.numFailedTests === 0) {
    failed++
    notes.push('vitest exited with an error outside the tests')
  }
} else {
  failed++
  notes.push('vitest wrote no report')
}

const { findChromium } = await import('../tests/support/chromium.mjs')
const chromium = findChromium()
if (!chromium) {
  const msg = 'NO CHROMIUM FOUND (set PARLEY_CHROMIUM or install Debian\'s "chromium"): the browser tests did NOT run.'
  console.log(`\n${'!'.repeat(80)}\n!! ${msg}\n${'!'.repeat(80)}`)
  if (requireE2E) {
    failed++
    notes.push('browser tests skipped but PARLEY_REQUIRE_E2E=1')
  } else notes.push('browser tests SKIPPED (no Chromium)')
} else {
  const e2eOk = run(`browser tests (playwright, ${chromium})`, ['node_modules/@playwright/test/cli.js', 'test'])
  const e2e = readJson('test-results/e2e.json')
  if (e2e?.stats) {
    passed += e2e.stats.expected + e2e.stats.flaky
    failed += e2e.stats.unexpected
    if (e2e.stats.skipped) notes.push(`${e2e.stats.skipped} browser tests skipped`)
    if (!e2eOk && e2e.stats.unexpected === 0) {
      failed++
      notes.push('playwright exited with an error outside the tests')
    }
  } else {
    failed++
    notes.push('playwright wrote no report')
  }
}

console.log('')
for (const n of notes) console.log(`note: ${n}`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
