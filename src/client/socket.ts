/**
 * @module client/socket
 * The smallest WebSocket surface the client needs, so the browser's `WebSocket` and Node's `ws` both fit.
 * The handler slots are typed `unknown` because the two libraries type their events differently; the
 * connection assigns its own handlers and reads only `data`, `code` and `reason`, which both provide.
 */

export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: unknown
  onmessage: unknown
  onclose: unknown
  onerror: unknown
}

/** Opens a socket. In Node: `(url, p) => new WebSocket(url, p, { origin })` with `WebSocket` from "ws". */
export type SocketFactory = (url: string, protocols: string[]) => SocketLike

export const OPEN = 1

export function defaultSocketFactory(): SocketFactory {
  return (url, protocols) => {
    if (typeof WebSocket === 'undefined') throw new Error('No WebSocket here: pass the `WebSocket` option (e.g. from "ws").')
    return new WebSocket(url, protocols)
  }
}

/** Frame data as text: browsers give strings; `ws` may give Buffers. */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new TextDecoder().decode(data)
  return undefined
}
