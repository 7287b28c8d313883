// `npm start`: build the front-ends when dist/ is missing or older than the sources, then run the BFF
// (TypeScript through tsx, in this same process so signals reach it directly).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const SOURCES = ['src', 'index.html', 'desk.html', 'embed-demo.html', 'vite.config.ts', 'tsconfig.lib.json', 'public', 'package-lock.json']

function newest(path) {
  if (!existsSync(path)) return 0
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs)
}

const stamp = 'dist/.build-stamp'
const stale = !existsSync(stamp) || SOURCES.some((p) => newest(p) > statSync(stamp).mtimeMs)
if (stale) {
  console.log('Parley: building the widget, the demo and the desk (dist/ is missing or stale)…')
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const { register } = await import('tsx/esm/api')
register()
await import('../server/main.ts')
