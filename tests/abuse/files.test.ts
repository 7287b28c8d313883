/**
 * Issue 24 point 2: files do not grow without bound. Quotas per conversation and in total (413); uploads
 * never sent in a message are swept after an hour, in memory mode too; the directory is Parley's own (a
 * marker, 0700, files 0600) and nothing is swept from a directory without the marker.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_UPLOAD_TYPES } from '../../server/file-types'
import { createFileVault, MARKER, UNSENT_TTL_MS } from '../../server/files'
import { createMemoryStore } from '../../server/stores/memory'
import { createGuest, ORIGIN, startTestApp } from '../../server/test-support'
import { PNG_2X2 } from '../support/png'

const vault = (dir: string, quota = { maxConversationBytes: 1_000_000, maxTotalBytes: 10_000_000 }) =>
  createFileVault({ dir, types: DEFAULT_UPLOAD_TYPES, urlTtlSeconds: 60, ...quota, secret: new TextEncoder().encode('s'.repeat(32)), maxBytes: 100_000 })
const png = { name: 'a.png', type: 'image/png', bytes: PNG_2X2 }
const freshDir = (): string => join(mkdtempSync(join(tmpdir(), 'parley-abuse-files-')), 'files')

describe('file quotas (point 2)', () => {
  it('refuses uploads past the conversation quota and past the total with 413', async () => {
    const app = await startTestApp({ PARLEY_FILES_PER_CONVERSATION_BYTES: '1024', PARLEY_FILES_TOTAL_BYTES: '1536', PARLEY_DESK_BOT: 'off' })
    try {
      const upload = (token: string) =>
        app.app.inject({ method: 'POST', url: '/api/guest-sessions/current/attachments', headers: { origin: ORIGIN, authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-parley-file-name': 'a.png' }, payload: PNG_2X2 })
      const a = await createGuest(app)
      const perFile = PNG_2X2.length
      const fits = Math.floor(1024 / perFile)
      const statuses: number[] = []
      for (let i = 0; i < fits + 2; i++) statuses.push((await upload(a.guestToken)).statusCode)
      expect(statuses.filter((s) => s === 201)).toHaveLength(fits)
      expect(statuses.slice(fits)).toEqual([413, 413])
      // another conversation fills what is left of the total, then 413 too
      const b = await createGuest(app)
      const more: number[] = []
      for (let i = 0; i < fits + 2; i++) more.push((await upload(b.guestToken)).statusCode)
      expect(more.filter((s) => s === 201).length).toBe(Math.floor((1536 - fits * perFile) / perFile))
      expect(more.at(-1)).toBe(413)
    } finally {
      await app.app.close()
    }
  })
})

describe('the sweep (point 2)', () => {
  it('removes uploads never sent after an hour and keeps sent ones; in memory mode, files of conversations retention forgot go', async () => {
    let now = Date.now()
    const store = createMemoryStore({ retentionMs: 3_600_000, now: () => now })
    const files = vault(freshDir())
    const at = new Date(now).toISOString()
    await store.createGuest(
      { guestId: 'g1', conversationId: 'c1', attributes: {}, createdAt: at, revoked: false },
      { id: 'c1', guestId: 'g1', guestName: 'A', epoch: 'e', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0, humanJoined: false, upstreamOpened: true, createdAt: at, updatedAt: at },
    )
    const sent = await files.put('c1', png)
    const unsent = await files.put('c1', png)
    if (!sent.ok || !unsent.ok) throw new Error('upload failed')
    expect(await files.resolve('c1', [sent.attachment.id])).toHaveLength(1)
    const exists = async (id: string) => (await store.getConversation(id)) !== undefined
    expect(await files.sweep(exists, Date.now())).toBe(0)
    expect(await files.sweep(exists, Date.now() + UNSENT_TTL_MS + 1000)).toBe(1)
    expect(await files.local('c1', unsent.attachment.id)).toBeUndefined()
    expect(await files.local('c1', sent.attachment.id)).toBeDefined()
    // retention forgets the conversation; the next sweep takes its folder
    now += 2 * 3_600_000
    expect(store.prune()).toBe(1)
    expect(await files.sweep(exists)).toBe(1)
    expect(await files.local('c1', sent.attachment.id)).toBeUndefined()
    await store.close()
  })

  it('makes its directory 0700 with a marker and its files 0600', async () => {
    const dir = freshDir()
    const files = vault(dir)
    const put = await files.put('c1', png)
    if (!put.ok) throw new Error(put.message)
    expect(readdirSync(dir)).toContain(MARKER)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'c1')).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'c1', put.attachment.id)).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'c1', `${put.attachment.id}.json`)).mode & 0o777).toBe(0o600)
  })

  it('sweeps nothing from a directory that has other things in it and no marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-not-ours-'))
    writeFileSync(join(dir, 'notes.txt'), 'not Parley\'s')
    const files = vault(dir)
    const put = await files.put('c1', png)
    if (!put.ok) throw new Error(put.message)
    expect(await files.sweep(async () => false, Date.now() + 10 * UNSENT_TTL_MS)).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['c1', 'notes.txt'])
  })
})
