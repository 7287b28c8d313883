import { describe, expect, it } from 'vitest'
import { BffError } from '../client'
import type { Attachment } from '../protocol'
import { useUploads } from './useUploads'

const limits = { maxBytes: 1000, types: ['image/*', 'application/pdf'] }
const file = (name: string, type: string, size = 10): File => new File([new Uint8Array(size)], name, { type })

function fakeUpload() {
  const calls: { file: File; progress: (f: number) => void; resolve: (a: Attachment) => void; reject: (e: unknown) => void; aborted: boolean }[] = []
  const upload = (f: File, progress?: (fraction: number) => void) => {
    let resolve!: (a: Attachment) => void
    let reject!: (e: unknown) => void
    const done = new Promise<Attachment>((res, rej) => ((resolve = res), (reject = rej)))
    const call = { file: f, progress: progress ?? (() => undefined), resolve, reject, aborted: false }
    calls.push(call)
    return { done, abort: () => ((call.aborted = true), reject(new BffError('Cancelled.', 0, 'aborted'))) }
  }
  return { calls, upload }
}

describe('useUploads', () => {
  it('checks type and size before uploading anything, and says why', () => {
    const { calls, upload } = fakeUpload()
    const u = useUploads(upload, () => limits)
    u.add([file('a.exe', 'application/x-msdownload'), file('big.png', 'image/png', 2000), file('ok.png', 'image/png'), file('blank.pdf', 'application/pdf', 0)])
    expect(u.chips.value.map((c) => [c.name, c.error])).toEqual([
      ['a.exe', 'Files of this type are not accepted.'],
      ['big.png', 'Larger than 1 kB.'],
      ['ok.png', undefined],
      ['blank.pdf', 'The file is empty.'],
    ])
    expect(calls.map((c) => c.file.name)).toEqual(['ok.png'])
  })

  it('shows progress, hands over finished files once, and cancels', async () => {
    const { calls, upload } = fakeUpload()
    const u = useUploads(upload, () => limits)
    u.add([file('a.png', 'image/png'), file('b.png', 'image/png')])
    calls[0]?.progress(0.5)
    expect(u.chips.value[0]?.progress).toBe(0.5)
    expect(u.busy.value).toBe(true)
    calls[0]?.resolve({ id: 'id-a', name: 'a.png', type: 'image/png', size: 10 })
    u.remove(u.chips.value[1]?.key ?? -1)
    expect(calls[1]?.aborted).toBe(true)
    await Promise.resolve()
    expect(u.busy.value).toBe(false)
    expect(u.take()).toEqual([{ id: 'id-a', name: 'a.png', type: 'image/png', size: 10 }])
    expect(u.chips.value).toEqual([])
  })

  it("shows the BFF's reason when it refuses a file", async () => {
    const { calls, upload } = fakeUpload()
    const u = useUploads(upload, () => limits)
    u.add([file('x.png', 'image/png')])
    calls[0]?.reject(new BffError("The file's content is application/zip, not image/png.", 415, 'file_refused'))
    await new Promise((r) => setTimeout(r))
    expect(u.chips.value[0]?.error).toBe("The file's content is application/zip, not image/png.")
    expect(u.take()).toEqual([])
  })

  it('takes no files where the contact centre takes none, and at most 10 per message', () => {
    const none = useUploads(fakeUpload().upload, () => undefined)
    none.add([file('a.png', 'image/png')])
    expect(none.chips.value[0]?.error).toBe('Files cannot be sent in this chat.')
    const many = useUploads(fakeUpload().upload, () => limits)
    many.add(Array.from({ length: 11 }, (_, i) => file(`${i}.png`, 'image/png')))
    expect(many.chips.value.at(-1)?.error).toBe('At most 10 files per message.')
  })
})
