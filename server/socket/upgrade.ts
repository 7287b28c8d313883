/**
 * @module server/socket/upgrade
 * Checks made on a WebSocket upgrade request before any socket exists: the Origin against the exact
 * allowlist, and the credential carried as a second subprotocol (browsers cannot set headers).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { TOKEN_PROTOCOL_PREFIX } from '../../src/protocol'
import { normalizeOrigin } from '../config'
import { sendProblem } from '../problem'

/** The offered subprotocols of a handshake. */
export function offeredProtocols(request: FastifyRequest): string[] {
  const raw = request.headers['sec-websocket-protocol']
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '')
  return joined.split(',').map((p) => p.trim()).filter(Boolean)
}

/** The token offered as `parley.token.<token>`, if any. */
export function offeredToken(request: FastifyRequest): string | undefined {
  const p = offeredProtocols(request).find((x) => x.startsWith(TOKEN_PROTOCOL_PREFIX))
  return p?.slice(TOKEN_PROTOCOL_PREFIX.length) || undefined
}

/** True when the request's Origin is allowed. A missing or `null` Origin is never allowed on a socket. */
export function originAllowed(request: FastifyRequest, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin
  if (typeof origin !== 'string') return false
  const normalized = normalizeOrigin(origin)
  return normalized !== undefined && allowed.has(normalized)
}

/**
 * Refuse the upgrade with 403 unless the Origin is allowed. Returns the sent reply when it refused, which
 * the hook must return so Fastify stops there.
 */
export function refuseForeignOrigin(request: FastifyRequest, reply: FastifyReply, allowed: ReadonlySet<string>): FastifyReply | undefined {
  return originAllowed(request, allowed) ? undefined : sendProblem(reply, 403, 'forbidden_origin', 'This Origin may not open a socket.')
}

/** Constant-time comparison of two secrets of any length (hashing first makes the lengths equal). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

/**
 * The checks every socket route makes before upgrading: an allowed Origin (else 403), the route's own
 * subprotocol and a `parley.token.<token>` credential (else 401). Returns the offered token, or the sent
 * refusal, which the hook must return.
 */
export function offeredCredential(
  request: FastifyRequest,
  reply: FastifyReply,
  allowed: ReadonlySet<string>,
  protocol: string,
): { token: string } | { refused: FastifyReply } {
  const refused = refuseForeignOrigin(request, reply, allowed)
  if (refused) return { refused }
  const token = offeredToken(request)
  if (!offeredProtocols(request).includes(protocol) || !token)
    return { refused: sendProblem(reply, 401, 'unauthorized', `Offer the subprotocols "${protocol}" and "parley.token.<token>".`) }
  return { token }
}
