/**
 * @module server/problem
 * Every HTTP error leaves as `application/problem+json` (RFC 9457) with a stable `code`.
 */
import type { FastifyReply } from 'fastify'
import type { HttpErrorCode, Problem } from '../src/protocol'

const TITLES: Record<HttpErrorCode, string> = {
  bad_request: 'Bad request',
  unauthorized: 'Unauthorized',
  forbidden_origin: 'Origin not allowed',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  invalid_refresh_token: 'Invalid refresh token',
  invalid_identity: 'Invalid identity token',
  identity_mismatch: 'Session of another person',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  not_supported: 'Not supported',
  file_refused: 'File refused',
  link_expired: 'Link invalid or expired',
  internal: 'Internal error',
}

export function problem(status: number, code: HttpErrorCode, detail?: string): Problem {
  const p: Problem = { type: 'about:blank', title: TITLES[code], status, code }
  if (detail) p.detail = detail
  return p
}

export function sendProblem(reply: FastifyReply, status: number, code: HttpErrorCode, detail?: string): FastifyReply {
  return reply.code(status).type('application/problem+json').send(problem(status, code, detail))
}
