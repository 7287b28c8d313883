/**
 * @module server/backend
 * Where a node keeps its state: in memory (one node; the default), or in a Redis shared by every node
 * (`REDIS_URL`, or a Redis Cluster with `REDIS_CLUSTER_NODES`): the conversation store, the upstream
 * leases, and the HTTP rate-limit counters.
 */
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { Config } from './config'
import { createLocalLeases, type Leases } from './leases'
import { createRedisLeases } from './redis/leases'
import { connectRedis, type RedisLink } from './redis/link'
import { createRedisStore } from './redis/store'
import { createMemoryStore } from './stores/memory'
import type { ConversationStore } from './stores/types'

export interface Backend {
  store: ConversationStore
  leases: Leases
  /** Counters of @fastify/rate-limit live here when set; otherwise in this process. */
  rateLimitRedis: Redis | undefined
  close(): Promise<void>
}

export async function createBackend(config: Config, log: FastifyBaseLogger): Promise<Backend> {
  if (!config.redisUrl && !config.redisClusterNodes) {
    const store = createMemoryStore({
      maxEntriesPerConversation: config.maxEntriesPerConversation,
      retentionMs: config.retentionMs,
      maxGuests: config.limits.maxGuests,
      maxStoredBytes: config.limits.maxStoreBytes,
      ...(config.dataDir
        ? {
            snapshotFile: join(config.dataDir, 'store.json'),
            onSnapshotError: (err: unknown, movedTo: string) =>
              log.error({ err, movedTo }, 'the store snapshot was unreadable and was moved aside; starting empty'),
          }
        : {}),
    })
    return { store, leases: createLocalLeases(), rateLimitRedis: undefined, close: () => store.close() }
  }
  const link: RedisLink = await connectRedis({
    ...(config.redisClusterNodes ? { clusterNodes: config.redisClusterNodes } : { url: config.redisUrl ?? '' }),
    prefix: config.redisPrefix,
    nodeId: config.nodeId,
    onStateChange: (up, err) => (up ? log.info('Redis connection is up') : log.error({ err }, 'Redis connection lost; not ready until it is back')),
  })
  const store = createRedisStore(link, {
    retentionMs: config.retentionMs,
    maxEntriesPerConversation: config.maxEntriesPerConversation,
    onError: (err, context) => log.warn({ err }, context),
  })
  const leases = createRedisLeases(link, { leaseMs: config.leaseMs, onError: (err) => log.debug({ err }, 'lease renewal failed') })
  return {
    store,
    leases,
    // the rate-limit stores only define one-key Lua commands and call them, which a Cluster client does the
    // same way (tests/redis/nodes.test.ts counts guest creations across nodes on a cluster); their types
    // name the single client
    rateLimitRedis: link.cmd as Redis,
    async close() {
      await leases.close()
      await store.close()
      await link.close()
    },
  }
}
