/**
 * @module server/genesys-smoke
 * `npm run genesys:smoke` — see docs/genesys.md. Reads the same GENESYS_* variables as the BFF.
 */
import { ConfigError } from './config'
import { DeploymentError } from './upstreams/genesys/deployment'
import { runSmoke } from './upstreams/genesys/smoke'

const waitArg = process.argv.find((a) => a.startsWith('--reply-wait='))
try {
  const ok = await runSmoke(process.env, (line) => console.log(line), waitArg ? Number(waitArg.slice('--reply-wait='.length)) * 1000 : 30_000)
  process.exitCode = ok ? 0 : 1
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof DeploymentError ? `✗ ${err.message}` : err)
  process.exitCode = 1
}
