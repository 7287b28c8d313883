/**
 * @module server/csp
 * The Content-Security-Policy of everything the BFF serves. Pages get a fresh nonce per response; the
 * built HTML carries a placeholder in its script and style tags (Vite's `html.cspNonce`) that is replaced
 * with it, so a host that adds an inline script of its own can allow exactly that one.
 */
import { randomBytes } from 'node:crypto'
import type { Config } from './config'

/** Written into the built HTML by Vite (`html.cspNonce` in vite.config.ts), replaced per response. */
export const NONCE_PLACEHOLDER = 'PARLEY_CSP_NONCE'

/** Hosts a page may reach besides its own origin: the BFF's public socket origin, the upstream's file hosts. */
export interface CspSources {
  connect: string[]
  img: string[]
}

const NONE: CspSources = { connect: [], img: [] }

/**
 * The extra sources for this configuration: the public URL's socket origin (when the BFF is reached under
 * another name than the page's own, or for browsers whose `'self'` does not cover `wss:`), and with Genesys
 * its API and CDN hosts, which serve the files and images its agents send.
 */
export function cspSources(config: Pick<Config, 'publicUrl' | 'genesys'>): CspSources {
  const connect = config.publicUrl ? [config.publicUrl.replace(/^http/, 'ws')] : []
  const g = config.genesys
  const img = g ? [...new Set([new URL(g.apiUrl).origin, new URL(g.cdnUrl).origin, `https://*.${g.region}`])] : []
  return { connect, img }
}

/**
 * No `unsafe-inline`, no `unsafe-eval`: Vue's runtime build needs neither. Images and sockets only from this
 * origin and the hosts `sources` names: not any https image or any ws host, so injected markup (were there
 * any) could not send data to a host of its choosing.
 */
export function cspDirectives(nonce?: string, sources: CspSources = NONE): Record<string, string[]> {
  const withNonce = (list: string[]): string[] => (nonce ? [...list, `'nonce-${nonce}'`] : list)
  return {
    'default-src': ["'self'"],
    'script-src': withNonce(["'self'"]),
    'style-src': withNonce(["'self'"]),
    'img-src': ["'self'", 'data:', ...sources.img],
    'connect-src': ["'self'", ...sources.connect],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
    'object-src': ["'none'"],
  }
}

export function cspHeader(nonce?: string, sources: CspSources = NONE): string {
  return Object.entries(cspDirectives(nonce, sources))
    .map(([name, list]) => `${name} ${list.join(' ')}`)
    .join('; ')
}

export function newNonce(): string {
  return randomBytes(16).toString('base64')
}

/** The page with this response's nonce in place of the placeholder. */
export function withNonce(html: string, nonce: string): string {
  return html.replaceAll(NONCE_PLACEHOLDER, nonce)
}
