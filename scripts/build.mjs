// Builds every front-end Parley serves (demo, desk) with Vite, then stamps dist/ so `npm start` knows
// the build is current.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'

const modes = ['demo', 'desk']
for (const mode of modes) {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--mode', mode, '--logLevel', 'warn'], { stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`Parley: the ${mode} build failed.`)
    process.exit(r.status ?? 1)
  }
}
mkdirSync('dist', { recursive: true })
writeFileSync('dist/.build-stamp', new Date().toISOString())
console.log(`Parley: built ${modes.join(', ')} into dist/.`)
