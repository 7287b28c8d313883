/**
 * `npm run genesys:smoke` against the simulator: the script a user runs against a real deployment.
 */
import { afterEach, expect, it } from 'vitest'
import { runSmoke } from '../../server/upstreams/genesys/smoke'
import { genesysEnv, startSimulator, stopStarted } from './harness'
import type { GenesysSimulator } from './simulator'

let sim: GenesysSimulator | undefined
afterEach(stopStarted)

it('proves a round trip and ends the chat', async () => {
  sim = await startSimulator({ autoReply: () => 'Hello from the flow' }, { clearEnabled: true })
  const lines: string[] = []
  expect(await runSmoke(genesysEnv(sim), (l) => lines.push(l), 5000)).toBe(true)
  expect(lines.join('\n')).toMatch(/Genesys echoed[\s\S]*reply from the agent "Sim Agent": Hello from the flow[\s\S]*chat ended/)
  expect(sim.requests.some((r) => JSON.stringify(r.frame).includes('"Clear"'))).toBe(true)
  // no token of any kind in what the script prints
  expect(lines.join('\n')).not.toContain(sim.only().token)
})

it('proves a round trip where only the agent can end the chat (no conversation clear)', async () => {
  sim = await startSimulator({}, { clearEnabled: false })
  const lines: string[] = []
  expect(await runSmoke(genesysEnv(sim), (l) => lines.push(l), 100)).toBe(true)
  expect(lines.join('\n')).toMatch(/Genesys echoed[\s\S]*chat left open for the agent to end/)
  expect(sim.only().agentSideOpen).toBe(true)
})

it('fails with a clear line when Genesys refuses the message', async () => {
  sim = await startSimulator({ maxTextBytes: 5 })
  const lines: string[] = []
  expect(await runSmoke(genesysEnv(sim), (l) => lines.push(l), 100)).toBe(false)
  expect(lines.at(-1)).toMatch(/^✗ Genesys refused the message: message_too_long/)
})
