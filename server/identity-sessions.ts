/**
 * @module server/identity-sessions
 * What a verified identity does to guest sessions: the guest and its conversation are bound to `sub`, the
 * sub's open conversation is found again from any device, and an anonymous guest is upgraded in place.
 */
import type { FastifyReply } from 'fastify'
import { sendProblem } from './problem'
import type { IdentityVerifier } from './identity'
import type { ConversationStore, GuestRecord, VerifiedIdentity } from './stores/types'

/**
 * The identity in `token`, or undefined once the refusal was sent: 401 for a bad token, 503 while the
 * host's keys cannot be fetched (fail closed), 401 too when this BFF takes no identity tokens at all.
 * Nothing here calls the upstream.
 */
export async function verifyIdentity(verifier: IdentityVerifier | undefined, token: string, reply: FastifyReply): Promise<VerifiedIdentity | undefined> {
  if (!verifier) {
    await sendProblem(reply, 401, 'invalid_identity', 'This service takes no identity tokens (PARLEY_IDENTITY_SECRET or PARLEY_IDENTITY_JWKS_URL is unset).')
    return undefined
  }
  const result = await verifier.verify(token)
  if (result.ok) return result.identity
  if (result.reason === 'unavailable') {
    reply.header('retry-after', '5')
    await sendProblem(reply, 503, 'unavailable', 'The identity keys cannot be fetched; try again shortly.')
    return undefined
  }
  await sendProblem(reply, 401, 'invalid_identity', `The identity token is ${result.reason === 'expired' ? 'expired' : 'not valid here'}.`)
  return undefined
}

/** The guest of the sub's open conversation, if there is one: the same person on another device continues it. */
export async function openGuestOfSub(store: ConversationStore, sub: string): Promise<GuestRecord | undefined> {
  for (const guestId of await store.guestsOfSub(sub)) {
    const guest = await store.getGuest(guestId)
    if (!guest || guest.revoked || guest.verified?.sub !== sub) continue
    const conversation = await store.getConversation(guest.conversationId)
    if (conversation?.status === 'open') return guest
  }
  return undefined
}

/**
 * Bind the guest to the identity (again: a newer token may carry a new name) and tell the desk: the
 * conversation takes the verified name, and its update reaches every desk that shows it.
 */
export async function bindGuest(store: ConversationStore, guest: GuestRecord, identity: VerifiedIdentity): Promise<GuestRecord> {
  const bound = (await store.bindIdentity(guest.guestId, identity)) ?? guest
  const conversation = await store.getConversation(guest.conversationId)
  if (conversation) await store.updateConversation(conversation.id, { guestName: identity.name ?? conversation.guestName })
  return bound
}
