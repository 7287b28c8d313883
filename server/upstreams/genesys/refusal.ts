/**
 * @module server/upstreams/genesys/refusal
 * What a refusal from Genesys means, as pure functions of the code and the attempt (PROTOCOL.md §3.7):
 * whether a guest message is sent again, waits, or fails with which error; whether a refused
 * `configureSession` is worth another try or needs the admin. No I/O, no clock.
 */
import type { FrameErrorCode } from '../../../src/protocol'

export const MAX_SEND_ATTEMPTS = 3

export type SendDecision =
  /** Send it again after `afterMs` (counts as an attempt); `withoutAttributes`: leave the custom attributes out. */
  | { do: 'retry'; afterMs: number; withoutAttributes?: true }
  /** Hold the whole queue: for `afterMs` (rate limit), or until the session is configured again (expired). */
  | { do: 'pause'; until: 'time'; afterMs: number }
  | { do: 'pause'; until: 'reconfigured' }
  /** Answer the guest with this error; `readOnly`: the conversation can take no more messages. */
  | { do: 'fail'; code: FrameErrorCode; message: string; readOnly?: true }

/** Codes after which the same message can never be taken (PROTOCOL.md §3.7). */
const NEVER = new Set([400, 401, 403, 404, 4000, 4017, 4020])

/** A refused `onMessage`. `attempt` counts the sends so far (1 after the first). */
export function sendRefusal(code: number, attempt: number, retryAfterMs = 0): SendDecision {
  if (code === 429 || code === 4029) return { do: 'pause', until: 'time', afterMs: Math.max(retryAfterMs, 1000) }
  if (code === 4006 || code === 4007) return { do: 'pause', until: 'reconfigured' }
  if (code === 409) return { do: 'fail', code: 'conversation_ended', message: 'This conversation has ended; start a new chat.', readOnly: true }
  if (code === 4011) return { do: 'fail', code: 'message_too_long', message: 'The contact centre refused the message as too long.' }
  if (code === 4013) return { do: 'retry', afterMs: 0, withoutAttributes: true }
  if (NEVER.has(code) || attempt >= MAX_SEND_ATTEMPTS) return { do: 'fail', code: 'upstream_error', message: `The contact centre could not take the message (${code}).` }
  return { do: 'retry', afterMs: 1000 * 2 ** (attempt - 1) }
}

export type ConfigureDecision =
  /** Try again after `afterMs`; meanwhile guests are told the contact centre is unavailable. */
  | { do: 'retry'; afterMs: number }
  /** Nothing Parley can do makes it work: log `fix` once and stop. */
  | { do: 'stop'; fix: string }

/** The longest wait between two `configureSession` attempts. */
const MAX_CONFIGURE_BACKOFF_MS = 5 * 60_000

/** A refused `configureSession` (or one that was not answered: `code` 0). `attempt` counts from 1. */
export function configureRefusal(code: number, message: string, attempt: number, baseMs: number): ConfigureDecision {
  if (code === 403)
    return { do: 'stop', fix: `Genesys refused the session (403 ${message}). Check that GENESYS_ORIGIN is on the deployment's allowed domains and that Web Messaging is enabled for it.` }
  if (code === 404 || (code === 400 && /deployment/i.test(message)))
    return { do: 'stop', fix: `Genesys does not know the deployment (${code} ${message}). Check GENESYS_DEPLOYMENT_ID and GENESYS_REGION.` }
  // an expired or unknown session: the same token configures a fresh one at once (PROTOCOL.md §3.10)
  if ((code === 4006 || code === 4007) && attempt <= 1) return { do: 'retry', afterMs: 0 }
  return { do: 'retry', afterMs: Math.min(MAX_CONFIGURE_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1)) }
}
