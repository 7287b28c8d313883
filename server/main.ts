/**
 * @module server/main
 * Reads the configuration, builds the app and listens. Nothing else.
 */
import { buildApp } from './app'
import { ConfigError, loadConfig, type Config } from './config'
import { terminalStream } from './log'
import { deskStartupLines } from './upstreams/desk/startup'
import { DeploymentError } from './upstreams/genesys/deployment'

function load(): Config {
  try {
    return loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
}

async function build(config: Config): Promise<Awaited<ReturnType<typeof buildApp>>> {
  // readable lines for a person at a terminal, JSON for everything else (a file, a pipe, a log collector)
  const logStream = process.stdout.isTTY ? await terminalStream() : undefined
  try {
    return await buildApp({ config, ...(logStream ? { logStream } : {}) })
  } catch (err) {
    // a wrong Genesys deployment id and the like: one clear line, not a stack
    if (err instanceof DeploymentError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
}

const config = load()
const { app, drain } = await build(config)
await app.listen({ host: config.host, port: config.port })

const address = app.server.address()
const port = typeof address === 'object' && address ? address.port : config.port
const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`
if (config.tokenSecretGenerated)
  app.log.warn('PARLEY_TOKEN_SECRET is not set: a random secret was generated, so guest tokens do not survive a restart.')
// printed, not logged: the desk link is for the person who started the server
console.log(`\nParley is running.\n  Demo:       ${base}/\n  Script tag: ${base}/embed-demo.html`)
console.log(deskStartupLines(config, base, process.stdout.isTTY === true))

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'draining')
    drain().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'drain failed')
        process.exit(1)
      },
    )
  })
}
