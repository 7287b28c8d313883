/**
 * @module server/app
 * `buildApp(deps)`: the whole BFF as a Fastify instance that tests drive with `inject()` or real sockets.
 * `main.ts` only reads the config and listens.
 */
import fastifyCors from '@fastify/cors'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyUnderPressure from '@fastify/under-pressure'
import fastifyWebsocket from '@fastify/websocket'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { PROTOCOL } from '../src/protocol'
import { normalizeOrigin, type Config } from './config'
import { createBackend, type Backend } from './backend'
import { cspDirectives, cspSources } from './csp'
import { createFileVault, type FileVault } from './files'
import { createIdentityVerifier } from './identity'
import { createLocalLeases, type Leases } from './leases'
import { loggerOptions } from './log'
import { problem, sendProblem } from './problem'
import { SnapshotLocalStore } from './rate-limit-store'
import { StoreUnavailableError, type ConversationStore } from './stores/types'
import { attachmentRoutes } from './routes/attachments'
import { feedbackRoutes } from './routes/feedback'
import { guestSessionRoutes } from './routes/guest-sessions'
import { healthRoutes } from './routes/health'
import { createMetrics, metricsRoutes } from './routes/metrics'
import { pageRoutes } from './routes/pages'
import { registerGuestSocket } from './socket/guest-socket'
import { createTokenService } from './tokens'
import { createDeskUpstream } from './upstreams/desk'
import { createGenesysUpstream } from './upstreams/genesys'
import type { Upstream } from './upstreams/types'

/** How often files of forgotten conversations, and uploads never sent, are looked for. */
const FILE_SWEEP_MS = 15 * 60_000
/** Routes that answer a WebSocket upgrade; they check the Origin themselves, before upgrading. */
const SOCKET_ROUTES = new Set(['/api/socket', '/api/desk/socket'])

/** `PARLEY_TRUST_PROXY` as Fastify takes it: a hop count is "the nearest n hops", as proxy-addr reads a number. */
function trustedProxies(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting
}

export interface AppDeps {
  config: Config
  /** @default an in-memory store, or Redis when `config.redisUrl` is set */
  store?: ConversationStore
  /** @default the desk upstream */
  upstream?: (ctx: { config: Config; store: ConversationStore; leases: Leases; log: FastifyBaseLogger; files: FileVault }) => Upstream
  /** A pino logger, or `false` for none (tests). @default a pino logger at `config.logLevel` */
  logger?: boolean
  /** Where the log goes (tests read it). @default stdout */
  logStream?: NodeJS.WritableStream
  /** Reply delay of the desk bot, ms (tests make it short). @default `config.deskBotDelayMs` */
  botDelayMs?: number
}

export interface ParleyApp {
  app: FastifyInstance
  store: ConversationStore
  upstream: Upstream
  /**
   * Stop taking work: /readyz turns 503 and new sockets are refused; open sockets are closed with 1012
   * spread over `config.drainMs` once their frames are handled; then the server and the store close.
   */
  drain(): Promise<void>
  /** Open guest sockets on this node. */
  guestSockets(): number
}

export async function buildApp(deps: AppDeps): Promise<ParleyApp> {
  const { config } = deps
  const app = Fastify({
    logger: deps.logger === false ? false : loggerOptions(config.logLevel, deps.logStream),
    // unset: the TCP peer is the client; set: the proxies named are believed, so limits key on the client
    trustProxy: trustedProxies(config.trustProxy),
    bodyLimit: 64 * 1024,
    // a slowloris handshake is cut after 10 s instead of Node's 60 s
    // (Node checks those deadlines every `connectionsCheckingInterval`, 30 s by default: 1 s makes 10 s mean 10 s)
    http: { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 },
  })
  const backend: Backend = deps.store
    ? { store: deps.store, leases: createLocalLeases(), rateLimitRedis: undefined, close: () => (deps.store ? deps.store.close() : Promise.resolve()) }
    : await createBackend(config, app.log)
  const { store, leases } = backend
  const files = createFileVault({ ...config.files, secret: config.tokenSecret, maxBytes: config.limits.maxUploadBytes })
  const tokens = createTokenService({ secret: config.tokenSecret, ttlSeconds: config.guestTokenTtlSeconds, store })
  const upstream = deps.upstream
    ? deps.upstream({ config, store, leases, log: app.log, files })
    : config.upstream === 'genesys'
      ? createGenesysUpstream({ config, store, leases, log: app.log })
      : createDeskUpstream({ config, store, leases, log: app.log, files, botDelayMs: deps.botDelayMs ?? config.deskBotDelayMs, rateLimitRedis: backend.rateLimitRedis })
  // remote settings (the Genesys deployment) are loaded before anything listens: a wrong id stops here
  await upstream.start?.().catch(async (err: unknown) => {
    await backend.close()
    throw err
  })
  let draining = false

  app.setErrorHandler((err: { statusCode?: number; message?: string }, request, reply) => {
    if (err instanceof StoreUnavailableError) {
      request.log.warn({ err }, 'store unavailable')
      reply.header('retry-after', '2')
      return sendProblem(reply, 503, 'unavailable', 'The service is briefly unavailable; try again shortly.')
    }
    const status = err.statusCode ?? 500
    if (status >= 500) request.log.error({ err }, 'request failed')
    if (status === 429) return sendProblem(reply, 429, 'rate_limited', 'Too many requests; wait and try again.')
    if (status >= 400 && status < 500) return sendProblem(reply, status, 'bad_request', err.message)
    return sendProblem(reply, 500, 'internal', 'Something went wrong.')
  })
  app.setNotFoundHandler((request, reply) =>
    request.url.startsWith('/api/') ? sendProblem(reply, 404, 'not_found', 'No such route.') : reply.code(404).type('text/plain').send('Not found'),
  )

  // A foreign Origin is refused on every API route, not only left without CORS headers. A WebSocket upgrade
  // on a socket route is checked by that route: a reply from this early hook would leave the upgraded socket
  // open. Any other `Upgrade` header (h2c, a made-up one) changes nothing.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin
    if (origin === undefined || !request.url.startsWith('/api/')) return
    if (request.headers.upgrade?.toLowerCase() === 'websocket' && SOCKET_ROUTES.has(request.routeOptions.url ?? '')) return
    const normalized = normalizeOrigin(origin)
    if (!normalized || !config.allowedOrigins.has(normalized))
      return sendProblem(reply, 403, 'forbidden_origin', 'This Origin is not allowed.')
  })

  // pages replace this policy with one that carries their nonce (routes/pages.ts)
  const csp = cspSources(config)
  await app.register(fastifyHelmet, { contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(undefined, csp) } })
  await app.register(fastifyCors, {
    origin: (origin, cb) => cb(null, origin !== undefined && config.allowedOrigins.has(normalizeOrigin(origin) ?? '')),
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'x-parley-file-name'],
    maxAge: 600,
  })
  await app.register(fastifyRateLimit, {
    global: false,
    // shared counters with Redis; a Redis fault lets requests through (guest creation itself fails closed)
    ...(backend.rateLimitRedis ? { redis: backend.rateLimitRedis, nameSpace: `${config.redisPrefix}rl:`, skipOnError: true } : { store: SnapshotLocalStore }),
    errorResponseBuilder: (_req, ctx) => ({ ...problem(429, 'rate_limited', `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s.`), statusCode: 429 }),
  })
  // Load shedding: past PARLEY_MAX_EVENT_LOOP_DELAY_MS, new guest sessions and guest socket upgrades get 503
  // with Retry-After (they ask the routes below), so the guests already chatting keep their latency
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: config.limits.maxEventLoopDelayMs,
    sampleInterval: 500,
    // the plugin would refuse every request; which ones are shed is the routes' decision
    pressureHandler: () => undefined,
  })
  const overloaded = (): boolean => config.limits.maxEventLoopDelayMs > 0 && app.isUnderPressure()
  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: config.limits.maxFrameBytes,
      // ws 8.23 allows 16,384 fragments a message, enough for a few sockets of 1-byte fragments to pin
      // megabytes (QUALITY.md §1.3); a chat frame never needs more than a handful
      maxFragments: config.limits.maxFragments,
      perMessageDeflate: false,
      handleProtocols: (protocols: Set<string>) => (protocols.has(PROTOCOL) ? PROTOCOL : protocols.has('parley.desk.v1') ? 'parley.desk.v1' : false),
    },
  })

  await app.register(healthRoutes, { store, upstream, draining: () => draining })
  let hub: ReturnType<typeof registerGuestSocket> | undefined
  const metrics = createMetrics({ store, guestSockets: () => hub?.count() ?? 0, ready: () => !draining && upstream.ready(), trackedGuests: () => hub?.trackedGuests() ?? 0 })
  await app.register(metricsRoutes, { metrics, token: config.metricsToken })
  const identity = config.identity && createIdentityVerifier(config.identity)
  await app.register(guestSessionRoutes, { config, store, tokens, upstream, metrics, files, overloaded, ...(identity ? { identity } : {}) })
  await app.register(attachmentRoutes, { config, store, tokens, upstream, files })
  await app.register(feedbackRoutes, { config, store, tokens, upstream })
  await app.register(async (scope) => {
    hub = registerGuestSocket(scope, { config, store, tokens, upstream, metrics, files, overloaded })
  })
  if (upstream.routes) await app.register(upstream.routes)
  await app.register(pageRoutes, { distDir: config.distDir, csp })

  // files outlive nothing: those of conversations that retention removed go too
  const sweep = setInterval(() => {
    files.sweep(async (id) => (await store.getConversation(id)) !== undefined).catch((err: unknown) => app.log.warn({ err }, 'file sweep failed'))
  }, FILE_SWEEP_MS)
  sweep.unref()

  app.addHook('onClose', async () => {
    clearInterval(sweep)
    await upstream.close()
    await backend.close()
  })

  return {
    app,
    store,
    upstream,
    async drain() {
      draining = true
      await hub?.drain(config.drainMs)
      await app.close()
    },
    guestSockets: () => hub?.count() ?? 0,
  }
}
