// `npm start`: build what is missing or older than its sources (the front-ends into dist/, the server into
// server/dist/), then run the compiled server in this same process, so signals (SIGTERM drains) reach it directly.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const FRONT_END_SOURCES = ['src', 'index.html', 'desk.html', 'embed-demo.html', 'vite.config.ts', 'tsconfig.lib.json', 'public', 'package-lock.json']
const SERVER_SOURCES = ['server', 'src/protocol', 'scripts/build-server.mjs', 'tsconfig.base.json', 'package-lock.json']
// the server's own output and installs are not its sources
const SKIP = new Set(['server/dist', 'server/node_modules'])

function newest(path) {
  if (SKIP.has(path) || !existsSync(path)) return 0
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs)
}

const stale = (output, sources) => !existsSync(output) || sources.some((p) => newest(p) > statSync(output).mtimeMs)

function build(message, script) {
  console.log(message)
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const SERVER = 'server/dist/main.js'
if (stale('dist/.build-stamp', FRONT_END_SOURCES))
  build('Parley: building the widget, the demo, the desk and the server (dist/ is missing or stale)…', 'scripts/build.mjs')
else if (stale(SERVER, SERVER_SOURCES)) build('Parley: building the server (server/dist/ is missing or stale)…', 'scripts/build-server.mjs')

await import(`../${SERVER}`)
