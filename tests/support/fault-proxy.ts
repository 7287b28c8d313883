/**
 * A TCP proxy on 127.0.0.1 that breaks the network on cue, for the fault tests (QUALITY.md §4.1).
 * Playwright's `setOffline` does not cut open WebSockets, so network loss is made here instead.
 *
 * - `pass`: forward both ways.
 * - `delay`: forward after `delayMs`.
 * - `blackhole`: a half-open link. Bytes are swallowed, nothing is closed, and the connections caught in
 *   it stay dead for good (as when a NAT forgets them); new connections hang the same way until `pass`.
 * - `reset()`: every open connection gets a TCP RST now.
 * - `retarget(port)`: new connections go elsewhere (a load balancer moving off a dead node).
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net'

export type FaultMode = 'pass' | 'delay' | 'blackhole'

export interface FaultProxy {
  readonly port: number
  readonly url: string
  mode(mode: FaultMode, delayMs?: number): void
  reset(): void
  retarget(port: number): void
  /** Connections open right now (each is a client socket with its upstream). */
  connections(): number
  close(): Promise<void>
}

interface Link {
  client: Socket
  upstream: Socket
  dead: boolean
}

export async function startFaultProxy(target: { host?: string; port: number }, listenPort = 0): Promise<FaultProxy> {
  const links = new Set<Link>()
  let mode: FaultMode = 'pass'
  let delayMs = 0
  let targetPort = target.port

  const forward = (link: Link, from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (link.dead) return
      if (mode === 'delay') setTimeout(() => !link.dead && !to.destroyed && to.write(chunk), delayMs)
      else if (!to.destroyed) to.write(chunk)
    })
  }

  const server: Server = createServer((client) => {
    const upstream = connect({ host: target.host ?? '127.0.0.1', port: targetPort })
    const link: Link = { client, upstream, dead: mode === 'blackhole' }
    links.add(link)
    forward(link, client, upstream)
    forward(link, upstream, client)
    const drop = (): void => {
      // a dead link stays silent: each side must find out by its own heartbeat
      if (!link.dead) {
        client.destroy()
        upstream.destroy()
      }
      if (client.destroyed && upstream.destroyed) links.delete(link)
    }
    client.on('close', drop)
    upstream.on('close', drop)
    client.on('error', () => undefined)
    upstream.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve))
  // a server listening on a TCP port always has an AddressInfo (a string only for pipes)
  const port = (server.address() as AddressInfo).port

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    mode(next, ms = 0) {
      mode = next
      delayMs = ms
      if (next === 'blackhole') for (const link of links) link.dead = true
    },
    reset() {
      for (const link of links) {
        link.client.resetAndDestroy()
        link.upstream.resetAndDestroy()
      }
      links.clear()
    },
    retarget(port) {
      targetPort = port
    },
    connections: () => links.size,
    async close() {
      for (const link of links) {
        link.client.destroy()
        link.upstream.destroy()
      }
      links.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
