/**
 * @module server/stores/agent-records
 * Reader for a stored desk account (a snapshot file, a Redis value): untrusted input like every record,
 * so one that does not parse is dropped.
 */
import { asObject, readId, readOneOf, readString } from '../../src/protocol/read'
import type { AgentRecord } from './types'

export function readAgent(x: unknown): AgentRecord | undefined {
  const o = asObject(x)
  if (!o) return undefined
  const id = readId(o, 'id')
  const name = readString(o, 'name', 80)
  const role = readOneOf(o, 'role', ['agent', 'admin'] as const)
  const tokenHash = readString(o, 'tokenHash', 128)
  const createdAt = readString(o, 'createdAt', 40)
  if (!id || !name || !role || !tokenHash || !createdAt) return undefined
  const agent: AgentRecord = { id, name, role, tokenHash, createdAt }
  const revokedAt = readString(o, 'revokedAt', 40)
  if (revokedAt) agent.revokedAt = revokedAt
  return agent
}
