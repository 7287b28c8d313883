import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from './memory'

const reply = (id: string, title = `Title ${id}`) => ({ id, title, text: `Text of ${id}`, updatedBy: 'bootstrap', updatedAt: '2026-01-01T00:00:00.000Z' })

describe('canned replies in the memory store', () => {
  it('are put, replaced, listed and deleted', async () => {
    const store = createMemoryStore()
    await store.putCannedReply(reply('cr1'))
    await store.putCannedReply(reply('cr2'))
    await store.putCannedReply(reply('cr1', 'Renamed'))
    expect((await store.listCannedReplies()).map((r) => r.title).sort()).toEqual(['Renamed', 'Title cr2'])
    expect(await store.deleteCannedReply('cr2')).toBe(true)
    expect(await store.deleteCannedReply('cr2')).toBe(false)
    expect((await store.listCannedReplies()).map((r) => r.id)).toEqual(['cr1'])
  })

  it('survive a graceful restart; a broken record in the snapshot is dropped', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-canned-')), 'state.json')
    const first = createMemoryStore({ snapshotFile: file })
    await first.putCannedReply(reply('cr1'))
    await first.close()
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { cannedReplies: unknown[] }
    saved.cannedReplies.push({ id: 'bad', title: '', text: 'no title' })
    writeFileSync(file, JSON.stringify(saved))
    const second = createMemoryStore({ snapshotFile: file })
    expect(await second.listCannedReplies()).toEqual([reply('cr1')])
    await second.close()
  })
})
