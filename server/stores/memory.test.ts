import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from './memory'
import type { ConversationRecord, GuestRecord } from './types'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
  dirs.push(dir)
  return join(dir, 'data', 'store.json')
}

const at = '2026-11-21T10:00:00.000Z'
const guest: GuestRecord = { guestId: 'g1', conversationId: 'c1', attributes: { plan: 'gold' }, createdAt: at, revoked: false, displayName: 'Ana' }
const conversation: ConversationRecord = {
  id: 'c1', guestId: 'g1', guestName: 'Ana', epoch: 'ep1', status: 'open', lastSeq: 0, deskReadSeq: 0, deliveredSeq: 0,
  humanJoined: false, upstreamOpened: true, createdAt: at, updatedAt: at,
}
const message = (text: string, clientMessageId?: string) => ({
  type: 'message' as const, id: `m-${text}`, role: 'guest' as const, text, sentAt: at, ...(clientMessageId ? { clientMessageId } : {}),
})

describe('memory store snapshot', () => {
  it('keeps guests, refresh tokens, conversations, transcripts and dedup keys across close and reopen', async () => {
    const file = tempFile()
    const a = createMemoryStore({ snapshotFile: file })
    await a.createGuest(guest, conversation)
    await a.append('c1', message('one', 'k1'), 'k1')
    await a.append('c1', message('two', 'k2'), 'k2')
    await a.updateConversation('c1', { deliveredSeq: 2 })
    await a.putRefreshToken('h1', { guestId: 'g1', family: 'f1', expiresAt: Date.now() + 60_000, used: false })
    await a.putRefreshToken('old', { guestId: 'g1', family: 'f0', expiresAt: Date.now() - 1, used: false })
    await a.revokeFamily('f9')
    await a.close()
    expect(existsSync(file)).toBe(true)

    const b = createMemoryStore({ snapshotFile: file })
    expect(await b.getGuest('g1')).toEqual(guest)
    expect(await b.getConversation('c1')).toMatchObject({ lastSeq: 2, deliveredSeq: 2, epoch: 'ep1' })
    expect((await b.readAfter('c1', 0, 10)).map((e) => e.seq)).toEqual([1, 2])
    expect(await b.append('c1', message('two again', 'k2'), 'k2')).toMatchObject({ duplicate: true, entry: { seq: 2 } })
    expect((await b.append('c1', message('three', 'k3'), 'k3')).entry.seq).toBe(3)
    expect(await b.useRefreshToken('h1')).toMatchObject({ family: 'f1', used: false })
    expect(await b.useRefreshToken('old')).toBeUndefined()
    expect(await b.isFamilyRevoked('f9')).toBe(true)
    await b.close()
  })

  it('moves an unreadable snapshot aside and starts empty instead of crashing', async () => {
    const file = tempFile()
    await createMemoryStore({ snapshotFile: file }).close()
    writeFileSync(file, '{"version":1,"guests":[{"guestId":')
    let moved = ''
    const store = createMemoryStore({ snapshotFile: file, onSnapshotError: (_err, to) => (moved = to) })
    expect(moved).toMatch(/store\.json\.unreadable-\d+$/)
    expect(readdirSync(join(file, '..'))).toContain(moved.split('/').at(-1))
    expect(await store.listConversations()).toEqual([])
  })

  it('drops records that do not parse and a transcript whose seqs have a gap, with its conversation', async () => {
    const file = tempFile()
    await createMemoryStore({ snapshotFile: file }).close()
    const entry = (seq: number) => ({ ...message(`m${seq}`), seq })
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        guests: [guest, { guestId: 'bad id with spaces' }, { __proto__: { polluted: true } }],
        refresh: [['h', { guestId: 'g1', family: 'f', expiresAt: 'soon', used: false }]],
        revokedFamilies: ['f2', 7],
        conversations: [conversation, { ...conversation, id: 'c2' }],
        transcripts: [['c1', { entries: [entry(1), entry(2)], dedup: [] }], ['c2', { entries: [entry(1), entry(3)], dedup: [] }]],
      }),
    )
    const store = createMemoryStore({ snapshotFile: file })
    expect((await store.listConversations()).map((c) => c.id)).toEqual(['c1'])
    expect(await store.getGuest('g1')).toEqual(guest)
    expect(await store.useRefreshToken('h')).toBeUndefined()
    expect(await store.isFamilyRevoked('f2')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
