/**
 * Issue 24 points 7 and 8: an upload's bearer is checked before its body is read, uploads in flight are
 * capped per guest and in total, and a file name cannot disguise the file (bidi and control characters
 * are removed, the served name ends with the extension of the checked type).
 */
import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createGuest, ORIGIN, type TestApp } from '../../server/test-support'
import { PNG_2X2 } from '../support/png'
import { abuseApp } from './healthy'

let app: TestApp
abuseApp((a) => (app = a), { PARLEY_UPLOADS_PER_GUEST: '2', PARLEY_UPLOADS_TOTAL: '3' })

const URL_PATH = '/api/guest-sessions/current/attachments'

/** An upload that announces `length` bytes and sends only the first few: resolves with the status, if any comes within `waitMs`. */
function trickle(port: number, token: string, length = 5 * 1024 * 1024, waitMs = 3000): Promise<{ status: number | undefined; sock: Socket }> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port })
    sock.on('error', () => undefined)
    let head = ''
    const timer = setTimeout(() => resolve({ status: undefined, sock }), waitMs)
    sock.on('data', (d: Buffer) => {
      head += d.toString('latin1')
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head)
      if (m) {
        clearTimeout(timer)
        resolve({ status: Number(m[1]), sock })
      }
    })
    sock.write(
      `POST ${URL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${ORIGIN}\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: image/png\r\nX-Parley-File-Name: a.png\r\nContent-Length: ${length}\r\n\r\n`,
    )
    sock.write(Buffer.alloc(1024))
  })
}

const upload = (token: string, name: string, bytes: Buffer = PNG_2X2) =>
  app.app.inject({ method: 'POST', url: URL_PATH, headers: { origin: ORIGIN, authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-parley-file-name': encodeURIComponent(name) }, payload: bytes })

describe('uploads are authenticated before the body (point 7)', () => {
  it('a bogus bearer gets 401 at once, without the server waiting for its megabytes', async () => {
    const started = Date.now()
    const { status, sock } = await trickle(Number(new URL(app.url).port), 'not-a-token')
    sock.destroy()
    expect(status).toBe(401)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('caps uploads in flight: 2 per guest, 3 in total; the next gets 429 with Retry-After at once; places come back', async () => {
    const port = Number(new URL(app.url).port)
    const [a, b] = await Promise.all([createGuest(app), createGuest(app)])
    const held = [await trickle(port, a.guestToken, undefined, 300), await trickle(port, a.guestToken, undefined, 300)]
    expect(held.map((h) => h.status)).toEqual([undefined, undefined])
    const third = await trickle(port, a.guestToken)
    expect(third.status).toBe(429)
    third.sock.destroy()
    // another guest still has a place, up to the total
    const other = await trickle(port, b.guestToken, undefined, 300)
    expect(other.status).toBeUndefined()
    const overTotal = await trickle(port, b.guestToken)
    expect(overTotal.status).toBe(429)
    overTotal.sock.destroy()
    for (const h of [...held, other]) h.sock.destroy()
    // the clients went away mid-body: their places are free again
    await expect.poll(async () => (await upload(a.guestToken, 'ok.png')).statusCode, { timeout: 3000 }).toBe(201)
  })
})

describe('file names (point 8)', () => {
  it('strips bidi and control characters, and serves the name with the extension of the checked type', async () => {
    const guest = await createGuest(app)
    const res = await upload(guest.guestToken, 'invoice\u202Egnp.exe')
    expect(res.statusCode).toBe(201)
    const { attachmentId } = res.json<{ attachmentId: string }>()
    const resolved = await upload(guest.guestToken, 'tab\tand\u2066isolate\u2069.png')
    expect(resolved.statusCode).toBe(201)
    // the desk keeps the files; read their descriptions as a message would carry them
    const { WebSocket } = await import('ws')
    const ws = new WebSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${guest.guestToken}`], { origin: ORIGIN })
    await new Promise((resolve) => ws.once('open', resolve))
    ws.send(JSON.stringify({ type: 'send', clientMessageId: 'f1', text: '', attachments: [attachmentId, resolved.json<{ attachmentId: string }>().attachmentId] }))
    await expect.poll(async () => (await app.store.readAfter(guest.conversationId, 0, 10)).length).toBeGreaterThan(0)
    ws.close()
    const [entry] = await app.store.readAfter(guest.conversationId, 0, 10)
    const names = entry?.type === 'message' ? (entry.attachments ?? []).map((a) => a.name) : []
    expect(names).toEqual(['invoicegnp.exe.png', 'tabandisolate.png'])
    for (const name of names) expect(name).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/)
  })
})
