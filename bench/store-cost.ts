/**
 * The Redis store's cost per message without sockets or HTTP: two store nodes in this one process on a
 * fresh redis-server, 32 writers each doing what a guest's send does to the store (append → read the
 * conversation → update the delivered receipt), for 4 s after a 1 s warm-up. Prints msgs/s, this process's
 * CPU µs per message (both nodes together) and Redis' CPU µs per message. Used for back-to-back A/B runs
 * of store changes, which the relay run on a shared machine is too noisy for (docs/benchmarks.md).
 *
 *   npx tsx bench/store-cost.ts
 */
import { Redis } from 'ioredis'
import { connectRedis } from '../server/redis/link'
import { createRedisStore } from '../server/redis/store'
import type { ConversationStore } from '../server/stores/types'
import { startRedis, testPrefix } from '../tests/support/redis'

const WRITERS = 32
const WARMUP_MS = 1000
const MEASURE_MS = 4000
const TEXT = 'relay benchmark message with a realistic length of about sixty characters'

const redis = await startRedis(true)
const admin = new Redis(redis.url)
const prefix = testPrefix()
const links = await Promise.all(['a', 'b'].map((nodeId) => connectRedis({ url: redis.url, prefix, nodeId })))
const stores: ConversationStore[] = links.map((link) => createRedisStore(link, { retentionMs: 3_600_000, maxEntriesPerConversation: 5000 }))
const at = new Date().toISOString()
const storeOf = (i: number): ConversationStore => {
  const s = stores[i % 2]
  if (!s) throw new Error('no store')
  return s
}

for (let i = 0; i < WRITERS; i++) {
  const id = `c${i}`
  await storeOf(0).createGuest({ guestId: `g${i}`, conversationId: id, attributes: {}, createdAt: at, revoked: false }, {
    id, guestId: `g${i}`, guestName: 'Ana', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
    humanJoined: false, upstreamOpened: false, createdAt: at, updatedAt: at,
  })
  await storeOf(i).getConversation(id)
}

let stop = false
let measuring = false
let count = 0
async function writer(i: number): Promise<void> {
  const store = storeOf(i)
  const id = `c${i}`
  for (let n = 0; !stop; n++) {
    const key = `k${n}`
    const { entry } = await store.append(id, { type: 'message', id: `m${i}-${n}`, role: 'guest', text: TEXT, sentAt: at, clientMessageId: key }, key)
    const c = await store.getConversation(id)
    if (c && c.deliveredSeq < entry.seq) await store.updateConversation(id, { deliveredSeq: entry.seq })
    if (measuring) count++
  }
}

async function redisCpuSeconds(): Promise<number> {
  const info = await admin.info('cpu')
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN)
  return field('used_cpu_user') + field('used_cpu_sys')
}

const running = Array.from({ length: WRITERS }, (_, i) => writer(i))
await new Promise((resolve) => setTimeout(resolve, WARMUP_MS))
const cpu0 = process.cpuUsage()
const redis0 = await redisCpuSeconds()
const t0 = performance.now()
measuring = true
await new Promise((resolve) => setTimeout(resolve, MEASURE_MS))
measuring = false
const elapsed = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
const redisCpu = (await redisCpuSeconds()) - redis0
stop = true
await Promise.all(running)
console.log(
  `store cost: ${Math.round((count / elapsed) * 1000)} msgs/s; node CPU ${((cpu.user + cpu.system) / count).toFixed(1)} µs/msg (both nodes); Redis CPU ${((redisCpu * 1e6) / count).toFixed(1)} µs/msg`,
)
for (const s of stores) await s.close()
for (const l of links) await l.close()
admin.disconnect()
await redis.close()
