/**
 * @module server/upstreams/desk/agents
 * Desk accounts and their tokens. A token is `<agent id>.<secret>`: the id finds the record, the secret
 * (256 random bits) is checked against the stored hash. `PARLEY_DESK_TOKEN` is the bootstrap admin, an
 * account that lives in the configuration instead of the store.
 *
 * The hash is HMAC-SHA-256 keyed by the account's id, not scrypt: a slow hash protects secrets a person
 * chose, which can be guessed from a list; 256 random bits cannot be guessed or inverted whatever the
 * hash's speed, and a fast hash keeps every socket handshake cheap (no CPU to burn by sending bad
 * tokens). Keying by the id binds a stored hash to its own record. There is no server-wide pepper: it
 * would sign every agent out when `PARLEY_TOKEN_SECRET` rotates, and the CLI would need that secret.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { normalizeText } from '../../../src/protocol'
import type { AgentRecord, AgentRole, ConversationStore } from '../../stores/types'
import { sameSecret } from '../../socket/upgrade'

/** The account behind `PARLEY_DESK_TOKEN`. Not in the store, so it can be neither listed nor revoked. */
export const BOOTSTRAP_AGENT_ID = 'bootstrap'

/** Who signed in: what the desk and the transcript need, never the hash. */
export interface DeskAgent {
  id: string
  name: string
  role: AgentRole
  avatarUrl?: string
}

export const MAX_AGENT_NAME = 80

/** A display name as given on the command line or over HTTP, or undefined when it is not one. */
export function agentDisplayName(raw: string): string | undefined {
  // bidi overrides and other invisible format characters would let a name pose as another
  const name = normalizeText(raw).replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\n\t]/g, ' ').replace(/ {2,}/g, ' ').trim()
  return name.length >= 1 && name.length <= MAX_AGENT_NAME ? name : undefined
}

/** How the guest sees an agent: the name, and the avatar when the account has one. */
export const agentAuthor = (agent: Pick<DeskAgent, 'name' | 'avatarUrl'>): { name: string; avatarUrl?: string } =>
  agent.avatarUrl ? { name: agent.name, avatarUrl: agent.avatarUrl } : { name: agent.name }

/** What a signed-in agent carries from its account. */
export const deskAgentOf = (a: AgentRecord): DeskAgent => ({ id: a.id, name: a.name, role: a.role, ...(a.avatarUrl ? { avatarUrl: a.avatarUrl } : {}) })

const hashSecret = (id: string, secret: string): string => createHmac('sha256', `parley.agent.v1:${id}`).update(secret).digest('base64url')

/** A new account and its token; the token is shown once and never stored. */
export function issueAgent(name: string, role: AgentRole, now = new Date(), avatarUrl?: string): { agent: AgentRecord; token: string } {
  const id = `agt_${randomBytes(9).toString('base64url')}`
  const secret = randomBytes(32).toString('base64url')
  const agent: AgentRecord = { id, name, role, tokenHash: hashSecret(id, secret), createdAt: now.toISOString(), ...(avatarUrl ? { avatarUrl } : {}) }
  return { agent, token: `${id}.${secret}` }
}

/** The account a token belongs to, if the token is right and the account not revoked. */
export async function agentForToken(
  token: string,
  deps: { store: Pick<ConversationStore, 'getAgent'>; bootstrapToken: string; bootstrapName: string },
): Promise<DeskAgent | undefined> {
  if (sameSecret(token, deps.bootstrapToken)) return { id: BOOTSTRAP_AGENT_ID, name: deps.bootstrapName, role: 'admin' }
  const dot = token.indexOf('.')
  const id = token.slice(0, dot)
  const secret = token.slice(dot + 1)
  if (dot < 1 || !/^agt_[A-Za-z0-9_-]{1,32}$/.test(id) || !secret) return undefined
  const agent = await deps.store.getAgent(id)
  if (!agent || agent.revokedAt) return undefined
  const expected = Buffer.from(agent.tokenHash)
  const given = Buffer.from(hashSecret(id, secret))
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
  return deskAgentOf(agent)
}

/** An account as listed (CLI, admin route): everything but the hash. */
export function publicAgent(agent: AgentRecord): Omit<AgentRecord, 'tokenHash'> {
  const { tokenHash: _hash, ...rest } = agent
  return rest
}

/** The desk link that signs in with `token`: the fragment never reaches a server log. */
export const signInLink = (base: string, token: string): string => `${base.replace(/\/+$/, '')}/desk#token=${encodeURIComponent(token)}`
