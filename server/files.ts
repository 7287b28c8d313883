/**
 * @module server/files
 * The desk's files: uploads of guests and agents, kept under `PARLEY_FILES_DIR/<conversation>/<id>` with
 * their description beside them, handed out through short-lived signed URLs. The transcript stores an
 * attachment without a URL; `present` signs a fresh one each time an entry leaves the BFF. The URL is absolute
 * (the widget runs on other sites), on `PARLEY_PUBLIC_URL` or else the host the request came to.
 *
 * Nothing grows without bound: each conversation and the whole directory have a byte quota, an upload never
 * sent in a message is removed after an hour, and the files of forgotten conversations go too. The directory
 * is Parley's alone: it is created 0700 with a marker file, files are 0600, and the sweep deletes nothing in a
 * directory without the marker (a PARLEY_FILES_DIR pointed at a folder with other things in it).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Attachment, TranscriptEntry } from '../src/protocol'
import { asObject, parseJson, readBoolean, readSeq, readString } from '../src/protocol/read'
import type { FilesConfig } from './config'
import { checkContent, withExtension } from './file-types'

/** Conversation and file ids as this module makes them; anything else never reaches the file system. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,80}$/
/** Marks the directory as Parley's own: without it, nothing is ever swept from it. */
export const MARKER = '.parley-files'
/** An upload not sent in a message by then is removed. */
export const UNSENT_TTL_MS = 3_600_000

/** What `${id}.json` holds: the attachment, whether a message carries it, and when it came. */
interface Description extends Attachment {
  sent?: boolean
  uploadedAt?: number
}

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
  /**
   * Remove the files of conversations the store no longer has (retention let them go) and uploads never sent
   * in a message within UNSENT_TTL_MS; resolves with how many files and folders went. Nothing without the marker.
   */
  sweep(exists: (conversationId: string) => Promise<boolean>, now?: number): Promise<number>
}

export function createFileVault(options: FilesConfig & { secret: Uint8Array; maxBytes: number }): FileVault {
  const key = createHmac('sha256', options.secret).update('parley files v1').digest()
  const signature = (conversationId: string, id: string, expires: number): string =>
    createHmac('sha256', key).update(`${conversationId}/${id}/${expires}`).digest('base64url')
  const folder = (conversationId: string): string => join(options.dir, conversationId)

  /** Whether the directory is Parley's: made here with the marker, or already carrying it. */
  const dedicated: Promise<boolean> = (async () => {
    await mkdir(options.dir, { recursive: true, mode: 0o700 })
    const marker = join(options.dir, MARKER)
    if (await stat(marker).then(() => true, () => false)) return true
    if ((await readdir(options.dir)).length > 0) return false
    await writeFile(marker, 'Parley keeps uploaded files here and deletes what it no longer needs. Put nothing else in this folder.\n', { mode: 0o600 })
    await chmod(options.dir, 0o700)
    return true
  })().catch(() => false)

  async function describeFull(conversationId: string, id: string): Promise<Description | undefined> {
    if (!SAFE_ID.test(conversationId) || !SAFE_ID.test(id)) return undefined
    const raw = await readFile(join(folder(conversationId), `${id}.json`), 'utf8').catch(() => undefined)
    const parsed = raw === undefined ? undefined : parseJson(raw)
    const o = parsed?.ok ? asObject(parsed.value) : undefined
    const name = o && readString(o, 'name', 255)
    const type = o && readString(o, 'type', 200)
    const size = o && readSeq(o, 'size')
    if (!o || !name || !type || size === undefined) return undefined
    // descriptions written before `sent` existed count as sent: they are never swept as unsent
    const sent = readBoolean(o, 'sent') !== false
    const uploadedAt = readSeq(o, 'uploadedAt')
    return { id, name, type, size, sent, ...(uploadedAt !== undefined ? { uploadedAt } : {}) }
  }
  async function describe(conversationId: string, id: string): Promise<Attachment | undefined> {
    const d = await describeFull(conversationId, id)
    return d && { id: d.id, name: d.name, type: d.type, size: d.size }
  }
  /** The descriptions of a conversation's files. */
  async function listed(conversationId: string): Promise<Description[]> {
    const names = await readdir(folder(conversationId)).catch(() => [])
    const out: Description[] = []
    for (const n of names) {
      if (!n.endsWith('.json')) continue
      const d = await describeFull(conversationId, n.slice(0, -5))
      if (d) out.push(d)
    }
    return out
  }
  async function writeDescription(conversationId: string, d: Description): Promise<void> {
    const dir = folder(conversationId)
    // written atomically: a file without its description does not exist
    const temp = join(dir, `${d.id}.json.tmp`)
    await writeFile(temp, JSON.stringify(d), { mode: 0o600 })
    await rename(temp, join(dir, `${d.id}.json`))
  }
  async function removeFile(conversationId: string, id: string): Promise<void> {
    await rm(join(folder(conversationId), `${id}.json`), { force: true })
    await rm(join(folder(conversationId), id), { force: true })
  }

  /** Bytes in the whole directory: counted once from the descriptions, then kept up to date (this node's view). */
  let total = 0
  let counted: Promise<void> | undefined
  const countTotal = (): Promise<void> =>
    (counted ??= (async () => {
      let sum = 0
      for (const c of await readdir(options.dir).catch(() => [])) if (SAFE_ID.test(c)) for (const d of await listed(c)) sum += d.size
      total += sum
    })())
  const addTotal = (delta: number): void => {
    total = Math.max(0, total + delta)
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
      const size = file.bytes.length
      const used = (await listed(conversationId)).reduce((n, d) => n + d.size, 0)
      if (used + size > options.maxConversationBytes)
        return { ok: false, status: 413, message: `This conversation's files are limited to ${options.maxConversationBytes} bytes in all.` }
      await countTotal()
      // checked and counted in one synchronous step, so parallel uploads cannot all pass the check
      if (total + size > options.maxTotalBytes) return { ok: false, status: 413, message: 'The file store is full; try again later.' }
      addTotal(size)
      const attachment: Attachment = { id: randomUUID(), name: withExtension(file.name, check.ext), type: file.type, size }
      await dedicated
      const dir = folder(conversationId)
      await mkdir(dir, { recursive: true, mode: 0o700 })
      await writeFile(join(dir, attachment.id), file.bytes, { mode: 0o600 })
      // the description is written last: a file without one does not exist
      await writeDescription(conversationId, { ...attachment, sent: false, uploadedAt: Date.now() })
      return { ok: true, attachment }
    },
    async resolve(conversationId, ids) {
      const out: Description[] = []
      for (const id of ids) {
        const d = await describeFull(conversationId, id)
        if (!d) return undefined
        out.push(d)
      }
      // a message carries them now: the unsent-upload sweep leaves them alone
      for (const d of out) if (!d.sent) await writeDescription(conversationId, { ...d, sent: true })
      return out.map((d) => ({ id: d.id, name: d.name, type: d.type, size: d.size }))
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
      if (!SAFE_ID.test(conversationId)) return
      const freed = (await listed(conversationId)).reduce((n, d) => n + d.size, 0)
      await rm(folder(conversationId), { recursive: true, force: true })
      addTotal(-freed)
    },
    async sweep(exists, now = Date.now()) {
      if (!(await dedicated)) return 0
      let removed = 0
      for (const name of await readdir(options.dir).catch(() => [])) {
        if (!SAFE_ID.test(name)) continue
        const files = await listed(name)
        if (!(await exists(name))) {
          await rm(folder(name), { recursive: true, force: true })
          addTotal(-files.reduce((n, d) => n + d.size, 0))
          removed++
          continue
        }
        for (const d of files) {
          if (d.sent || (d.uploadedAt ?? now) > now - UNSENT_TTL_MS) continue
          await removeFile(name, d.id)
          addTotal(-d.size)
          removed++
        }
      }
      return removed
    },
  }
}
