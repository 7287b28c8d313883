/**
 * @module server/csp
 * The Content-Security-Policy of everything the BFF serves. Pages get a fresh nonce per response; the
 * built HTML carries a placeholder in its script and style tags (Vite's `html.cspNonce`) that is replaced
 * with it, so a host that adds an inline script of its own can allow exactly that one.
 */
import { randomBytes } from 'node:crypto'

/** Written into the built HTML by Vite (`html.cspNonce` in vite.config.ts), replaced per response. */
export const NONCE_PLACEHOLDER = 'PARLEY_CSP_NONCE'

/**
 * No `unsafe-inline`, no `unsafe-eval`: Vue's runtime build needs neither. Images may come from https
 * (agent avatars); sockets go to the same host.
 */
export function cspDirectives(nonce?: string): Record<string, string[]> {
  const withNonce = (sources: string[]): string[] => (nonce ? [...sources, `'nonce-${nonce}'`] : sources)
  return {
    'default-src': ["'self'"],
    'script-src': withNonce(["'self'"]),
    'style-src': withNonce(["'self'"]),
    'img-src': ["'self'", 'data:', 'https:'],
    'connect-src': ["'self'", 'ws:', 'wss:'],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
    'object-src': ["'none'"],
  }
}

export function cspHeader(nonce?: string): string {
  return Object.entries(cspDirectives(nonce))
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}

export function newNonce(): string {
  return randomBytes(16).toString('base64')
}

/** The page with this response's nonce in place of the placeholder. */
export function withNonce(html: string, nonce: string): string {
  return html.replaceAll(NONCE_PLACEHOLDER, nonce)
}
