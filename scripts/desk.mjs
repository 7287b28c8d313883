// `npm run desk -- agent …`: desk accounts (server/cli/desk-cli.ts). From a checkout the TypeScript runs
// through tsx; where only the compiled server was installed (npm ci --omit=dev), server/dist/desk.js runs.
import { existsSync } from 'node:fs'

let tsx
try {
  tsx = await import('tsx/esm/api')
} catch {
  tsx = undefined
}
if (tsx) {
  tsx.register()
  await import('../server/cli/desk.ts')
} else if (existsSync(new URL('../server/dist/desk.js', import.meta.url))) {
  await import('../server/dist/desk.js')
} else {
  console.error('Neither tsx (a dev dependency) nor the compiled server/dist/desk.js is here: run `npm run build` first.')
  process.exitCode = 1
}
