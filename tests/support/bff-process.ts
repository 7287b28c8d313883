/**
 * A BFF in its own process on 127.0.0.1, for tests that signal it (SIGTERM, SIGKILL) and start it again.
 * It runs `server/main.ts` through tsx (the sources as they are, no build step); `npm start` and production run
 * the same code compiled, `server/dist/main.js` (tests/contract/production-start.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface BffProcess {
  readonly url: string
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>
  signal(signal: NodeJS.Signals): void
}

/** `nodeArgs` go before the entry (the benchmarks load their probe with `--import`). */
export async function startBff(port: number, env: Record<string, string>, timeoutMs = 30_000, nodeArgs: readonly string[] = []): Promise<BffProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  let ended = false
  void exited.then(() => (ended = true))
  for (;;) {
    if (ended) throw new Error(`the BFF on port ${port} exited during start`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the BFF on port ${port} was not ready within ${timeoutMs} ms`)
    }
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false)
    if (ready) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { url, exited, signal: (s) => void child.kill(s) }
}
