/**
 * @module server/file-types
 * Which uploads the desk takes: the declared MIME type must be allowed, and the bytes must be of that type
 * (their magic bytes, read by `file-type`), so a script renamed `photo.png` is refused. Text has no magic
 * bytes: it must be valid UTF-8 without NUL and not look like any binary format.
 */
import { isUtf8 } from 'node:buffer'
import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type'
import { typeAllowed } from '../src/protocol'

export const DEFAULT_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']

const TEXT = /^(text\/(plain|csv)|application\/json)$/


/** A pattern for `PARLEY_UPLOAD_TYPES` whose files can be checked. */
export function checkableType(pattern: string): boolean {
  if (TEXT.test(pattern)) return true
  if (pattern.endsWith('/*')) return [...supportedMimeTypes].some((m) => typeAllowed(m, [pattern]))
  return supportedMimeTypes.has(pattern)
}

export type ContentCheck = { ok: true } | { ok: false; message: string }

export async function checkContent(declared: string, bytes: Uint8Array, patterns: readonly string[]): Promise<ContentCheck> {
  if (!typeAllowed(declared, patterns)) return { ok: false, message: `Files of type ${declared} are not accepted; allowed: ${patterns.join(', ')}.` }
  const detected = await fileTypeFromBuffer(bytes)
  if (TEXT.test(declared)) {
    return !detected && isUtf8(bytes) && !bytes.includes(0) ? { ok: true } : { ok: false, message: `The file is not ${declared} text.` }
  }
  if (detected?.mime === declared) return { ok: true }
  return { ok: false, message: `The file's content is ${detected ? detected.mime : 'of an unknown type'}, not ${declared}.` }
}
