/**
 * @module server/upstreams/desk/sign-in
 * Every desk door (the socket upgrade, file uploads, the account routes) signs in the same way: the
 * address must not be throttled, then the token must name a live account. A failure counts against the
 * address; past the limit the answer is 429 with `Retry-After`, before the token is even looked at.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sendProblem } from '../../problem'
import type { ConversationStore } from '../../stores/types'
import { agentForToken, type DeskAgent } from './agents'
import type { SignInThrottle } from './sign-in-throttle'

export type SignIn = { ok: true; agent: DeskAgent } | { ok: false; status: 401 } | { ok: false; status: 429; retryAfterS: number }

export interface DeskAuth {
  signIn(token: string | undefined, address: string): Promise<SignIn>
}

export function createDeskAuth(deps: {
  store: Pick<ConversationStore, 'getAgent'>
  throttle: SignInThrottle
  bootstrapToken: string
  bootstrapName: string
}): DeskAuth {
  const { throttle } = deps
  return {
    async signIn(token, address) {
      const wait = await throttle.blocked(address)
      if (wait !== undefined) return { ok: false, status: 429, retryAfterS: wait }
      const agent = token ? await agentForToken(token, deps) : undefined
      if (agent) return { ok: true, agent }
      const after = await throttle.failed(address)
      return after === undefined ? { ok: false, status: 401 } : { ok: false, status: 429, retryAfterS: after }
    },
  }
}

/** Send the refusal of a failed sign-in (401, or 429 with `Retry-After`). */
export function refuseSignIn(reply: FastifyReply, result: Exclude<SignIn, { ok: true }>): FastifyReply {
  if (result.status === 429) {
    reply.header('retry-after', String(result.retryAfterS))
    return sendProblem(reply, 429, 'rate_limited', `Too many failed sign-ins from this address; retry in ${result.retryAfterS} s.`)
  }
  return sendProblem(reply, 401, 'unauthorized', 'A valid desk token is required.')
}

/** The agent signed in by the request's `Authorization: Bearer <token>`, or undefined with the refusal sent. */
export async function bearerAgent(request: FastifyRequest, reply: FastifyReply, auth: DeskAuth): Promise<DeskAgent | undefined> {
  const header = request.headers.authorization
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
  const result = await auth.signIn(token, request.ip)
  if (result.ok) return result.agent
  refuseSignIn(reply, result)
  return undefined
}
