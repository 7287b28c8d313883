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
  const avatarUrl = agentAvatarUrl(readString(o, 'avatarUrl', 2048))
  if (avatarUrl) agent.avatarUrl = avatarUrl
  return agent
}

export const MAX_AVATAR_URL = 2048

/**
 * An avatar URL as given, or undefined when it is not one: https only (the widget runs on the host's https
 * pages, where an http image is mixed content), no user name or password in it, 2048 characters at most.
 */
export function agentAvatarUrl(raw: string | undefined): string | undefined {
  if (!raw || raw.length > MAX_AVATAR_URL) return undefined
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname) return undefined
  return url.href.length <= MAX_AVATAR_URL ? url.href : undefined
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
