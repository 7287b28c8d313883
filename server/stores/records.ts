/**
 * @module server/stores/records
 * Readers for stored records (a snapshot file, a Redis value): both are untrusted input, so a record
 * that does not parse is dropped, never half-loaded.
 */
import { asObject, readBoolean, readField, readId, readOneOf, readSeq, readString, type Fields } from '../../src/protocol/read'
import { readRating } from '../../src/protocol/feedback'
import type { ConversationRecord, GuestRecord, RefreshRecord, VerifiedIdentity } from './types'

function readStrings(x: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(asObject(x) ?? {})) if (typeof v === 'string') out[k] = v
  return out
}

function readVerified(x: unknown): VerifiedIdentity | undefined {
  const o = asObject(x)
  const sub = o && readString(o, 'sub', 256)
  const verifiedAt = o && readString(o, 'verifiedAt', 40)
  if (!o || !sub || !verifiedAt) return undefined
  const v: VerifiedIdentity = { sub, verifiedAt }
  const name = readString(o, 'name', 200)
  const email = readString(o, 'email', 320)
  if (name !== undefined) v.name = name
  if (email !== undefined) v.email = email
  if (readField(o, 'attributes') !== undefined) v.attributes = readStrings(readField(o, 'attributes'))
  return v
}

export function readGuest(x: unknown): GuestRecord | undefined {
  const o = asObject(x)
  const guestId = o && readId(o, 'guestId')
  const conversationId = o && readId(o, 'conversationId')
  const createdAt = o && readString(o, 'createdAt', 40)
  const revoked = o && readBoolean(o, 'revoked')
  const attrs = o && asObject(readField(o, 'attributes'))
  if (!o || !guestId || !conversationId || !createdAt || revoked === undefined || !attrs) return undefined
  const attributes: Record<string, string> = {}
  for (const [k, v] of Object.entries(attrs)) if (typeof v === 'string') attributes[k] = v
  const g: GuestRecord = { guestId, conversationId, createdAt, revoked, attributes }
  const displayName = readString(o, 'displayName', 200)
  const email = readString(o, 'email', 320)
  if (displayName !== undefined) g.displayName = displayName
  if (email !== undefined) g.email = email
  const language = readString(o, 'language', 35)
  const device = readString(o, 'device', 100)
  if (language) g.language = language
  if (device) g.device = device
  const verified = readVerified(readField(o, 'verified'))
  if (verified) g.verified = verified
  return g
}

export function readRefreshRecord(o: Fields): RefreshRecord | undefined {
  const guestId = readId(o, 'guestId')
  const family = readId(o, 'family')
  const expiresAt = readSeq(o, 'expiresAt')
  const used = readBoolean(o, 'used')
  return guestId && family && expiresAt !== undefined && used !== undefined ? { guestId, family, expiresAt, used } : undefined
}

export function readConversation(x: unknown): ConversationRecord | undefined {
  const o = asObject(x)
  if (!o) return undefined
  const c = {
    id: readId(o, 'id'),
    guestId: readId(o, 'guestId'),
    guestName: readString(o, 'guestName', 200),
    epoch: readId(o, 'epoch'),
    status: readOneOf(o, 'status', ['open', 'ended'] as const),
    lastSeq: readSeq(o, 'lastSeq'),
    deskReadSeq: readSeq(o, 'deskReadSeq'),
    deliveredSeq: readSeq(o, 'deliveredSeq') ?? 0,
    humanJoined: readBoolean(o, 'humanJoined'),
    upstreamOpened: readBoolean(o, 'upstreamOpened'),
    createdAt: readString(o, 'createdAt', 40),
    updatedAt: readString(o, 'updatedAt', 40),
  }
  const { id, guestId, guestName, epoch, status, lastSeq, deskReadSeq, humanJoined, upstreamOpened, createdAt, updatedAt } = c
  if (
    id === undefined || guestId === undefined || guestName === undefined || epoch === undefined || status === undefined ||
    lastSeq === undefined || deskReadSeq === undefined || humanJoined === undefined || upstreamOpened === undefined ||
    createdAt === undefined || updatedAt === undefined
  )
    return undefined
  const record: ConversationRecord = { id, guestId, guestName, epoch, status, lastSeq, deskReadSeq, deliveredSeq: c.deliveredSeq, humanJoined, upstreamOpened, createdAt, updatedAt }
  // an authenticated Genesys session keeps its JWT and refresh token here too
  const upstreamSession = readString(o, 'upstreamSession', 20_000)
  if (upstreamSession) record.upstreamSession = upstreamSession
  const guestReadSeq = readSeq(o, 'guestReadSeq')
  if (guestReadSeq) record.guestReadSeq = guestReadSeq
  const rating = readRating(readField(o, 'rating'))
  if (rating) record.rating = rating
  if (readBoolean(o, 'offline')) record.offline = true
  const assignedTo = readId(o, 'assignedTo')
  if (assignedTo) record.assignedTo = assignedTo
  return record
}

/** The guest as the identity says: verified name, e-mail and attributes win over what the guest typed. */
export function applyIdentity(guest: GuestRecord, identity: VerifiedIdentity): GuestRecord {
  return {
    ...guest,
    ...(identity.name ? { displayName: identity.name } : {}),
    ...(identity.email ? { email: identity.email } : {}),
    attributes: { ...guest.attributes, ...identity.attributes },
    verified: identity,
  }
}
