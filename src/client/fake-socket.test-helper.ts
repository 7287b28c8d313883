/**
 * A scriptable socket for client tests: the test decides when it opens, what arrives and how it closes.
 */
import type { SocketFactory, SocketLike } from './socket'

export class FakeSocket implements SocketLike {
  readyState = 0
  sent: string[] = []
  onopen: unknown = null
  onmessage: unknown = null
  onclose: unknown = null
  onerror: unknown = null
  closedWith: number | undefined
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string): void {
    this.sent.push(data)
  }
  close(code?: number): void {
    this.closedWith = code
    this.readyState = 3
  }
  frames(): unknown[] {
    return this.sent.map((s) => JSON.parse(s) as unknown)
  }
  open(): void {
    this.readyState = 1
    call(this.onopen, {})
  }
  receive(frame: unknown): void {
    call(this.onmessage, { data: JSON.stringify(frame) })
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3
    call(this.onclose, { code, reason })
  }
}

function call(handler: unknown, event: unknown): void {
  if (typeof handler === 'function') handler(event)
}

export function fakeSocketFactory(): { factory: SocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = []
  return {
    sockets,
    factory: (url, protocols) => {
      const s = new FakeSocket(url, protocols)
      sockets.push(s)
      return s
    },
  }
}
