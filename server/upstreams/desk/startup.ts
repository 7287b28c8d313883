/**
 * @module server/upstreams/desk/startup
 * The desk lines of the start-up banner. The sign-in link carries a token, so it is printed only to a
 * person at a terminal; a pipe or a file (container logs, a log collector) gets how to sign in instead.
 */
import type { Config } from '../../config'
import { signInLink } from './agents'

export function deskStartupLines(config: Pick<Config, 'deskToken' | 'deskTokenGenerated'>, base: string, terminal: boolean): string {
  if (terminal)
    return config.deskTokenGenerated
      ? `  Agent desk: ${signInLink(base, config.deskToken)}\n              (generated token; set PARLEY_DESK_TOKEN to keep one)\n`
      : `  Agent desk: ${signInLink(base, config.deskToken)}\n`
  const how = config.deskTokenGenerated
    ? 'PARLEY_DESK_TOKEN is not set: a token was generated and is not shown outside a terminal; set PARLEY_DESK_TOKEN to sign in'
    : `open ${base}/desk#token=<PARLEY_DESK_TOKEN>`
  return `  Agent desk: ${base}/desk  (${how}, or add named agents: npm run desk -- agent add "Your Name"; see docs/operations.md)\n`
}
