// Builds everything Parley ships and serves (DESIGN.md §11): the Vue library with its type declarations
// (dist/lib), the script tag (dist/embed), the demo (dist/demo) with the script-tag demo page beside it,
// and the desk (dist/desk); and the compiled server (server/dist/main.js, scripts/build-server.mjs). Then stamps
// dist/ so `npm start` knows the front-end build is current (the server's is judged by main.js itself).
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'

function run(label, args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`Parley: the ${label} build failed.`)
    process.exit(r.status ?? 1)
  }
}

run('server', ['scripts/build-server.mjs'])
rmSync('dist/lib', { recursive: true, force: true })
const modes = ['lib', 'embed', 'launcher', 'demo', 'desk']
for (const mode of modes) run(mode, ['node_modules/vite/bin/vite.js', 'build', '--mode', mode, '--logLevel', 'warn'])
run('type declarations', ['node_modules/vue-tsc/bin/vue-tsc.js', '-p', 'tsconfig.lib.json'])
mkdirSync('dist', { recursive: true })
copyFileSync('embed-demo.html', 'dist/embed-demo.html')
writeFileSync('dist/.build-stamp', new Date().toISOString())
console.log(`Parley: built ${modes.join(', ')} and the type declarations into dist/.`)
