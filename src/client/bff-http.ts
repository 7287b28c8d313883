/**
 * @module client/bff-http
 * The BFF's HTTP routes as typed calls. Every answer goes through a protocol parser; a body that does
 * not parse is an error, never trusted.
 */
import {
  parseAvailability,
  parseGuestSession,
  parseMessagesPage,
  parseRefreshedTokens,
  readAttachmentId,
  readProblemCode,
  readProblemDetail,
  type Availability,
  type CreateGuestSessionBody,
  type GuestSession,
  type MessagesPage,
  type OfflineMessageBody,
  type RatingBody,
  type RefreshedTokens,
} from '../protocol'

export class BffError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the BFF could not be reached */
    readonly status: number,
    /** the problem's stable `code`, e.g. `invalid_refresh_token` */
    readonly code: string,
  ) {
    super(message)
    this.name = 'BffError'
  }
}

export interface BffClient {
  /** `after`: the guest token of the conversation that just ended, so the contact centre can go on with its session. */
  createGuestSession(body?: CreateGuestSessionBody, after?: string): Promise<GuestSession>
  /** `identityToken`: sign the guest in (an anonymous guest is upgraded in place). */
  refresh(refreshToken: string, identityToken?: string): Promise<RefreshedTokens>
  /** End this device's session (its refresh token and those rotated from it stop working). */
  logout(refreshToken: string): Promise<void>
  fetchMessages(guestToken: string, options?: { before?: number; limit?: number }): Promise<MessagesPage>
  endSession(guestToken: string): Promise<void>
  rate(guestToken: string, rating: RatingBody): Promise<void>
  availability(): Promise<Availability>
  leaveOfflineMessage(body: OfflineMessageBody): Promise<void>
  /** Upload a file for the next message; XHR underneath, because fetch cannot report upload progress. */
  upload(guestToken: string, file: File, onProgress?: (fraction: number) => void): Upload
  /** The guest removed an uploaded file before sending it. */
  discardUpload(guestToken: string, attachmentId: string): Promise<void>
}

/** An upload in flight: `done` resolves with the attachment id, `abort()` rejects it with code `aborted`. */
export interface Upload {
  done: Promise<string>
  abort(): void
}

export interface BffClientOptions {
  /** Base URL of the BFF, e.g. `https://chat.example.com`. */
  baseUrl: string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** A request (and reading its body) that takes longer is abandoned as a network failure. @default 15000 */
  timeoutMs?: number
}

export function createBffClient(options: BffClientOptions): BffClient {
  const { baseUrl, timeoutMs = 15_000 } = options
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const url = (path: string): string => new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString()

  async function call(path: string, init: RequestInit): Promise<unknown> {
    let res: Response
    // a half-open connection would otherwise leave the request, and everything waiting on it, hanging
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      res = await doFetch(url(path), { ...init, credentials: 'omit', signal })
    } catch {
      throw new BffError('The chat service could not be reached.', 0, 'network')
    }
    if (res.status === 204) return undefined
    const body: unknown = await res.json().catch(() => undefined)
    if (!res.ok) throw new BffError(`The chat service answered ${res.status}.`, res.status, readProblemCode(body) ?? 'http_error')
    return body
  }
  const invalid = (): BffError => new BffError('The chat service sent an answer Parley does not understand.', 502, 'bad_response')
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

  return {
    async createGuestSession(body = {}, after) {
      const init = json(body)
      if (after) init.headers = { 'content-type': 'application/json', ...auth(after) }
      const s = parseGuestSession(await call('api/guest-sessions', init))
      if (!s) throw invalid()
      return s
    },
    async refresh(refreshToken, identityToken) {
      const t = parseRefreshedTokens(await call('api/guest-sessions/refresh', json(identityToken ? { refreshToken, identityToken } : { refreshToken })))
      if (!t) throw invalid()
      return t
    },
    async logout(refreshToken) {
      await call('api/guest-sessions/logout', json({ refreshToken }))
    },
    async fetchMessages(guestToken, { before, limit = 50 } = {}) {
      const q = new URLSearchParams({ limit: String(limit) })
      if (before !== undefined) q.set('before', String(before))
      const page = parseMessagesPage(await call(`api/guest-sessions/current/messages?${q.toString()}`, { headers: auth(guestToken) }))
      if (!page) throw invalid()
      return page
    },
    async discardUpload(guestToken, attachmentId) {
      await call(`api/guest-sessions/current/attachments/${encodeURIComponent(attachmentId)}`, { method: 'DELETE', headers: auth(guestToken) })
    },
    async endSession(guestToken) {
      await call('api/guest-sessions/current', { method: 'DELETE', headers: auth(guestToken) })
    },
    async rate(guestToken, rating) {
      await call('api/guest-sessions/current/rating', { ...json(rating), headers: { ...auth(guestToken), 'content-type': 'application/json' } })
    },
    async availability() {
      const a = parseAvailability(await call('api/availability', {}))
      if (!a) throw invalid()
      return a
    },
    async leaveOfflineMessage(body) {
      await call('api/offline-messages', json(body))
    },
    upload(guestToken, file, onProgress) {
      const xhr = new XMLHttpRequest()
      const done = new Promise<string>((resolve, reject) => {
        xhr.open('POST', url('api/guest-sessions/current/attachments'))
        xhr.responseType = 'json'
        xhr.timeout = 10 * timeoutMs
        xhr.setRequestHeader('authorization', `Bearer ${guestToken}`)
        xhr.setRequestHeader('content-type', file.type || 'application/octet-stream')
        xhr.setRequestHeader('x-parley-file-name', encodeURIComponent(file.name))
        xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total)
        xhr.onload = () => {
          const body: unknown = xhr.response
          const id = xhr.status === 201 ? readAttachmentId(body) : undefined
          if (id) resolve(id)
          else reject(new BffError(readProblemDetail(body) ?? `The chat service answered ${xhr.status}.`, xhr.status, readProblemCode(body) ?? 'http_error'))
        }
        xhr.onerror = xhr.ontimeout = () => reject(new BffError('The chat service could not be reached.', 0, 'network'))
        xhr.onabort = () => reject(new BffError('Cancelled.', 0, 'aborted'))
        xhr.send(file)
      })
      return { done, abort: () => xhr.abort() }
    },
  }
}
