/**
 * @module server/upstreams/genesys
 * Genesys Cloud Web Messaging as the upstream (`PARLEY_UPSTREAM=genesys`): one guest session per
 * conversation, its token generated here and kept in the conversation record, never sent to the browser.
 * No OAuth credentials of any kind are needed or used (PROTOCOL.md §5).
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Config, GenesysConfig } from '../../config'
import type { Leases } from '../../leases'
import type { ConversationRecord, ConversationStore } from '../../stores/types'
import type { Upstream } from '../types'
import { createWatchers } from '../watchers'
import { exchangeLogin, refreshAuth, revokeAuth } from './auth'
import { decodeCredential, encodeCredential, newCredential, type SessionCredential } from './credential'
import { endpoints, fetchDeployment, type DeploymentSettings } from './deployment'
import type { SessionInfo } from './frames'
import { GenesysSession, type SessionContext } from './session'

/** How often the deployment's config.json is fetched again. */
const REFRESH_MS = 10 * 60_000
/**
 * A session nobody watches closes its upstream socket after this long; the Genesys session lives on and
 * the next guest socket reconnects and fills the gap from history. Keeps one socket per *active* guest.
 */
const IDLE_CLOSE_MS = 10 * 60_000

export function createGenesysUpstream(deps: {
  config: Config
  store: ConversationStore
  leases: Leases
  log: FastifyBaseLogger
  fetch?: typeof fetch
  echoTimeoutMs?: number
  sessionTimeoutMs?: number
  idleCloseMs?: number
}): Upstream {
  const { store, leases, log } = deps
  const g = genesysSettings(deps.config)
  const fetchImpl = deps.fetch ?? fetch
  const sessions = new Map<string, GenesysSession>()
  const starting = new Map<string, Promise<GenesysSession>>()
  const watchers = createWatchers(deps.idleCloseMs ?? IDLE_CLOSE_MS, (conversationId) => {
    sessions.get(conversationId)?.close()
    sessions.delete(conversationId)
    void leases.release(conversationId)
  })
  let deployment: DeploymentSettings | undefined
  /** The limits of the last session Genesys configured: they are the deployment's, the same for every session. */
  let sessionMedia: Pick<SessionInfo, 'allowedMedia' | 'blockedExtensions'> | undefined
  let refresh: ReturnType<typeof setInterval> | undefined

  const settings = (): DeploymentSettings => {
    if (!deployment) throw new Error('the Genesys deployment is not loaded')
    return deployment
  }

  // another node took the conversation over (its guest reconnected there): this node's socket goes, the
  // Genesys session lives on under the new holder, which reconnects with the same token
  const stopLost = leases.onLost((conversationId) => {
    sessions.get(conversationId)?.close()
    sessions.delete(conversationId)
  })

  const authDeps = (): Parameters<typeof exchangeLogin>[0] => ({ apiUrl: endpoints(g, settings()).apiUrl, deploymentId: g.deploymentId, origin: g.origin, fetch: fetchImpl })

  async function sessionFor(c: ConversationRecord): Promise<GenesysSession> {
    const live = sessions.get(c.id)
    if (live) return live
    if (!(await leases.acquire(c.id))) throw new NotHeldError()
    let p = starting.get(c.id)
    if (!p) {
      p = (async () => {
        const stored = (await store.getConversation(c.id))?.upstreamSession
        const decoded = stored ? decodeCredential(stored) : undefined
        let credential: SessionCredential
        if (decoded) credential = decoded.credential
        else credential = newCredential()
        if (!decoded || decoded.upgraded) await store.updateConversation(c.id, { upstreamSession: encodeCredential(credential) })
        const ctx: SessionContext = {
          genesys: g,
          deployment: settings,
          endpoints: () => endpoints(g, settings()),
          store,
          log: log.child({ upstream: 'genesys' }),
          fetch: fetchImpl,
          attributes: async () => {
            const guest = await store.getGuest(c.guestId)
            if (!guest) return {}
            const extra: Record<string, string> = {}
            if (guest.displayName) extra.name = guest.displayName
            if (guest.email) extra.email = guest.email
            // a verified name and e-mail are not for the page's attributes to override (docs/identity.md)
            return guest.verified ? { ...guest.attributes, ...extra } : { ...extra, ...guest.attributes }
          },
          startedNew: () => {
            const { token, customerId, auth } = credential
            store.updateConversation(c.id, { upstreamSession: encodeCredential({ token, customerId, ...(auth ? { auth } : {}) }) }).catch((err: unknown) => log.error({ err }, 'could not store the Genesys session'))
          },
          sessionConfigured: (info) => {
            sessionMedia = info.allowedMedia ? { allowedMedia: info.allowedMedia, blockedExtensions: info.blockedExtensions } : sessionMedia
          },
          refreshAuth: async (auth) => {
            const r = await refreshAuth(authDeps(), auth)
            if (!r.ok) {
              log.warn({ status: r.status }, 'Genesys refused to refresh the authenticated session')
              return undefined
            }
            await store.updateConversation(c.id, { upstreamSession: encodeCredential({ ...credential, auth: r.value }) })
            return r.value
          },
          ...(deps.echoTimeoutMs === undefined ? {} : { echoTimeoutMs: deps.echoTimeoutMs }),
          ...(deps.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: deps.sessionTimeoutMs }),
        }
        const session = new GenesysSession(ctx, c.id, credential)
        sessions.set(c.id, session)
        return session
      })().finally(() => starting.delete(c.id))
      starting.set(c.id, p)
    }
    return p
  }

  return {
    name: 'genesys',
    async start() {
      deployment = await fetchDeployment(g, fetchImpl)
      log.info({ deploymentId: g.deploymentId, region: g.region }, 'Genesys deployment loaded')
      refresh = setInterval(() => {
        fetchDeployment(g, fetchImpl).then(
          (d) => (deployment = d),
          (err: unknown) => log.warn({ err }, 'could not refresh the Genesys deployment; keeping the last one'),
        )
      }, REFRESH_MS)
      refresh.unref()
    },
    async openConversation(c) {
      // a conversation whose lease could not be had yet is connected by whoever holds it
      if (c.status === 'open') (await sessionFor(c).catch(notHeld))?.connect()
    },
    guestConnected(c) {
      watchers.connected(c.id)
      sessionFor(c).then(
        (s) => s.guestConnected(),
        (err: unknown) => log.error({ err }, 'could not start the Genesys session'),
      )
    },
    guestDisconnected: (conversationId) => watchers.disconnected(conversationId),
    async sendGuestMessage(c, draft) {
      if (c.status === 'ended') return { ok: false, code: 'conversation_ended', message: 'This conversation has ended.' }
      const session = await sessionFor(c).catch(notHeld)
      return session ? session.send(draft) : { ok: false, code: 'upstream_unavailable', message: NOT_HELD, retryAfterMs: 2000 }
    },
    async discardAttachment(c, attachmentId) {
      const session = await sessionFor(c).catch(notHeld)
      if (session && !(await session.deleteAttachment(attachmentId))) log.warn('Genesys did not confirm deleteAttachment')
    },
    async attachmentUrl(c, attachmentId) {
      const session = await sessionFor(c).catch(notHeld)
      return session?.downloadUrl(attachmentId)
    },
    attachmentLimits() {
      const { attachments } = settings()
      if (!attachments.enabled) return undefined
      // the BFF takes the file first, so its own upload limit caps what Genesys would take
      const cap = (kb: number | undefined): number => Math.min(deps.config.limits.maxUploadBytes, kb === undefined ? Infinity : kb * 1024)
      if (attachments.limitsFrom === 'session') {
        // the session's allowedMedia decides; before any session was configured, the upload route checks it
        const media = sessionMedia?.allowedMedia
        return media ? { maxBytes: cap(media.maxFileSizeKB), types: media.fileTypes } : { maxBytes: cap(undefined), types: ['*/*'] }
      }
      if (!attachments.modes.length) return undefined
      const types = [...new Set(attachments.modes.flatMap((m) => m.fileTypes))]
      const sizes = attachments.modes.map((m) => m.maxFileSizeKB).filter((kb): kb is number => kb !== undefined)
      return { maxBytes: cap(sizes.length ? Math.max(...sizes) : undefined), types }
    },
    async uploadAttachment(c, file) {
      if (c.status === 'ended') return { ok: false, status: 400, message: 'This conversation has ended.' }
      const session = await sessionFor(c).catch(notHeld)
      return session ? session.upload(file) : { ok: false, status: 503, message: NOT_HELD }
    },
    guestTyping(c, active) {
      sessions.get(c.id)?.typing(active)
    },
    // a new chat after read-only goes on with the same token and customer id, configured with startNew
    async continueSession(previous) {
      const decoded = previous.upstreamSession ? decodeCredential(previous.upstreamSession) : undefined
      if (!decoded) return undefined
      sessions.get(previous.id)?.close()
      sessions.delete(previous.id)
      await leases.release(previous.id)
      return encodeCredential({ ...decoded.credential, startNew: true })
    },
    // a signed-in visitor: their OIDC code becomes a Genesys JWT, kept with a fresh session token (never sent out)
    async signIn(login) {
      const r = await exchangeLogin(authDeps(), login)
      if (!r.ok) {
        log.warn({ status: r.status }, 'Genesys refused the sign-in exchange')
        return undefined
      }
      return encodeCredential({ ...newCredential(), auth: r.value })
    },
    async signOut(c) {
      const decoded = c.upstreamSession ? decodeCredential(c.upstreamSession) : undefined
      const auth = decoded?.credential.auth
      if (!auth) return
      const r = await revokeAuth(authDeps(), auth)
      if (!r.ok) log.warn({ status: r.status }, 'Genesys refused to revoke the authenticated session')
      await store.updateConversation(c.id, { upstreamSession: encodeCredential({ token: decoded.credential.token, customerId: decoded.credential.customerId }) })
    },
    // only Presence Clear ends a Genesys conversation; closeSession would leave the agent a live one
    guestCanEnd: () => settings().clearEnabled,
    async endConversation(c) {
      if (!c.upstreamSession && !sessions.has(c.id)) return
      const session = await sessionFor(c).catch(notHeld)
      if (!session) return 'kept'
      const outcome = await session.end()
      if (outcome === 'kept') return outcome
      sessions.delete(c.id)
      await leases.release(c.id)
    },
    ready: () => deployment !== undefined,
    async close() {
      stopLost()
      clearInterval(refresh)
      watchers.close()
      // the Genesys sessions live on: after a restart the same tokens resume them
      for (const s of sessions.values()) s.close()
      sessions.clear()
    },
  }
}

const NOT_HELD = 'The contact centre connection is moving to this server; retrying.'

/** The conversation's lease could not be had in time (its holder neither let go nor lapsed yet). */
class NotHeldError extends Error {
  constructor() {
    super(NOT_HELD)
    this.name = 'NotHeldError'
  }
}

/** NotHeldError becomes "no session" (the guest retries); anything else is a real failure. */
function notHeld(err: unknown): undefined {
  if (err instanceof NotHeldError) return undefined
  throw err
}

function genesysSettings(config: Config): GenesysConfig {
  if (!config.genesys) throw new Error('PARLEY_UPSTREAM=genesys needs the GENESYS_* settings')
  return config.genesys
}
