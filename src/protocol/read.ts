/**
 * @module protocol/read
 * Small readers that narrow `unknown` field by field. Hand-written instead of a schema library because
 * the widget's size budget (10 kB before open) has no room for one, and the protocol is small.
 * Only own, known fields are read, so `__proto__` or `constructor` keys in a frame have no effect.
 */

export type Fields = Readonly<Record<string, unknown>>

/** A plain JSON object, or undefined for arrays, null and primitives. */
export function asObject(value: unknown): Fields | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  // `as` is the narrowing step itself: a non-null, non-array object is a record of unknowns
  return value as Fields
}

function own(o: Fields, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined
}

export function readString(o: Fields, key: string, maxLength = Infinity): string | undefined {
  const v = own(o, key)
  return typeof v === 'string' && v.length <= maxLength ? v : undefined
}

export function readId(o: Fields, key: string, maxLength = 64): string | undefined {
  const v = readString(o, key, maxLength)
  return v !== undefined && /^[A-Za-z0-9._:-]+$/.test(v) ? v : undefined
}

/** A non-negative safe integer. */
export function readSeq(o: Fields, key: string): number | undefined {
  const v = own(o, key)
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined
}

export function readBoolean(o: Fields, key: string): boolean | undefined {
  const v = own(o, key)
  return typeof v === 'boolean' ? v : undefined
}

export function readOneOf<T extends string>(o: Fields, key: string, values: readonly T[]): T | undefined {
  const v = own(o, key)
  return values.find((x) => x === v)
}

export function readField(o: Fields, key: string): unknown {
  return own(o, key)
}

/** Parse JSON text, refusing nesting deeper than `maxDepth` (cheap guard before JSON.parse builds it). */
export function parseJson(text: string, maxDepth = 16): { ok: true; value: unknown } | { ok: false } {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return { ok: false }
    } else if (c === 125 || c === 93) depth--
  }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}
