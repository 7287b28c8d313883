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

/** `ext`: the extension of the type found, which the served name must end with. */
export type ContentCheck = { ok: true; ext: string } | { ok: false; message: string }

const TEXT_EXT: Readonly<Record<string, string>> = { 'text/plain': 'txt', 'text/csv': 'csv', 'application/json': 'json' }

/**
 * The name with an extension of its checked type: "invoice.exe" of a PNG is served as "invoice.exe.png", so
 * the saved file opens as what it was checked to be.
 */
export function withExtension(name: string, ext: string): string {
  const current = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase()
  const same = current === ext || (ext === 'jpg' && current === 'jpeg') || (ext === 'txt' && current === 'text')
  return same ? name : `${name.slice(0, 255 - ext.length - 1)}.${ext}`
}

export async function checkContent(declared: string, bytes: Uint8Array, patterns: readonly string[]): Promise<ContentCheck> {
  if (!typeAllowed(declared, patterns)) return { ok: false, message: `Files of type ${declared} are not accepted; allowed: ${patterns.join(', ')}.` }
  const detected = await fileTypeFromBuffer(bytes)
  if (TEXT.test(declared)) {
    return !detected && isUtf8(bytes) && !bytes.includes(0) ? { ok: true, ext: TEXT_EXT[declared] ?? 'txt' } : { ok: false, message: `The file is not ${declared} text.` }
  }
  if (detected?.mime === declared) return { ok: true, ext: detected.ext }
  return { ok: false, message: `The file's content is ${detected ? detected.mime : 'of an unknown type'}, not ${declared}.` }
}
