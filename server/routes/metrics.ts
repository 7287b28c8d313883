/**
 * @module server/routes/metrics
 * `GET /metrics`: Prometheus text for this node (prom-client): process and event-loop metrics, open guest
 * sockets, store reachability, and counters the socket hub feeds. Counts only, never content. Answered
 * to `Authorization: Bearer $PARLEY_METRICS_TOKEN` when that is set, else to loopback peers only. The
 * config refuses to start without the token behind a proxy or on a public URL, where a same-host proxy or
 * sidecar would make every caller a loopback peer.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { FrameErrorCode } from '../../src/protocol'
import { sendProblem } from '../problem'
import type { ConversationStore } from '../stores/types'

export interface Metrics {
  readonly registry: Registry
  messageAcked(): void
  guestCreated(): void
  frameRefused(code: FrameErrorCode): void
}

export function createMetrics(deps: { store: ConversationStore; guestSockets: () => number; ready: () => boolean; trackedGuests?: () => number }): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'parley_' })
  new Gauge({ name: 'parley_guest_sockets', help: 'Open guest sockets on this node.', registers: [registry], collect() {
    this.set(deps.guestSockets())
  } })
  new Gauge({ name: 'parley_guest_limits_tracked', help: 'Guests whose per-guest limits this node holds (a socket open or opening).', registers: [registry], collect() {
    this.set(deps.trackedGuests?.() ?? 0)
  } })
  new Gauge({ name: 'parley_store_up', help: '1 when the conversation store (Redis, or memory) answers.', registers: [registry], async collect() {
    this.set((await deps.store.ping().catch(() => false)) ? 1 : 0)
  } })
  new Gauge({ name: 'parley_ready', help: '1 when not draining and the upstream is ready (see parley_store_up for the store).', registers: [registry], collect() {
    this.set(deps.ready() ? 1 : 0)
  } })
  const acked = new Counter({ name: 'parley_guest_messages_acked_total', help: 'Guest messages stored and acked (duplicates included).', registers: [registry] })
  const created = new Counter({ name: 'parley_guest_sessions_created_total', help: 'Guest sessions created.', registers: [registry] })
  const refused = new Counter({ name: 'parley_guest_frames_refused_total', help: 'Error frames sent to guests, by code.', labelNames: ['code'], registers: [registry] })
  return {
    registry,
    messageAcked: () => acked.inc(),
    guestCreated: () => created.inc(),
    frameRefused: (code) => refused.inc({ code }),
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

export async function metricsRoutes(app: FastifyInstance, deps: { metrics: Metrics; token: string | undefined }): Promise<void> {
  const expected = deps.token === undefined ? undefined : Buffer.from(`Bearer ${deps.token}`)
  app.get('/metrics', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '')
    // the TCP peer, never an address a forwarded header claims
    const allowed = expected ? given.length === expected.length && timingSafeEqual(given, expected) : LOOPBACK.has(request.socket.remoteAddress ?? '')
    if (!allowed) return sendProblem(reply, 403, 'forbidden', expected ? 'Send "Authorization: Bearer <PARLEY_METRICS_TOKEN>".' : 'Only loopback callers may read metrics unless PARLEY_METRICS_TOKEN is set.')
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics())
  })
}
