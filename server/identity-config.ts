/**
 * @module server/identity-config
 * The host-signed identity settings (`PARLEY_IDENTITY_*`, docs/identity.md), parsed with the rest of the
 * config. Either a shared secret (HS256) or the host's JWKS URL; issuer and audience are checked when set.
 */

export interface IdentityConfig {
  /** `PARLEY_IDENTITY_SECRET`: HS256 with this key (at least 32 bytes). */
  secret: Uint8Array | undefined
  /** `PARLEY_IDENTITY_JWKS_URL`: the host's public keys (ES256, RS256, PS256 or EdDSA). */
  jwksUrl: URL | undefined
  issuer: string | undefined
  audience: string | undefined
}

type Env = Readonly<Record<string, string | undefined>>

/** The identity settings, or undefined when the deployment takes no identity tokens. */
export function loadIdentityConfig(env: Env, problems: string[]): IdentityConfig | undefined {
  const rawSecret = env.PARLEY_IDENTITY_SECRET || undefined
  const rawJwks = env.PARLEY_IDENTITY_JWKS_URL || undefined
  const issuer = env.PARLEY_IDENTITY_ISSUER || undefined
  const audience = env.PARLEY_IDENTITY_AUDIENCE || undefined
  if (!rawSecret && !rawJwks) {
    if (issuer || audience) problems.push('PARLEY_IDENTITY_ISSUER / PARLEY_IDENTITY_AUDIENCE need PARLEY_IDENTITY_SECRET or PARLEY_IDENTITY_JWKS_URL.')
    return undefined
  }
  if (rawSecret && rawJwks) problems.push('Set one of PARLEY_IDENTITY_SECRET and PARLEY_IDENTITY_JWKS_URL, not both (the algorithms are pinned to one kind of key).')
  if (rawSecret && Buffer.byteLength(rawSecret) < 32) problems.push('PARLEY_IDENTITY_SECRET must be at least 32 bytes long.')
  let jwksUrl: URL | undefined
  if (rawJwks) {
    try {
      jwksUrl = new URL(rawJwks)
    } catch {
      jwksUrl = undefined
    }
    const loopback = jwksUrl && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(jwksUrl.hostname)
    // the keys decide who is who: plain http only on the machine itself
    if (!jwksUrl || !(jwksUrl.protocol === 'https:' || (jwksUrl.protocol === 'http:' && loopback)))
      problems.push(`PARLEY_IDENTITY_JWKS_URL must be an https URL (http only on localhost) (got "${rawJwks}").`)
  }
  for (const [name, value] of [['PARLEY_IDENTITY_ISSUER', issuer], ['PARLEY_IDENTITY_AUDIENCE', audience]] as const)
    if (value !== undefined && (value.length > 500 || /[\u0000-\u001f]/.test(value))) problems.push(`${name} must be at most 500 characters with no control characters.`)
  return { secret: rawSecret ? new TextEncoder().encode(rawSecret) : undefined, jwksUrl, issuer, audience }
}
