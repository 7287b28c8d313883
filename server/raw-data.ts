/**
 * @module server/raw-data
 * A ws text frame as a string, however ws delivered it (Buffer, fragments, ArrayBuffer).
 */
import type { RawData } from 'ws'

export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8')
}
