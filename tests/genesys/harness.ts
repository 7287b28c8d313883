/**
 * A BFF wired to the Genesys simulator, with timings short enough for tests.
 */
import { createGenesysUpstream } from '../../server/upstreams/genesys'
import { startTestApp, type TestApp, type TestAppOptions } from '../../server/test-support'
import { GenesysSimulator, type SimOptions } from './simulator'

export const GENESYS_ORIGIN = 'https://shop.example'
export const DEPLOYMENT_ID = '5b0f3c4e-9d2a-4f6b-8c1d-2e3f4a5b6c7d'

export function genesysEnv(sim: GenesysSimulator, env: Record<string, string> = {}): Record<string, string> {
  return {
    PARLEY_UPSTREAM: 'genesys',
    GENESYS_DEPLOYMENT_ID: sim.options.deployment.id,
    GENESYS_REGION: 'mypurecloud.com',
    GENESYS_ORIGIN,
    GENESYS_WEBMESSAGING_URL: sim.wsUrl,
    GENESYS_API_URL: sim.url,
    GENESYS_CDN_URL: sim.url,
    GENESYS_RECONNECT_MS: '100',
    GENESYS_PING_MS: '1000',
    GENESYS_REORDER_MS: '50',
    ...env,
  }
}

const started: { apps: TestApp[]; sims: GenesysSimulator[] } = { apps: [], sims: [] }

/** Close every app and simulator the test started (use as `afterEach(stopStarted)`). */
export async function stopStarted(): Promise<void> {
  const { apps, sims } = started
  started.apps = []
  started.sims = []
  for (const app of apps) await app.app.close()
  for (const sim of sims) await sim.stop()
}

/** Have `stopStarted` close an app started some other way. */
export function track(app: TestApp): TestApp {
  started.apps.push(app)
  return app
}

export async function startSimulator(options: Partial<SimOptions> = {}, deployment: Partial<SimOptions['deployment']> = {}): Promise<GenesysSimulator> {
  const sim = await new GenesysSimulator({
    ...options,
    deployment: { id: DEPLOYMENT_ID, allowedOrigins: [GENESYS_ORIGIN], ...deployment },
  }).start()
  started.sims.push(sim)
  return sim
}

export async function startGenesysApp(
  sim: GenesysSimulator,
  env: Record<string, string> = {},
  timings: { echoTimeoutMs?: number; sessionTimeoutMs?: number; idleCloseMs?: number; logStream?: TestAppOptions['logStream'] } = {},
): Promise<TestApp> {
  return track(
    await startTestApp(genesysEnv(sim, env), 5, {
      ...(timings.logStream ? { logStream: timings.logStream } : {}),
      upstream: (ctx) => createGenesysUpstream({
          ...ctx,
          echoTimeoutMs: timings.echoTimeoutMs ?? 1500,
          sessionTimeoutMs: timings.sessionTimeoutMs ?? 1500,
          idleCloseMs: timings.idleCloseMs ?? 60_000,
        }),
    }),
  )
}

/** Wait until a condition holds, polling; for state the simulator holds (it has no events to await). */
export { until } from '../support/until'
