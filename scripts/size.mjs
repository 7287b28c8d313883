// `npm run size`: gzip sizes of what Parley ships, against the budgets of DESIGN.md §12. Sizes are
// deterministic, so tests/contract/dist.test.ts enforces the same budgets (run `npm run build` first).
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { measureConsumer, writeConsumerApp } from './consumer-app.mjs'

/** Budgets in bytes (1 kB = 1000 B), as DESIGN.md §12 sets them. */
export const BUDGETS = { launcher: 10_000, opened: 60_000, consumer: 25_000 }
/**
 * Ceilings while a budget is missed, until the team decides between a new budget and a smaller feature set
 * (docs/benchmarks.md): each holds a size where it was last measured, so growth is a decision someone wrote
 * down, not an accident; the budgets above are still what is reported. What a Vue app gets is everything
 * <ParleyChat> shows at once (the client with its tab sharing and identity, the store, the list, the
 * composer, the English catalogue), plus useAttention and useUploads: they are public exports, so the
 * library's index carries them although <ParleyChat> itself loads them on first use.
 */
export const CEILINGS = { consumer: 29_721 }

const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length
const files = (dir) => readdirSync(dir, { encoding: 'utf8' }).filter((f) => f.endsWith('.js') || f.endsWith('.css'))

/** A visitor's browser loads one language catalogue, so the largest one counts, not all seven. */
const isCatalogue = (f) => /^locale-[^\\/]+\.js$/.test(f)
/** The parts a conversation may never need, loaded on first use (components/lazy.ts). */
const isPart = (f) => /^part-[^\\/]+\.js$/.test(f)

/** Each file gzipped on its own, as a browser fetches it. */
export function measureSizes(dist = 'dist') {
  const embed = join(dist, 'embed')
  const all = files(embed)
  const launcher = gz(join(embed, 'parley.js'))
  const catalogue = Math.max(0, ...all.filter(isCatalogue).map((f) => gz(join(embed, f))))
  // opened: the script tag, the panel it imports and the visitor's catalogue; the parts come when needed
  const opened = all.filter((f) => !isCatalogue(f) && !isPart(f)).reduce((sum, f) => sum + gz(join(embed, f)), 0) + catalogue
  const parts = all.filter(isPart).reduce((sum, f) => sum + gz(join(embed, f)), 0)
  return { launcher, opened, catalogue, parts }
}

/**
 * What `<ParleyChat>` adds to a Vite + Vue app that already has Vue, Pinia and @vueuse/core, for an English
 * visitor (scripts/consumer-app.mjs): the app is built without and with the chat against `dist/lib` and
 * this repository's node_modules. `parts` and `largestCatalogue` are loaded later, when needed.
 */
export async function measureConsumerSize(dist = 'dist') {
  const { build } = await import('vite')
  const dir = mkdtempSync(join(tmpdir(), 'parley-size-'))
  // under a test runner NODE_ENV is "test", and Vite would keep Vue's development code
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    writeConsumerApp(dir)
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir')
    const alias = [
      { find: /^parley$/, replacement: resolve(dist, 'lib', 'index.js') },
      { find: /^parley\/style\.css$/, replacement: resolve(dist, 'lib', 'style.css') },
    ]
    for (const variant of ['base', 'chat']) {
      process.env.PARLEY_VARIANT = variant
      await build({ root: dir, configFile: join(dir, 'vite.config.mjs'), mode: 'production', logLevel: 'error', resolve: { alias } })
    }
    return measureConsumer(dir)
  } finally {
    delete process.env.PARLEY_VARIANT
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = measureSizes()
  const consumer = await measureConsumerSize()
  const rows = [
    ['script tag before the first open (dist/embed/parley.js)', sizes.launcher, BUDGETS.launcher],
    ['whole widget once opened, Vue and the largest language included (dist/embed, without the parts)', sizes.opened, BUDGETS.opened],
    ['what <ParleyChat> adds to a Vite + Vue app with Vue, Pinia and @vueuse/core, English (scripts/consumer-app.mjs)', consumer.added, BUDGETS.consumer],
  ]
  let over = false
  for (const [what, size, budget] of rows) {
    over ||= size > budget
    console.log(`${(size / 1000).toFixed(2).padStart(7)} kB gzip  (budget ${budget / 1000} kB) ${size > budget ? 'OVER ' : ''} ${what}`)
  }
  console.log(`${(sizes.catalogue / 1000).toFixed(2).padStart(7)} kB gzip  the largest language catalogue, counted in the opened widget`)
  console.log(`${(sizes.parts / 1000).toFixed(2).padStart(7)} kB gzip  the parts loaded on first use in the script tag (rich content, files, image viewer, forms, formatting)`)
  console.log(`${(consumer.parts / 1000).toFixed(2).padStart(7)} kB gzip  the same parts in the Vue app`)
  if (consumer.added > BUDGETS.consumer) console.log(`  what a Vue app gets is over DESIGN.md's budget; its ceiling until the team decides is ${CEILINGS.consumer / 1000} kB (docs/benchmarks.md)`)
  process.exit(over ? 1 : 0)
}
