/**
 * @module server/stores/agent-records
 * Readers for the desk's stored records, accounts and canned replies (a snapshot file, a Redis value):
 * untrusted input like every record, so one that does not parse is dropped.
 */
import { asObject, readId, readOneOf, readString } from '../../src/protocol/read'
import type { AgentRecord, CannedReply } from './types'

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

export const MAX_CANNED_TITLE = 80
export const MAX_CANNED_TEXT = 4000
/** A team keeps this many canned replies at most. */
export const MAX_CANNED_REPLIES = 500

export function readCannedReply(x: unknown): CannedReply | undefined {
  const o = asObject(x)
  if (!o) return undefined
  const id = readId(o, 'id')
  const title = readString(o, 'title', MAX_CANNED_TITLE)
  const text = readString(o, 'text', MAX_CANNED_TEXT)
  const updatedBy = readId(o, 'updatedBy')
  const updatedAt = readString(o, 'updatedAt', 40)
  return id && title && text && updatedBy && updatedAt ? { id, title, text, updatedBy, updatedAt } : undefined
}
