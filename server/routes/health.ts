/**
 * @module server/routes/health
 * Liveness (the process answers) and readiness (store and upstream reachable, not draining).
 */
import type { FastifyInstance } from 'fastify'
import type { ConversationStore } from '../stores/types'
import type { Upstream } from '../upstreams/types'

export async function healthRoutes(
  app: FastifyInstance,
  deps: { store: ConversationStore; upstream: Upstream; draining: () => boolean },
): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const store = await deps.store.ping().catch(() => false)
    const upstream = deps.upstream.ready()
    const draining = deps.draining()
    const ready = store && upstream && !draining
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', store, upstream, draining })
  })
}
