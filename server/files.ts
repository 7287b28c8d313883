/**
 * @module server/files
 * The desk's files: uploads of guests and agents, kept under `PARLEY_FILES_DIR/<conversation>/<id>` with
 * their description beside them, handed out through short-lived signed URLs. The transcript stores an
 * attachment without a URL; `present` signs a fresh one each time an entry leaves the BFF. The URL is absolute
 * (the widget runs on other sites), on `PARLEY_PUBLIC_URL` or else the host the request came to.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Attachment, TranscriptEntry } from '../src/protocol'
import { asObject, parseJson, readSeq, readString } from '../src/protocol/read'
import type { FilesConfig } from './config'
import { checkContent, withExtension } from './file-types'

/** Conversation and file ids as this module makes them; anything else never reaches the file system. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,80}$/

export type PutResult = { ok: true; attachment: Attachment } | { ok: false; status: 413 | 415; message: string }

export interface FileVault {
  /** Keep a file for a conversation, when its type is allowed and its bytes are of that type. */
  put(conversationId: string, file: { name: string; type: string; bytes: Buffer }): Promise<PutResult>
  /** The conversation's attachments with these ids, in order; undefined when one is not the conversation's. */
  resolve(conversationId: string, ids: readonly string[]): Promise<Attachment[] | undefined>
  /** Whether a signed URL's parts are genuine and not expired. */
  verify(query: { conversationId: string; id: string; expires: number; signature: string }): boolean
  /** A file this store keeps for the conversation (an upstream's files, e.g. Genesys', are not here). */
  local(conversationId: string, id: string): Promise<{ attachment: Attachment; path: string } | undefined>
  /**
   * The entry as it may leave the BFF: each of its files with a fresh signed URL under `base` (`https://host`).
   * An upstream's file gets one too: its own URL expires, the BFF's redirects to a fresh one.
   */
  present<T extends TranscriptEntry>(conversationId: string, entry: T, base: string): T
  removeConversation(conversationId: string): Promise<void>
  /** Remove the files of conversations the store no longer has (retention let them go); resolves with how many. */
  sweep(exists: (conversationId: string) => Promise<boolean>): Promise<number>
}

export function createFileVault(options: FilesConfig & { secret: Uint8Array; maxBytes: number }): FileVault {
  const key = createHmac('sha256', options.secret).update('parley files v1').digest()
  const signature = (conversationId: string, id: string, expires: number): string =>
    createHmac('sha256', key).update(`${conversationId}/${id}/${expires}`).digest('base64url')
  const folder = (conversationId: string): string => join(options.dir, conversationId)

  async function describe(conversationId: string, id: string): Promise<Attachment | undefined> {
    if (!SAFE_ID.test(conversationId) || !SAFE_ID.test(id)) return undefined
    const raw = await readFile(join(folder(conversationId), `${id}.json`), 'utf8').catch(() => undefined)
    const parsed = raw === undefined ? undefined : parseJson(raw)
    const o = parsed?.ok ? asObject(parsed.value) : undefined
    const name = o && readString(o, 'name', 255)
    const type = o && readString(o, 'type', 200)
    const size = o && readSeq(o, 'size')
    return name && type && size !== undefined ? { id, name, type, size } : undefined
  }

  function sign(conversationId: string, attachment: Attachment, base: string): Attachment {
    const expires = Math.floor(Date.now() / 1000) + options.urlTtlSeconds
    const q = new URLSearchParams({ c: conversationId, e: String(expires), s: signature(conversationId, attachment.id, expires) })
    return { ...attachment, url: `${base}/api/files/${attachment.id}?${q.toString()}` }
  }

  return {
    async put(conversationId, file) {
      if (file.bytes.length > options.maxBytes) return { ok: false, status: 413, message: `Files are limited to ${options.maxBytes} bytes.` }
      const check = await checkContent(file.type, file.bytes, options.types)
      if (!check.ok) return { ok: false, status: 415, message: check.message }
      if (!SAFE_ID.test(conversationId)) throw new Error('unexpected conversation id')
      const attachment: Attachment = { id: randomUUID(), name: withExtension(file.name, check.ext), type: file.type, size: file.bytes.length }
      const dir = folder(conversationId)
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, attachment.id), file.bytes)
      // the description is written last and atomically: a file without one does not exist
      const temp = join(dir, `${attachment.id}.json.tmp`)
      await writeFile(temp, JSON.stringify(attachment))
      await rename(temp, join(dir, `${attachment.id}.json`))
      return { ok: true, attachment }
    },
    async resolve(conversationId, ids) {
      const out: Attachment[] = []
      for (const id of ids) {
        const a = await describe(conversationId, id)
        if (!a) return undefined
        out.push(a)
      }
      return out
    },
    verify({ conversationId, id, expires, signature: given }) {
      if (!SAFE_ID.test(conversationId) || !SAFE_ID.test(id) || expires * 1000 < Date.now()) return false
      const expected = Buffer.from(signature(conversationId, id, expires))
      const offered = Buffer.from(given)
      return offered.length === expected.length && timingSafeEqual(offered, expected)
    },
    async local(conversationId, id) {
      const attachment = await describe(conversationId, id)
      return attachment && { attachment, path: join(folder(conversationId), id) }
    },
    present(conversationId, entry, base) {
      if (entry.type !== 'message' || !entry.attachments || !SAFE_ID.test(conversationId)) return entry
      // an id the file system rule would refuse cannot be signed: its upstream URL goes out as it is
      return { ...entry, attachments: entry.attachments.map((a) => (SAFE_ID.test(a.id) ? sign(conversationId, a, base) : a)) }
    },
    async removeConversation(conversationId) {
      if (SAFE_ID.test(conversationId)) await rm(folder(conversationId), { recursive: true, force: true })
    },
    async sweep(exists) {
      let removed = 0
      for (const name of await readdir(options.dir).catch(() => [])) {
        if (!SAFE_ID.test(name) || (await exists(name))) continue
        await rm(folder(name), { recursive: true, force: true })
        removed++
      }
      return removed
    },
  }
}
