import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore, StoreFullError } from './memory'
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

describe('memory store retention and caps (issue 24 point 1)', () => {
  const HOUR = 3_600_000
  const make = (id: string, at: number): [GuestRecord, ConversationRecord] => {
    const iso = new Date(at).toISOString()
    return [
      { ...guest, guestId: `g${id}`, conversationId: `c${id}`, createdAt: iso },
      { ...conversation, id: `c${id}`, guestId: `g${id}`, createdAt: iso, updatedAt: iso },
    ]
  }

  it('forgets idle conversations, their guests and transcripts, expired refresh records and old revoked families', async () => {
    let t = Date.parse(at)
    const store = createMemoryStore({ retentionMs: 2 * HOUR, now: () => t })
    await store.createGuest(...make('old', t))
    await store.append('cold', message('x')).catch(() => undefined)
    await store.putRefreshToken('used', { guestId: 'gold', family: 'f1', expiresAt: t + HOUR, used: true })
    await store.revokeFamily('f1')
    t += HOUR
    await store.createGuest(...make('new', t))
    t += 1.5 * HOUR
    expect(store.prune()).toBe(1)
    expect(await store.getConversation('cold')).toBeUndefined()
    expect(await store.getGuest('gold')).toBeUndefined()
    expect(await store.readAfter('cold', 0, 10)).toEqual([])
    expect(await store.getGuest('gnew')).toBeDefined()
    // the used refresh record has expired and is gone; the family is remembered for a day
    expect(await store.useRefreshToken('used')).toBeUndefined()
    expect(await store.isFamilyRevoked('f1')).toBe(true)
    t += 25 * HOUR
    store.prune()
    expect(await store.isFamilyRevoked('f1')).toBe(false)
    await store.close()
  })

  it('at the guest cap evicts the oldest idle conversation, or refuses with StoreFullError when none is idle', async () => {
    let t = Date.parse(at)
    const store = createMemoryStore({ maxGuests: 2, now: () => t })
    await store.createGuest(...make('a', t))
    await store.createGuest(...make('b', t))
    await expect(store.createGuest(...make('c', t))).rejects.toBeInstanceOf(StoreFullError)
    t += 20 * 60_000
    await store.append('cb', message('keeps b active'))
    await store.createGuest(...make('c', t))
    expect(await store.getConversation('ca')).toBeUndefined()
    expect(await store.getConversation('cb')).toBeDefined()
    await store.close()
  })

  it('keeps transcript bytes under the cap by evicting idle conversations, and refuses when none is idle', async () => {
    let t = Date.parse(at)
    const store = createMemoryStore({ maxStoredBytes: 40_000, now: () => t })
    await store.createGuest(...make('a', t))
    await store.createGuest(...make('b', t))
    for (let i = 0; i < 5; i++) await store.append('ca', message(`${i}${'a'.repeat(3000)}`))
    await expect(store.append('cb', message('b'.repeat(6000)))).rejects.toBeInstanceOf(StoreFullError)
    t += 20 * 60_000
    await store.append('cb', message('b'.repeat(6000)))
    expect(await store.getConversation('ca')).toBeUndefined()
    await store.close()
  })

  it('"end and forget" removes the guest too; the desk list is newest first and paged at 1,000', async () => {
    let t = Date.parse(at)
    const store = createMemoryStore({ now: () => t })
    for (let i = 0; i < 1005; i++) {
      await store.createGuest(...make(String(i), t))
      t += 1000
    }
    const list = await store.listConversations()
    expect(list).toHaveLength(1000)
    expect(list[0]?.id).toBe('c1004')
    await store.deleteConversation('c1004')
    expect(await store.getGuest('g1004')).toBeUndefined()
    await store.close()
  })
})
