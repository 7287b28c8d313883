/**
 * @module server/config
 * The environment, parsed once at start into a typed config (DESIGN.md §8). Every problem is collected
 * and reported together, so a misconfigured deployment fails with one clear message.
 */
import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_MAX_MESSAGE_CHARS } from '../src/protocol'
import { parseSchedule, type Schedule } from './business-hours'
import { checkableType, DEFAULT_UPLOAD_TYPES } from './file-types'
import { defaultDistDir } from './paths'
import { loadIdentityConfig, type IdentityConfig } from './identity-config'

export interface Limits {
  maxMessageChars: number
  maxFrameBytes: number
  /** Fragments one message may arrive in (ws closes with 1008 past it). */
  maxFragments: number
  msgRate: number
  msgBurst: number
  typingRate: number
  guestRatePerMinute: number
  socketsPerGuest: number
  slowConsumerBytes: number
  /** Largest guest attachment, bytes. */
  maxUploadBytes: number
  /** Uploads one guest (or the desk) may have in flight at once. */
  uploadsPerGuest: number
  /** Uploads in flight on this node at once, everyone together. */
  uploadsTotal: number
  /** Token refreshes per minute per client address. */
  refreshRatePerMinute: number
  /** Token refreshes per minute per refresh-token family (one guest's chain of tokens). */
  refreshFamilyPerMinute: number
  /** Guests (each with its one conversation) the in-memory store holds at most. */
  maxGuests: number
  /** Transcript bytes the in-memory store holds at most. */
  maxStoreBytes: number
  /** Past this event-loop delay, ms, new guest sessions and socket upgrades get 503 (0: never). */
  maxEventLoopDelayMs: number
}

/** The desk's file store (`server/files.ts`). */
export interface FilesConfig {
  /** Where uploaded files live; nodes sharing a Redis must share it too. */
  dir: string
  /** MIME types taken (`image/*` allowed); each checked against the file's magic bytes. */
  types: string[]
  /** How long a signed download URL works, seconds. */
  urlTtlSeconds: number
  /** Bytes of files one conversation may keep. */
  maxConversationBytes: number
  /** Bytes of files the whole directory may hold. */
  maxTotalBytes: number
}

/** Failed desk sign-ins per client address in 15 minutes, unless `PARLEY_DESK_SIGNIN_FAILURES` says otherwise. */
export const DEFAULT_DESK_SIGNIN_FAILURES = 10

export interface GenesysConfig {
  deploymentId: string
  /** Region domain, e.g. `mypurecloud.com`. */
  region: string
  /** Sent as `Origin` to Genesys: must be on the deployment's allowed domains. */
  origin: string
  /** Base of the guest socket (`wss://webmessaging.<region>`); `/v1?deploymentId=…` is appended. */
  webMessagingUrl: string
  /** `https://api.<region>`: JWT history and attachments. */
  apiUrl: string
  /** `https://api-cdn.<region>`: the deployment's `config.json`. */
  cdnUrl: string
  /** True when `webMessagingUrl` / `apiUrl` were set explicitly (then they win over `config.json`). */
  hostsOverridden: { webMessaging: boolean; api: boolean }
  /** `onMessage` requests per second per session (Genesys: 2 since 2023-12-11). */
  messageRate: number
  /** Longest guest text in UTF-8 bytes (Genesys answers 4011 past it). */
  maxMessageBytes: number
  pingMs: number
  reconnectMs: number
  reconnectForMs: number
  /** Least time between two health checks (`echo`) of a session; Genesys' SDK waits 30 s. */
  echoIntervalMs: number
  /** How long incoming messages are held to be put in `channel.time` order. */
  reorderMs: number
  /**
   * Domains besides the region's where Genesys may place guest files (its presigned URLs point at S3 or
   * CloudFront, PROTOCOL.md §3.14); https only, the domain itself or a subdomain.
   */
  transferHosts: string[]
}

export interface Config {
  host: string
  port: number
  /** Public base URL of this BFF, e.g. `https://chat.example.com`; derived from the request when unset. */
  publicUrl: string | undefined
  /** Exact, normalised origins (scheme://host[:port]) allowed on HTTP and on the socket upgrade. */
  allowedOrigins: ReadonlySet<string>
  tokenSecret: Uint8Array
  /** True when the secret was generated at start (tokens do not survive a restart). */
  tokenSecretGenerated: boolean
  guestTokenTtlSeconds: number
  upstream: 'desk' | 'genesys'
  /** Set when `upstream` is `genesys`. */
  genesys: GenesysConfig | undefined
  deskBot: boolean
  /** How long the desk bot "types" before it answers, ms. */
  deskBotDelayMs: number
  deskToken: string
  deskTokenGenerated: boolean
  /** The name guests see on replies of the bootstrap admin (`PARLEY_DESK_TOKEN`). */
  deskAdminName: string
  /** Failed desk sign-ins per client address in 15 minutes before it must wait. */
  deskSignInFailures: number
  /** Bearer token for `/metrics`; unset → only loopback callers may read it (allowed only when nothing is proxied). */
  metricsToken: string | undefined
  /**
   * Which peers' `X-Forwarded-For` is believed (Fastify's `trustProxy`): a hop count, or the proxies'
   * addresses and CIDRs. `false`: none, every limit keys on the TCP peer.
   */
  trustProxy: false | number | string[]
  /** Set: conversations live in this Redis, shared by every node. Unset: in memory, one node. */
  redisUrl: string | undefined
  /** Set: the same, in a Redis Cluster reached through these seed nodes (`host:port`). Exclusive with `redisUrl`. */
  redisClusterNodes: string[] | undefined
  /** Prefix of every Redis key and channel (several deployments can share one Redis). */
  redisPrefix: string
  /** This node's name in leases and logs. */
  nodeId: string
  /** A conversation, its transcript and its guest are kept this long after the last activity, ms. */
  retentionMs: number
  /** Oldest transcript entries are dropped past this many per conversation. */
  maxEntriesPerConversation: number
  /** How long a node's hold on a conversation's upstream lasts without renewal (Redis), ms. */
  leaseMs: number
  limits: Limits
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Where the built front-ends live (`dist/`). */
  distDir: string
  /** Server ping interval for sockets, ms. */
  heartbeatMs: number
  /** On SIGTERM, guest sockets are closed (1012) at random moments within this window, ms. */
  drainMs: number
  /** Where the in-memory store keeps its snapshot across graceful restarts; unset → nothing is written. */
  dataDir: string | undefined
  /** Opening hours (`PARLEY_BUSINESS_HOURS`, `PARLEY_CLOSED_DATES`); unset → always open. */
  businessHours: Schedule | undefined
  files: FilesConfig
  /** Host-signed guest identity (`PARLEY_IDENTITY_*`); unset → identity tokens are refused. */
  identity: IdentityConfig | undefined
}

/** This BFF as the client reached it: the public URL when configured, else the request's own host. */
export const publicBase = (config: Pick<Config, 'publicUrl'>, request: { protocol: string; host: string }): string =>
  config.publicUrl ?? `${request.protocol}://${request.host}`

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

type Env = Readonly<Record<string, string | undefined>>

/** Normalise an origin to `scheme://host[:port]` (default ports dropped, host lower-cased), or undefined. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const u = new URL(value)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined
    if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return undefined
    return u.origin
  } catch {
    return undefined
  }
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  const str = (name: string, fallback: string): string => {
    const v = env[name]
    return v === undefined || v === '' ? fallback : v
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const n = Number(raw)
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`)
      return fallback
    }
    return n
  }
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = str(name, fallback)
    const found = values.find((v) => v === raw)
    if (!found) problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}").`)
    return found ?? fallback
  }

  const host = str('HOST', '127.0.0.1')
  const port = int('PORT', 8080, 0, 65535)

  let publicUrl: string | undefined
  const rawPublic = env.PARLEY_PUBLIC_URL
  if (rawPublic) {
    const o = normalizeOrigin(rawPublic.replace(/\/+$/, ''))
    if (!o) problems.push(`PARLEY_PUBLIC_URL must be an http(s) origin like https://chat.example.com (got "${rawPublic}").`)
    publicUrl = o
  }

  const allowedOrigins = new Set<string>()
  const rawOrigins = env.PARLEY_ALLOWED_ORIGINS
  if (rawOrigins) {
    for (const item of rawOrigins.split(',').map((s) => s.trim()).filter(Boolean)) {
      const o = normalizeOrigin(item)
      if (!o) problems.push(`PARLEY_ALLOWED_ORIGINS: "${item}" is not an http(s) origin (scheme://host[:port], no path).`)
      else allowedOrigins.add(o)
    }
  } else {
    // by default the BFF's own pages (demo, desk) may use it
    if (publicUrl) allowedOrigins.add(publicUrl)
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    allowedOrigins.add(`http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`)
    allowedOrigins.add(`http://localhost:${port}`)
  }

  const rawSecret = env.PARLEY_TOKEN_SECRET
  let tokenSecret: Uint8Array
  if (rawSecret) {
    if (Buffer.byteLength(rawSecret) < 32) problems.push('PARLEY_TOKEN_SECRET must be at least 32 bytes long.')
    tokenSecret = new TextEncoder().encode(rawSecret)
  } else {
    tokenSecret = randomBytes(32)
  }

  const rawDeskToken = env.PARLEY_DESK_TOKEN
  if (rawDeskToken !== undefined && rawDeskToken !== '' && !/^[A-Za-z0-9._~-]{16,200}$/.test(rawDeskToken))
    problems.push('PARLEY_DESK_TOKEN must be 16-200 characters of letters, digits, ".", "_", "~" or "-".')

  const deskAdminName = str('PARLEY_DESK_ADMIN_NAME', 'Agent').trim()
  if (!deskAdminName || deskAdminName.length > 80 || /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2069]/.test(deskAdminName))
    problems.push('PARLEY_DESK_ADMIN_NAME must be 1-80 characters with no control or direction characters.')

  const rawMetricsToken = env.PARLEY_METRICS_TOKEN
  if (rawMetricsToken && !/^[A-Za-z0-9._~-]{16,200}$/.test(rawMetricsToken))
    problems.push('PARLEY_METRICS_TOKEN must be 16-200 characters of letters, digits, ".", "_", "~" or "-".')

  const trustProxy = parseTrustProxy(env.PARLEY_TRUST_PROXY, problems)
  // behind a proxy every request comes from a loopback or private peer: "loopback only" would mean "anyone"
  if (!rawMetricsToken && (trustProxy !== false || (publicUrl !== undefined && !isLoopbackOrigin(publicUrl))))
    problems.push('PARLEY_METRICS_TOKEN must be set when PARLEY_TRUST_PROXY is set or PARLEY_PUBLIC_URL is not a loopback address (otherwise /metrics would be public through the proxy).')

  const upstream = oneOf('PARLEY_UPSTREAM', ['desk', 'genesys'] as const, 'desk')
  const genesys = upstream === 'genesys' ? loadGenesys(env, problems, int) : undefined

  const redisUrl = env.REDIS_URL || undefined
  if (redisUrl && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0.')
  const redisClusterNodes = env.REDIS_CLUSTER_NODES ? env.REDIS_CLUSTER_NODES.split(',').map((n) => n.trim()) : undefined
  if (redisClusterNodes?.some((n) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(n) || Number(n.split(':')[1]) > 65535))
    problems.push('REDIS_CLUSTER_NODES must be a comma-separated list of host:port, e.g. redis-1:6379,redis-2:6379,redis-3:6379.')
  if (redisUrl && redisClusterNodes) problems.push('Set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both.')
  const redisPrefix = str('PARLEY_REDIS_PREFIX', 'parley:')
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(redisPrefix)) problems.push('PARLEY_REDIS_PREFIX must be 1-64 letters, digits, ":", ".", "_" or "-".')
  const nodeId = str('PARLEY_NODE_ID', `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`).replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100)

  const config: Config = {
    host,
    port,
    publicUrl,
    allowedOrigins,
    tokenSecret,
    tokenSecretGenerated: !rawSecret,
    guestTokenTtlSeconds: int('PARLEY_GUEST_TOKEN_TTL', 900, 30, 86400),
    upstream,
    genesys,
    deskBot: oneOf('PARLEY_DESK_BOT', ['on', 'off'] as const, 'on') === 'on',
    deskBotDelayMs: int('PARLEY_DESK_BOT_DELAY_MS', 400, 0, 60_000),
    deskToken: rawDeskToken || randomBytes(18).toString('base64url'),
    deskTokenGenerated: !rawDeskToken,
    deskAdminName,
    deskSignInFailures: int('PARLEY_DESK_SIGNIN_FAILURES', DEFAULT_DESK_SIGNIN_FAILURES, 1, 1000),
    metricsToken: env.PARLEY_METRICS_TOKEN || undefined,
    trustProxy,
    redisUrl,
    redisClusterNodes,
    redisPrefix,
    nodeId,
    retentionMs: int('PARLEY_RETENTION_HOURS', 168, 1, 24 * 366) * 3_600_000,
    maxEntriesPerConversation: int('PARLEY_MAX_ENTRIES', 5000, 100, 1_000_000),
    leaseMs: int('PARLEY_LEASE_MS', 10_000, 500, 600_000),
    limits: {
      maxMessageChars: int('PARLEY_MAX_MESSAGE_CHARS', DEFAULT_MAX_MESSAGE_CHARS, 1, 100_000),
      maxFrameBytes: int('PARLEY_MAX_FRAME_BYTES', 65536, 1024, 16 * 1024 * 1024),
      maxFragments: int('PARLEY_MAX_FRAGMENTS', 64, 1, 16_384),
      msgRate: int('PARLEY_MSG_RATE', 5, 1, 10_000),
      msgBurst: int('PARLEY_MSG_BURST', 10, 1, 10_000),
      typingRate: int('PARLEY_TYPING_RATE', 1, 1, 1000),
      guestRatePerMinute: int('PARLEY_GUEST_RATE', 30, 1, 1_000_000),
      socketsPerGuest: int('PARLEY_SOCKETS_PER_GUEST', 5, 1, 1000),
      slowConsumerBytes: int('PARLEY_SLOW_CONSUMER_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxUploadBytes: int('PARLEY_MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 1024, 512 * 1024 * 1024),
      uploadsPerGuest: int('PARLEY_UPLOADS_PER_GUEST', 2, 1, 100),
      uploadsTotal: int('PARLEY_UPLOADS_TOTAL', 32, 1, 10_000),
      refreshRatePerMinute: int('PARLEY_REFRESH_RATE', 30, 1, 1_000_000),
      refreshFamilyPerMinute: int('PARLEY_REFRESH_FAMILY_RATE', 6, 1, 1000),
      maxGuests: int('PARLEY_MAX_GUESTS', 100_000, 10, 100_000_000),
      maxStoreBytes: int('PARLEY_MAX_STORE_BYTES', 256 * 1024 * 1024, 1024 * 1024, 64 * 1024 * 1024 * 1024),
      maxEventLoopDelayMs: int('PARLEY_MAX_EVENT_LOOP_DELAY_MS', 1000, 0, 60_000),
    },
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    distDir: str('PARLEY_DIST_DIR', defaultDistDir()),
    heartbeatMs: int('PARLEY_HEARTBEAT_MS', 25_000, 100, 600_000),
    drainMs: int('PARLEY_DRAIN_MS', 10_000, 0, 25_000),
    dataDir: env.PARLEY_DATA_DIR || undefined,
    businessHours: undefined,
    identity: loadIdentityConfig(env, problems),
    files: {
      dir: env.PARLEY_FILES_DIR || join(env.PARLEY_DATA_DIR || join(tmpdir(), 'parley'), 'files'),
      types: uploadTypes(env.PARLEY_UPLOAD_TYPES, problems),
      urlTtlSeconds: int('PARLEY_FILE_URL_TTL', 900, 10, 86400),
      maxConversationBytes: int('PARLEY_FILES_PER_CONVERSATION_BYTES', 50 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024),
      maxTotalBytes: int('PARLEY_FILES_TOTAL_BYTES', 2 * 1024 * 1024 * 1024, 1024, 1024 * 1024 * 1024 * 1024 * 1024),
    },
  }
  if (env.PARLEY_BUSINESS_HOURS) {
    const parsed = parseSchedule(env.PARLEY_BUSINESS_HOURS, env.PARLEY_CLOSED_DATES ?? '')
    if (parsed.ok) config.businessHours = parsed.schedule
    else problems.push(`PARLEY_BUSINESS_HOURS / PARLEY_CLOSED_DATES: ${parsed.message}`)
  } else if (env.PARLEY_CLOSED_DATES) problems.push('PARLEY_CLOSED_DATES needs PARLEY_BUSINESS_HOURS (its time zone says when a date starts).')
  if (config.limits.maxMessageChars * 4 + 1024 > config.limits.maxFrameBytes)
    problems.push('PARLEY_MAX_FRAME_BYTES must leave room for a full message: at least 4 × PARLEY_MAX_MESSAGE_CHARS + 1024.')
  if (problems.length) throw new ConfigError(problems)
  return config
}

/** Region keys of the Platform SDK (PROTOCOL.md §1), accepted besides the domain itself. */
const GENESYS_REGIONS: Readonly<Record<string, string>> = {
  us_east_1: 'mypurecloud.com',
  us_east_2: 'use2.us-gov-pure.cloud',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  eu_west_1: 'mypurecloud.ie',
  eu_west_2: 'euw2.pure.cloud',
  eu_central_1: 'mypurecloud.de',
  eu_central_2: 'euc2.pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  ap_northeast_1: 'mypurecloud.jp',
  ap_northeast_2: 'apne2.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  ap_southeast_2: 'mypurecloud.com.au',
}

function loadGenesys(
  env: Env,
  problems: string[],
  int: (name: string, fallback: number, min: number, max: number) => number,
): GenesysConfig {
  const deploymentId = env.GENESYS_DEPLOYMENT_ID ?? ''
  if (!/^[A-Za-z0-9-]{8,64}$/.test(deploymentId))
    problems.push('GENESYS_DEPLOYMENT_ID must be the Messenger deployment id (Admin › Message › Messenger Deployments), a UUID.')
  const rawRegion = (env.GENESYS_REGION ?? '').trim().toLowerCase()
  const region = GENESYS_REGIONS[rawRegion] ?? rawRegion
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(region))
    problems.push('GENESYS_REGION must be your org\'s region domain, e.g. mypurecloud.com, mypurecloud.ie or usw2.pure.cloud (or a key like eu_west_1).')
  const origin = normalizeOrigin(env.GENESYS_ORIGIN ?? '')
  if (!origin) problems.push('GENESYS_ORIGIN must be an origin on the deployment\'s allowed domains, e.g. https://www.example.com.')
  const url = (name: string, fallback: string, schemes: string[]): string => {
    const raw = env[name]
    if (!raw) return fallback
    try {
      const u = new URL(raw)
      if (schemes.includes(u.protocol)) return raw.replace(/\/+$/, '')
    } catch {
      // reported below
    }
    problems.push(`${name} must be a ${schemes.join(' or ')} URL (got "${raw}").`)
    return fallback
  }
  return {
    deploymentId,
    region,
    origin: origin ?? '',
    webMessagingUrl: url('GENESYS_WEBMESSAGING_URL', `wss://webmessaging.${region}`, ['wss:', 'ws:']),
    apiUrl: url('GENESYS_API_URL', `https://api.${region}`, ['https:', 'http:']),
    cdnUrl: url('GENESYS_CDN_URL', `https://api-cdn.${region}`, ['https:', 'http:']),
    hostsOverridden: { webMessaging: Boolean(env.GENESYS_WEBMESSAGING_URL), api: Boolean(env.GENESYS_API_URL) },
    messageRate: int('GENESYS_MESSAGE_RATE', 2, 1, 100),
    maxMessageBytes: int('GENESYS_MAX_MESSAGE_BYTES', 4096, 16, 1_000_000),
    pingMs: int('GENESYS_PING_MS', 15_000, 100, 300_000),
    reconnectMs: int('GENESYS_RECONNECT_MS', 5000, 50, 300_000),
    reconnectForMs: int('GENESYS_RECONNECT_FOR_S', 300, 1, 86_400) * 1000,
    echoIntervalMs: int('GENESYS_ECHO_INTERVAL_MS', 30_000, 1000, 3_600_000),
    reorderMs: int('GENESYS_REORDER_MS', 300, 0, 5000),
    transferHosts: parseDomains('GENESYS_TRANSFER_HOSTS', env.GENESYS_TRANSFER_HOSTS, ['amazonaws.com', 'cloudfront.net'], problems),
  }
}

/** A comma-separated list of DNS domains; unset → the fallback, empty → none. */
function parseDomains(name: string, raw: string | undefined, fallback: string[], problems: string[]): string[] {
  if (raw === undefined) return fallback
  const items = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)
  for (const item of items) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(item)) problems.push(`${name}: "${item}" is not a domain name (e.g. amazonaws.com).`)
  }
  return items
}

/** `PARLEY_TRUST_PROXY`: a hop count, or comma-separated addresses and CIDRs; unset → trust nothing. */
function parseTrustProxy(raw: string | undefined, problems: string[]): false | number | string[] {
  if (raw === undefined || raw.trim() === '') return false
  const value = raw.trim()
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops >= 1 && hops <= 10) return hops
    problems.push(`PARLEY_TRUST_PROXY: a hop count must be from 1 to 10 (got "${raw}").`)
    return false
  }
  const items = value.split(',').map((s) => s.trim()).filter(Boolean)
  for (const item of items) if (!isAddressOrCidr(item)) problems.push(`PARLEY_TRUST_PROXY: "${item}" is not an IP address or CIDR (e.g. 10.0.0.0/8, fd00::/8).`)
  return items
}

function isAddressOrCidr(item: string): boolean {
  const [address = '', prefix, extra] = item.split('/')
  const family = isIP(address)
  if (!family || extra !== undefined) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)
}

function isLoopbackOrigin(origin: string): boolean {
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
}

function uploadTypes(raw: string | undefined, problems: string[]): string[] {
  if (!raw) return DEFAULT_UPLOAD_TYPES
  const types = raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean)
  for (const t of types)
    if (!checkableType(t)) problems.push(`PARLEY_UPLOAD_TYPES: "${t}" is not a MIME type whose content Parley can check (an image, PDF, Office, audio, video or text type).`)
  return types
}
