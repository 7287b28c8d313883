/**
 * @module server/paths
 * Where the repository's files are, from this module's own location. The same code runs as TypeScript
 * (`server/*.ts`, tests and `npm run dev:server`) and bundled (`server/dist/main.js`), one folder deeper, so a
 * fixed relative URL would point at a different place in each: the server package's folder is found instead.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SERVER_PACKAGE = '@parley/server'

function packageName(dir: string): string | undefined {
  const file = join(dir, 'package.json')
  if (!existsSync(file)) return undefined
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
  return typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string' ? parsed.name : undefined
}

/** The folder of the `@parley/server` package that holds `from` (a file URL), searched upwards a few levels. */
export function serverPackageDir(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from))
  for (let level = 0; level < 4; level++) {
    if (packageName(dir) === SERVER_PACKAGE) return dir
    dir = dirname(dir)
  }
  throw new Error(`${fileURLToPath(from)} is not inside the ${SERVER_PACKAGE} package (no server/package.json above it).`)
}

/** The built front-ends (`dist/` at the repository root, beside `server/`), unless PARLEY_DIST_DIR says otherwise. */
export function defaultDistDir(from: string = import.meta.url): string {
  return join(dirname(serverPackageDir(from)), 'dist')
}
