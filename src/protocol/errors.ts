/**
 * @module protocol/errors
 * Stable error codes: `error` frames on the socket and `code` in `application/problem+json` bodies.
 */

export type FrameErrorCode =
  | 'bad_json'
  | 'bad_frame'
  | 'unknown_type'
  | 'binary_frame'
  | 'empty_message'
  | 'message_too_long'
  | 'rate_limited'
  | 'conversation_ended'
  | 'unauthorized'
  /** The contact centre is unreachable or busy: the message stays queued and is resent after `retryAfterMs`. */
  | 'upstream_unavailable'
  /** The BFF cannot store right now (its Redis is down): like `upstream_unavailable`, resent after `retryAfterMs`. */
  | 'unavailable'
  /** The contact centre refused the message. */
  | 'upstream_error'
  | 'internal'

export type HttpErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden_origin'
  /** Not for this caller (`/metrics` without its token). */
  | 'forbidden'
  | 'not_found'
  | 'invalid_refresh_token'
  /** The host-signed identity token is forged, expired, too long-lived or for another site (or none is taken). */
  | 'invalid_identity'
  /** The session belongs to another verified person: log out first. */
  | 'identity_mismatch'
  | 'rate_limited'
  | 'unavailable'
  | 'not_supported'
  /** An attachment of a type or size the contact centre does not take. */
  | 'file_refused'
  /** A file link whose signature is wrong or whose time is up. */
  | 'link_expired'
  | 'internal'

/** The body of every HTTP error (RFC 9457 problem details). */
export interface Problem {
  type: string
  title: string
  status: number
  code: HttpErrorCode
  detail?: string
}
