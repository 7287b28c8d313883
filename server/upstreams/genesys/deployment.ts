/**
 * @module server/upstreams/genesys/deployment
 * The Messenger deployment's public `config.json` (PROTOCOL.md §3.15): which features the deployment has
 * switched on (typing, auto-start, clear, disconnect behaviour, attachments) and its own endpoints.
 * Fetched at start, so a wrong deployment id stops the BFF with a clear message, then refreshed in the
 * background; a failed refresh keeps the last good copy.
 */
import type { GenesysConfig } from '../../config'
import { asObject, readBoolean, readField, readString, type Fields } from '../../../src/protocol/read'
import { httpUrl } from './frames'
import { onRegion } from './hosts'

export interface DeploymentSettings {
  status: string
  apiEndpoint?: string
  messagingEndpoint?: string
  showAgentTyping: boolean
  showUserTyping: boolean
  autoStart: boolean
  disconnect: { enabled: boolean; type: 'Send' | 'ReadOnly' }
  clearEnabled: boolean
  /**
   * With `fileUpload.enableAttachments` present the limits are the session's (`SessionResponse.allowedMedia`,
   * `blockedExtensions`); `modes` is the fallback of older deployments (Genesys' SDK does the same).
   */
  attachments: { enabled: boolean; limitsFrom: 'session' | 'modes'; modes: { fileTypes: string[]; maxFileSizeKB?: number }[] }
}

export class DeploymentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DeploymentError'
  }
}

const TIMEOUT_MS = 10_000

export function configUrl(g: GenesysConfig): string {
  return `${g.cdnUrl}/webdeployments/v1/deployments/${encodeURIComponent(g.deploymentId)}/config.json`
}

export async function fetchDeployment(g: GenesysConfig, fetchImpl: typeof fetch = fetch): Promise<DeploymentSettings> {
  const url = configUrl(g)
  let res: Response
  try {
    res = await fetchImpl(url, { headers: { origin: g.origin, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) })
  } catch (err) {
    throw new DeploymentError(`Could not reach ${url} (${err instanceof Error ? err.message : 'network error'}). Check GENESYS_REGION and the network.`)
  }
  if (res.status === 404 || res.status === 403)
    throw new DeploymentError(
      `Genesys has no Messenger deployment "${g.deploymentId}" in ${g.region} (${url} answered ${res.status}). ` +
        'Check GENESYS_DEPLOYMENT_ID (Admin › Message › Messenger Deployments) and GENESYS_REGION.',
    )
  if (!res.ok) throw new DeploymentError(`${url} answered ${res.status}; try again later.`)
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new DeploymentError(`${url} did not return JSON.`)
  }
  const o = asObject(json)
  if (!o) throw new DeploymentError(`${url} did not return a deployment configuration.`)
  const settings = parseDeployment(o)
  // an endpoint that an explicit setting replaces is never used, so it needs no check
  if (settings.apiEndpoint && !g.hostsOverridden.api && !onRegion(settings.apiEndpoint, g.region, 'https:'))
    throw new DeploymentError(`${url} names apiEndpoint ${settings.apiEndpoint}, which is not https on ${g.region}; check GENESYS_REGION (or set GENESYS_API_URL).`)
  if (settings.messagingEndpoint && !g.hostsOverridden.webMessaging && !onRegion(settings.messagingEndpoint, g.region, 'wss:'))
    throw new DeploymentError(
      `${url} names messagingEndpoint ${settings.messagingEndpoint}, which is not wss on ${g.region}; check GENESYS_REGION (or set GENESYS_WEBMESSAGING_URL).`,
    )
  if (settings.status !== 'Active')
    throw new DeploymentError(`The Messenger deployment "${g.deploymentId}" is ${settings.status || 'not active'}; activate it in Genesys Cloud.`)
  return settings
}

export function parseDeployment(o: Fields): DeploymentSettings {
  const obj = (parent: Fields, key: string): Fields => asObject(readField(parent, key)) ?? {}
  const messenger = obj(o, 'messenger')
  const conversations = obj(obj(messenger, 'apps'), 'conversations')
  const disconnect = obj(conversations, 'conversationDisconnect')
  const fileUpload = obj(messenger, 'fileUpload')
  const rawModes = readField(fileUpload, 'modes')
  const modes = (Array.isArray(rawModes) ? rawModes : []).flatMap((m) => {
    const mo = asObject(m)
    if (!mo) return []
    const types = readField(mo, 'fileTypes')
    const fileTypes = Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : []
    const max = readField(mo, 'maxFileSizeKB')
    return [typeof max === 'number' ? { fileTypes, maxFileSizeKB: max } : { fileTypes }]
  })
  const settings: DeploymentSettings = {
    status: readString(o, 'status', 50) ?? '',
    // absent means false, as in the SDK's DeploymentConfig (PROTOCOL.md §3.15)
    showAgentTyping: readBoolean(conversations, 'showAgentTypingIndicator') ?? false,
    showUserTyping: readBoolean(conversations, 'showUserTypingIndicator') ?? false,
    autoStart: readBoolean(obj(conversations, 'autoStart'), 'enabled') ?? false,
    disconnect: {
      enabled: readBoolean(disconnect, 'enabled') ?? false,
      type: readString(disconnect, 'type', 20) === 'ReadOnly' ? 'ReadOnly' : 'Send',
    },
    clearEnabled: readBoolean(obj(conversations, 'conversationClear'), 'enabled') ?? false,
    attachments: (() => {
      const enable = readBoolean(fileUpload, 'enableAttachments')
      return enable === undefined ? { enabled: modes.length > 0, limitsFrom: 'modes' as const, modes } : { enabled: enable, limitsFrom: 'session' as const, modes }
    })(),
  }
  const api = readString(o, 'apiEndpoint', 500)
  const messaging = readString(conversations, 'messagingEndpoint', 500)
  if (api && httpUrl(api)) settings.apiEndpoint = api.replace(/\/+$/, '')
  if (messaging && /^wss?:\/\//.test(messaging)) settings.messagingEndpoint = messaging.replace(/\/+$/, '')
  return settings
}

/** Where to connect: explicit overrides first, then what the deployment says, then the region pattern. */
export function endpoints(g: GenesysConfig, d: DeploymentSettings): { socketUrl: string; apiUrl: string } {
  const base = g.hostsOverridden.webMessaging ? g.webMessagingUrl : (d.messagingEndpoint ?? g.webMessagingUrl)
  const apiUrl = g.hostsOverridden.api ? g.apiUrl : (d.apiEndpoint ?? g.apiUrl)
  return { socketUrl: `${base}/v1?deploymentId=${encodeURIComponent(g.deploymentId)}&application=parley`, apiUrl }
}
