/**
 * @module server/upstreams/genesys/hosts
 * Which upstream URLs the connector will use. Genesys names its endpoints in data it sends (`config.json`'s
 * `apiEndpoint` and `messagingEndpoint`, the URL of a `PresignedUrlResponse`); the BFF sends guest files and
 * a session JWT there, so each must be TLS on the configured region's domain. File transfers go to the
 * storage Genesys picks (S3 or CloudFront, PROTOCOL.md §3.14), so they may also use the domains of
 * `GENESYS_TRANSFER_HOSTS`; the session JWT never goes there. An explicit `GENESYS_API_URL` /
 * `GENESYS_WEBMESSAGING_URL` (a proxy, the test simulator) is trusted as given.
 */
import type { GenesysConfig } from '../../config'

/** True when `value` is a `scheme` URL whose host is the region domain or one of its subdomains. */
export function onRegion(value: string, region: string, scheme: 'https:' | 'wss:'): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  const host = url.hostname.toLowerCase()
  const domain = region.toLowerCase()
  return url.protocol === scheme && !url.username && !url.password && (host === domain || host.endsWith(`.${domain}`))
}

/** The origins of the explicit overrides, with the socket's ws(s) mapped to http(s). */
function overrideOrigins(g: GenesysConfig): string[] {
  const origins: string[] = []
  const origin = (value: string): void => {
    try {
      origins.push(new URL(value.replace(/^ws/, 'http')).origin)
    } catch {
      // loadConfig has checked the settings; nothing to add
    }
  }
  if (g.hostsOverridden.api) origin(g.apiUrl)
  if (g.hostsOverridden.webMessaging) origin(g.webMessagingUrl)
  return origins
}

/**
 * A URL Genesys handed over for an upload or download: https on the region or a transfer domain, or on an
 * explicit override's origin.
 */
export function transferUrlAllowed(g: GenesysConfig, value: string): boolean {
  if ([g.region, ...g.transferHosts].some((domain) => onRegion(value, domain, 'https:'))) return true
  try {
    return overrideOrigins(g).includes(new URL(value).origin)
  } catch {
    return false
  }
}
