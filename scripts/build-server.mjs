// Compiles the BFF into ES modules for production (DESIGN.md §11): server/dist/main.js (`node server/dist/main.js`)
// and server/dist/desk.js, the desk-accounts CLI (`npm run desk` where tsx is not installed).
// esbuild bundles the server's own files and the src/protocol it imports (relative imports: tsc would leave
// them extensionless, which Node's ESM loader refuses, and src/protocol is outside the server package) and
// leaves every package as an import, resolved from node_modules at run time. Types are checked by vue-tsc -b.
// Every package the bundle imports must be a dependency of @parley/server, or `npm ci --omit=dev` would leave
// it out and the server would fail at start: this is checked here, at build time.
import { readFileSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Output name → entry; each output is self-contained (no shared chunks to keep in step). */
const ENTRIES = { main: 'server/main.ts', desk: 'server/cli/desk.ts' }
export const SERVER_OUT = 'server/dist/main.js'

/** Imported only when present (in a try), so they may be dev-only: pino-pretty for readable terminal logs. */
const OPTIONAL = new Set(['pino-pretty'])

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

export async function buildServer() {
  rmSync(`${ROOT}server/dist`, { recursive: true, force: true })
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: 'server/dist',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  })
  const pkg = JSON.parse(readFileSync(`${ROOT}server/package.json`, 'utf8'))
  const declared = new Set(Object.keys(pkg.dependencies ?? {}))
  const builtins = new Set(builtinModules)
  const undeclared = new Set()
  for (const input of Object.values(result.metafile.inputs))
    for (const imp of input.imports) {
      if (!imp.external || imp.path.startsWith('node:') || builtins.has(imp.path)) continue
      const name = packageOf(imp.path)
      if (!declared.has(name) && !OPTIONAL.has(name)) undeclared.add(name)
    }
  if (undeclared.size > 0)
    throw new Error(`the server imports ${[...undeclared].join(', ')}, not in server/package.json "dependencies": a production install would lack it.`)
  return SERVER_OUT
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildServer()
    console.log('Parley: built the server into server/dist/ (main.js, desk.js).')
  } catch (err) {
    console.error(`Parley: the server build failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  }
}
