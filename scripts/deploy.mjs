// The production install and its check: the steps of the Dockerfile's build stage, and of a test in `npm test`
// (no Docker engine runs on the development machines). Needs `npm run build` first.
//   node scripts/deploy.mjs <dir>   assemble <dir> and check it (exit 1 with the reason when a check fails)
// assemble: copy what production runs (the compiled server, the built front-ends, the package files) into
//   <dir> and install the server's production dependencies there (`npm ci --omit=dev`, from the npm cache when
//   it can), so neither tsx, Vite nor any other development package is present.
// check: start `node server/dist/main.js` in <dir> on 127.0.0.1 with a minimal environment, read /healthz and
//   the pages, make a guest round trip (session over HTTP, socket with the parley.v1 subprotocol, a message and
//   the bot's answer), add and list a desk account with the compiled CLI (server/dist/desk.js), then SIGTERM it
//   and expect a clean exit.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** What production runs: nothing else of the repository is copied. */
export const RUNTIME_FILES = ['package.json', 'package-lock.json', 'server/package.json', 'server/dist', 'dist/demo', 'dist/desk', 'dist/embed', 'dist/embed-demo.html']
/** Development packages that must not be in a production install. */
export const DEV_ONLY = ['tsx', 'vite', 'esbuild', 'vitest', 'pino-pretty', 'typescript']
const ORIGIN = 'http://deploy-check.invalid'
const STEP_MS = 15_000

/** The environment for npm: this one without what a parent test runner or npm script put in it. */
function npmEnv() {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'])
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && (!k.startsWith('npm_') || keep.has(k))))
}

export function assemble(dir) {
  const target = resolve(dir)
  const missing = RUNTIME_FILES.filter((f) => !existsSync(join(ROOT, f)))
  if (missing.length) throw new Error(`not built: ${missing.join(', ')} (run npm run build first)`)
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty`)
  mkdirSync(target, { recursive: true })
  for (const f of RUNTIME_FILES) cpSync(join(ROOT, f), join(target, f), { recursive: true })
  // only the server workspace's dependencies: the widget's (@vueuse/core) and its peers are not needed here
  const npm = spawnSync('npm', ['ci', '--omit=dev', '--workspace', '@parley/server', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel', 'error'], {
    cwd: target,
    env: npmEnv(),
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 300_000,
  })
  if (npm.status !== 0) throw new Error(`npm ci --omit=dev failed in ${target} (exit ${npm.status ?? npm.signal})`)
  return target
}

/** Which of `names` are installed in `dir` (at the top or under the server package). */
export function installed(dir, names) {
  return names.filter((n) => existsSync(join(dir, 'node_modules', n)) || existsSync(join(dir, 'server', 'node_modules', n)))
}

function withTimeout(promise, ms, what) {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))),
  ])
}

function startServer(dir) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    PARLEY_ALLOWED_ORIGINS: ORIGIN,
    PARLEY_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    PARLEY_DESK_TOKEN: randomBytes(18).toString('base64url'),
    PARLEY_DESK_BOT_DELAY_MS: '0',
    PARLEY_DRAIN_MS: '200',
    PARLEY_FILES_DIR: join(dir, '.files'),
  }
  const child = spawn(process.execPath, ['server/dist/main.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise((res) => child.once('exit', (code, signal) => res(code ?? signal)))
  const url = new Promise((res, reject) => {
    const onData = (chunk) => {
      output += chunk.toString('utf8')
      // the banner names the port the server got
      const m = /Demo:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
      if (m) res(m[1])
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then((code) => reject(new Error(`the server exited during start (${code}):\n${output.slice(-2000)}`)))
  })
  return { child, env, exited, url: withTimeout(url, STEP_MS, 'server start'), output: () => output }
}

/** The compiled desk CLI (server/dist/desk.js) against the running server, as an operator runs it in the image. */
function deskCli(dir, env, base, args) {
  const r = spawnSync(process.execPath, ['server/dist/desk.js', ...args], {
    cwd: dir,
    env: { PATH: env.PATH, PARLEY_URL: base, PARLEY_DESK_TOKEN: env.PARLEY_DESK_TOKEN, PARLEY_TOKEN_SECRET: env.PARLEY_TOKEN_SECRET },
    encoding: 'utf8',
    timeout: STEP_MS,
  })
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

function guestRoundTrip(dir, base) {
  // the ws client of the production install itself
  const WebSocket = createRequire(join(dir, 'server', 'package.json'))('ws')
  return withTimeout(
    (async () => {
      const res = await fetch(`${base}/api/guest-sessions`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' })
      if (res.status !== 201) throw new Error(`POST /api/guest-sessions answered ${res.status}`)
      const session = await res.json()
      const ws = new WebSocket(session.socketUrl, ['parley.v1', `parley.token.${session.guestToken}`], { origin: ORIGIN })
      try {
        return await new Promise((res, reject) => {
          let ackSeq
          ws.on('error', reject)
          ws.on('unexpected-response', (_req, r) => reject(new Error(`socket refused with ${r.statusCode}`)))
          ws.on('close', (code) => reject(new Error(`socket closed with ${code}`)))
          ws.on('message', (data) => {
            const frame = JSON.parse(data.toString('utf8'))
            if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'send', clientMessageId: 'deploy-check-1', text: 'Hello from the deploy check' }))
            else if (frame.type === 'ack' && frame.clientMessageId === 'deploy-check-1') ackSeq = frame.seq
            else if (frame.type === 'message' && frame.role === 'bot' && ackSeq !== undefined && frame.seq > ackSeq)
              res({ protocol: ws.protocol, ackSeq, answer: frame.text })
          })
        })
      } finally {
        ws.removeAllListeners('close')
        ws.close()
      }
    })(),
    STEP_MS,
    'guest round trip',
  )
}

/** Runs the production install in `dir` and reports what it saw; the server is stopped in every case. */
export async function check(dir) {
  const server = startServer(resolve(dir))
  try {
    const base = await server.url
    const healthz = await fetch(`${base}/healthz`)
    const pages = {}
    for (const path of ['/', '/desk', '/embed-demo.html', '/embed/parley.js']) pages[path] = (await fetch(path === '/' ? `${base}/` : `${base}${path}`)).status
    const roundTrip = await guestRoundTrip(resolve(dir), base)
    const deskAdd = deskCli(resolve(dir), server.env, base, ['agent', 'add', 'Deploy Check'])
    const deskList = deskCli(resolve(dir), server.env, base, ['agent', 'list'])
    server.child.kill('SIGTERM')
    const exitCode = await withTimeout(server.exited, STEP_MS, 'exit after SIGTERM')
    return { healthz: { status: healthz.status, body: await healthz.json() }, pages, roundTrip, desk: { add: deskAdd, list: deskList }, exitCode, output: server.output() }
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
  }
}

/** The report's failures, in words; empty when production runs as it should. */
export function problems(report, present) {
  const out = []
  if (present.length) out.push(`development packages installed: ${present.join(', ')}`)
  if (report.healthz.status !== 200) out.push(`/healthz answered ${report.healthz.status}`)
  for (const [path, status] of Object.entries(report.pages)) if (status !== 200) out.push(`${path} answered ${status}`)
  if (report.roundTrip.protocol !== 'parley.v1') out.push(`the socket's subprotocol is "${report.roundTrip.protocol}"`)
  if (typeof report.roundTrip.answer !== 'string' || !report.roundTrip.answer) out.push('the bot gave no answer')
  if (report.desk.add.status !== 0 || !report.desk.list.out.includes('Deploy Check'))
    out.push(`the compiled desk CLI failed: ${report.desk.add.out.trim()} ${report.desk.list.out.trim()}`.slice(0, 500))
  if (report.exitCode !== 0) out.push(`the server exited with ${report.exitCode} after SIGTERM`)
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2]
  if (!dir) {
    console.error('usage: node scripts/deploy.mjs <empty target directory>')
    process.exit(2)
  }
  try {
    const target = assemble(dir)
    const present = installed(target, DEV_ONLY)
    const report = await check(target)
    const failed = problems(report, present)
    if (failed.length) throw new Error(failed.join('; '))
    console.log(`Parley: production install in ${target} checked: /healthz, the pages, a guest round trip (the bot answered), the desk CLI, a clean SIGTERM; no ${DEV_ONLY.join(', ')}.`)
  } catch (err) {
    console.error(`Parley: the deploy check failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  }
}
