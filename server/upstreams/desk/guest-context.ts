/**
 * @module server/upstreams/desk/guest-context
 * The guest's language and device for the desk's guest panel, read from the request that created the guest.
 * Only the reduced forms are kept ("de-CH", "Chrome 131 on Android"), never the raw headers.
 *
 * The device summary is a small parser of our own: a full UA library (ua-parser-js and the like) ships
 * hundreds of patterns for a line an agent reads at a glance; the handful of browsers and systems below
 * cover what guests use, and anything else reads as "Unknown browser".
 */

/** Longer headers are not parsed at all (a real User-Agent is well under this). */
const MAX_USER_AGENT = 512
const MAX_ACCEPT_LANGUAGE = 256
/** A language tag longer than this is not one a person needs shown. */
const MAX_LANGUAGE_TAG = 35

/** The first tag of `Accept-Language`, canonical BCP 47 ("en-us" → "en-US"), or undefined. */
export function guestLanguage(header: string | undefined): string | undefined {
  if (!header || header.length > MAX_ACCEPT_LANGUAGE) return undefined
  const first = header.split(',')[0]?.split(';')[0]?.trim()
  if (!first || first === '*' || first.length > MAX_LANGUAGE_TAG) return undefined
  try {
    return Intl.getCanonicalLocales(first)[0]
  } catch {
    // not a well-formed BCP 47 tag
    return undefined
  }
}

/** Browsers in the order they must be tested: Edge, Opera and Samsung also say "Chrome", Chrome says "Safari". */
const BROWSERS: readonly (readonly [name: string, pattern: RegExp])[] = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\b(?:OPR|OPiOS)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /\b(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//],
]

const SYSTEMS: readonly (readonly [name: string, pattern: RegExp])[] = [
  ['iPhone', /\biPhone\b/],
  ['iPad', /\biPad\b/],
  ['Android', /\bAndroid\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\bMac OS X\b|\bMacintosh\b/],
  ['Linux', /\bLinux\b/],
]

/**
 * "Chrome 131 on Android", "Safari on iPhone", "Firefox 133 on Windows". Safari is named without its version
 * on iPhone and iPad, where the browser is the system's and its version says little on its own.
 */
export function guestDevice(header: string | undefined): string | undefined {
  if (!header || header.length > MAX_USER_AGENT) return undefined
  const system = SYSTEMS.find(([, p]) => p.test(header))?.[0]
  let browser: string | undefined
  for (const [name, pattern] of BROWSERS) {
    const version = pattern.exec(header)?.[1]
    if (version === undefined) continue
    browser = name === 'Safari' && (system === 'iPhone' || system === 'iPad') ? name : `${name} ${version}`
    break
  }
  if (!browser && !system) return undefined
  return system ? `${browser ?? 'Unknown browser'} on ${system}` : browser
}
