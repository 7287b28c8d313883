/**
 * 2. Time to chat in the system Chromium, cold cache (a new browser context per sample), over loopback:
 * the script-tag demo page (`/embed-demo.html`) served by a BFF. Per sample:
 *   - launcher painted: the launcher button exists in a frame that was then committed (rAF, then a task);
 *   - main-thread blocking before it: total blocking time of long tasks (the part of each over 50 ms) and
 *     the renderer's whole main-thread task time (CDP `Performance.getMetrics`);
 *   - click → composer usable (focused, in a painted frame) and socket ready (the `ready` frame arrived).
 * Reports medians of N.
 *
 *   npm run bench -- browser [--quick]
 */
import { existsSync } from 'node:fs'
import { chromium, type Page } from '@playwright/test'
import { startBff } from '../tests/support/bff-process'
import { CHROMIUM_ARGS, findChromium } from '../tests/support/chromium.mjs'
import { describeMachine } from './lib/machine'
import { emit, knob } from './lib/result'
import { BENCH_ENV } from './lib/servers'
import { median } from './lib/stats'

const SAMPLES = knob('PARLEY_BENCH_SAMPLES', 15, 5)
const PORT = 18430

interface BenchMarks {
  launcherAt?: number
  clickAt?: number
  composerAt?: number
  readyAt?: number
  longTasks: [start: number, duration: number][]
}

declare global {
  interface Window {
    __bench?: BenchMarks
    __benchOpen?: () => void
  }
}

/** Runs in the page before any of its scripts. */
function instrument(): void {
  const marks: BenchMarks = { longTasks: [] }
  window.__bench = marks
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) marks.longTasks.push([e.startTime, e.duration])
  }).observe({ type: 'longtask' })
  const Native = window.WebSocket
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      this.addEventListener('message', (ev: MessageEvent<unknown>) => {
        if (typeof ev.data === 'string' && ev.data.startsWith('{"type":"ready"')) marks.readyAt ??= performance.now()
      })
    }
  }
  const root = (): ShadowRoot | null | undefined => document.querySelector('parley-chat')?.shadowRoot
  /** After the frame that showed it was committed: rAF runs before the paint, a task after it. */
  const afterPaint = (done: (t: number) => void): void => {
    requestAnimationFrame(() => {
      const ch = new MessageChannel()
      ch.port1.onmessage = () => done(performance.now())
      ch.port2.postMessage(null)
    })
  }
  const watch = (found: () => boolean, mark: (t: number) => void): void => {
    const tick = (): void => {
      if (found()) afterPaint(mark)
      else requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  }
  watch(() => !!root()?.querySelector('button[aria-label^="Open chat"]'), (t) => (marks.launcherAt = t))
  window.__benchOpen = () => {
      const button = root()?.querySelector('button[aria-label^="Open chat"]')
      if (!(button instanceof HTMLElement)) throw new Error('no launcher')
      marks.clickAt = performance.now()
      button.click()
      watch(() => {
        const r = root()
        const box = r?.querySelector('textarea[aria-label="Message"]')
        return !!box && r?.activeElement === box
      }, (t) => (marks.composerAt = t))
  }
}

interface Sample {
  launcherMs: number
  fcpMs: number
  blockingMs: number
  mainThreadMs: number
  scriptMs: number
  composerMs: number
  readyMs: number
  chatReadyMs: number
}

async function marks(page: Page): Promise<BenchMarks> {
  const m = await page.evaluate(() => window.__bench)
  if (!m) throw new Error('the page lost its instrumentation')
  return m
}

async function sample(page: Page, url: string): Promise<Sample> {
  page.on('pageerror', (e) => console.error('page error:', e.message))
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  // tsx compiles with esbuild's keepNames, which wraps functions in `__name(...)`: give the page a no-op one
  await page.addInitScript('globalThis.__name ??= (f) => f')
  await page.addInitScript(instrument)
  await page.goto(url)
  await page.waitForFunction(() => window.__bench?.launcherAt !== undefined)
  const metrics = await cdp.send('Performance.getMetrics')
  const metric = (name: string): number => Math.round((metrics.metrics.find((x) => x.name === name)?.value ?? NaN) * 1000)
  const atLauncher = await marks(page)
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN)
  await page.evaluate(() => window.__benchOpen?.())
  await page.waitForFunction(() => window.__bench?.composerAt !== undefined && window.__bench.readyAt !== undefined, undefined, { timeout: 15_000 })
  const m = await marks(page)
  const launcherAt = atLauncher.launcherAt ?? NaN
  const clickAt = m.clickAt ?? NaN
  const before = atLauncher.longTasks.filter(([start]) => start < launcherAt)
  return {
    launcherMs: launcherAt,
    fcpMs: fcp,
    blockingMs: before.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0),
    mainThreadMs: metric('TaskDuration'),
    scriptMs: metric('ScriptDuration'),
    composerMs: (m.composerAt ?? NaN) - clickAt,
    readyMs: (m.readyAt ?? NaN) - clickAt,
    chatReadyMs: Math.max(m.composerAt ?? NaN, m.readyAt ?? NaN) - clickAt,
  }
}

const executablePath = findChromium()
if (!executablePath) {
  console.error('bench: NO CHROMIUM FOUND (set PARLEY_CHROMIUM or install Debian\'s "chromium"); the browser benchmark did not run')
  process.exit(1)
}
if (!existsSync('dist/embed/parley.js')) {
  console.error('bench: run `npm run build` first (dist/embed is missing)')
  process.exit(1)
}
const origin = `http://127.0.0.1:${PORT}`
const bff = await startBff(PORT, { ...BENCH_ENV, PARLEY_ALLOWED_ORIGINS: origin })
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
const samples: Sample[] = []
try {
  // one unmeasured run, so the BFF's own first-request costs are not in the cold-browser numbers
  for (let i = 0; i <= SAMPLES; i++) {
    const context = await browser.newContext()
    const s = await sample(await context.newPage(), `${origin}/embed-demo.html`)
    if (i > 0) samples.push(s)
    await context.close()
  }
} finally {
  await browser.close()
  bff.signal('SIGKILL')
  await bff.exited
}
const med = (k: keyof Sample): number => Math.round(median(samples.map((s) => s[k])) * 10) / 10
const result = {
  machine: describeMachine(),
  chromium: browser.version(),
  samples: SAMPLES,
  page: '/embed-demo.html (script tag, strict CSP), served by the BFF over 127.0.0.1',
  median: {
    firstContentfulPaintMs: med('fcpMs'),
    launcherPaintedMs: med('launcherMs'),
    blockingBeforeLauncherMs: med('blockingMs'),
    mainThreadTaskMsAtLauncher: med('mainThreadMs'),
    scriptMsAtLauncher: med('scriptMs'),
    clickToComposerMs: med('composerMs'),
    clickToSocketReadyMs: med('readyMs'),
    clickToChatReadyMs: med('chatReadyMs'),
  },
  worstClickToChatReadyMs: Math.round(Math.max(...samples.map((s) => s.chatReadyMs))),
}
console.error(result.median)
emit('browser', result)
