import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { MessageFrame } from '../src/protocol'
import { checkableType, checkContent, DEFAULT_UPLOAD_TYPES } from './file-types'
import { createFileVault } from './files'

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
const vault = () =>
  createFileVault({ dir: mkdtempSync(join(tmpdir(), 'parley-vault-')), types: DEFAULT_UPLOAD_TYPES, urlTtlSeconds: 60, maxConversationBytes: 1_000_000, maxTotalBytes: 10_000_000, secret: new TextEncoder().encode('s'.repeat(32)), maxBytes: 1000 })

afterEach(() => vi.restoreAllMocks())

describe('file vault', () => {
  it('signs URLs that stop working when their time is up', async () => {
    const files = vault()
    const put = await files.put('c_1', { name: 'a.png', type: 'image/png', bytes: PNG })
    if (!put.ok) throw new Error(put.message)
    const entry: MessageFrame = { type: 'message', seq: 1, id: 'm_1', role: 'guest', text: '', sentAt: '', attachments: [put.attachment] }
    const url = new URL(files.present('c_1', entry, 'https://chat.example').attachments?.[0]?.url ?? '')
    expect(url.origin + url.pathname).toBe(`https://chat.example/api/files/${put.attachment.id}`)
    const query = { conversationId: url.searchParams.get('c') ?? '', id: put.attachment.id, expires: Number(url.searchParams.get('e')), signature: url.searchParams.get('s') ?? '' }
    expect(files.verify(query)).toBe(true)
    expect(await files.local('c_1', put.attachment.id)).toMatchObject({ attachment: put.attachment })
    vi.spyOn(Date, 'now').mockReturnValue((query.expires + 1) * 1000)
    expect(files.verify(query)).toBe(false)
  })

  it("leaves entries without files as they are, and signs an upstream's file too (its own URL expires)", () => {
    const files = vault()
    const text: MessageFrame = { type: 'message', seq: 1, id: 'm', role: 'agent', text: 'hi', sentAt: '' }
    expect(files.present('c_1', text, 'https://x')).toBe(text)
    const genesys = { ...text, attachments: [{ id: 'g-1', name: 'a.png', type: 'image/png', size: 1, url: 'https://genesys.example/a.png' }] }
    expect(files.present('c_1', genesys, 'https://x').attachments?.[0]?.url).toMatch(/^https:\/\/x\/api\/files\/g-1\?c=c_1&e=\d+&s=/)
    // an id that cannot be signed keeps the upstream's URL
    const odd = { ...text, attachments: [{ id: 'g:1', name: 'a.png', type: 'image/png', size: 1, url: 'https://genesys.example/a.png' }] }
    expect(files.present('c_1', odd, 'https://x').attachments?.[0]?.url).toBe('https://genesys.example/a.png')
  })

  it('resolves only ids of its own conversation, and never a path', async () => {
    const files = vault()
    const put = await files.put('c_1', { name: 'a.png', type: 'image/png', bytes: PNG })
    if (!put.ok) throw new Error(put.message)
    expect(await files.resolve('c_1', [put.attachment.id])).toEqual([put.attachment])
    expect(await files.resolve('c_2', [put.attachment.id])).toBeUndefined()
    expect(await files.resolve('c_1', ['../c_1/x'])).toBeUndefined()
    expect(await files.put('c_1', { name: 'big.png', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(1000)]) })).toMatchObject({ ok: false, status: 413 })
  })
})

describe('file sweep', () => {
  it('removes the files of conversations the store no longer has', async () => {
    const files = vault()
    const ids: string[] = []
    for (const c of ['c_kept', 'c_gone']) {
      const put = await files.put(c, { name: 'a.png', type: 'image/png', bytes: PNG })
      ids.push(put.ok ? put.attachment.id : '')
    }
    expect(await files.sweep(async (id) => id === 'c_kept')).toBe(1)
    expect(await files.resolve('c_kept', [ids[0] ?? ''])).toHaveLength(1)
    expect(await files.resolve('c_gone', [ids[1] ?? ''])).toBeUndefined()
    expect(await files.sweep(async () => true)).toBe(0)
  })
})

describe('file types', () => {
  it.each([
    ['image/png', PNG, true],
    ['image/jpeg', PNG, false],
    ['application/pdf', Buffer.from('%PDF-1.4\n%\xe2\xe3\n1 0 obj\n'), true],
    ['text/plain', Buffer.from('héllo'), true],
    ['text/plain', Buffer.from([0xff, 0xfe, 0x00]), false],
  ] as const)('%s with these bytes passes: %s', async (type, bytes, ok) => {
    expect((await checkContent(type, bytes, DEFAULT_UPLOAD_TYPES)).ok).toBe(ok)
  })

  it('takes wildcards, and refuses what it cannot check in the configuration', async () => {
    expect((await checkContent('image/png', PNG, ['image/*'])).ok).toBe(true)
    expect(checkableType('image/*')).toBe(true)
    expect(checkableType('image/svg+xml')).toBe(false)
    expect(checkableType('text/html')).toBe(false)
  })
})
