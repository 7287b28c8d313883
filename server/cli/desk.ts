/**
 * @module server/cli/desk
 * Entry of `npm run desk -- …` (server/cli/desk-cli.ts does the work).
 */
import { ConfigError } from '../config'
import { runDeskCli } from './desk-cli'

try {
  process.exitCode = await runDeskCli(process.argv.slice(2), process.env, { out: (l) => console.log(l), err: (l) => console.error(l) })
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exitCode = 1
}
