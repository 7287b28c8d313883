/**
 * Files with the desk upstream, over real HTTP and sockets: guest and agent uploads, the magic-byte check,
 * signed download URLs, and what "end and forget" leaves behind.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Attachment, MessageFrame } from '../../src/protocol'
import { createGuest, DESK_TOKEN, openDeskSocket, openGuestSocket, ORIGIN, startTestApp, type CreatedGuest, type TestApp } from '../test-support'

export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
const ZIP = Buffer.concat([Buffer.from('504b0304140000000800', 'hex'), Buffer.alloc(40)])
const XSS_NAME = '<img src=x onerror=alert(1)>"\'.png'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp()
})
afterEach(async () => {
  await app.app.close()
})

/** A file download over real HTTP, with keep-alive as browsers do. */
const get = (url: string | URL): Promise<Response> => fetch(url)

function upload(guest: CreatedGuest, name: string, type: string, body: Buffer) {
  return app.app.inject({
    method: 'POST',
    url: '/api/guest-sessions/current/attachments',
    headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}`, 'content-type': type, 'x-parley-file-name': encodeURIComponent(name) },
    payload: body,
  })
}

async function sendWithFile(guest: CreatedGuest, name: string, body = PNG): Promise<MessageFrame> {
  const res = await upload(guest, name, 'image/png', body)
  expect(res.statusCode).toBe(201)
  const { attachmentId } = res.json<{ attachmentId: string }>()
  const socket = await openGuestSocket(app, guest)
  await socket.next('ready')
  socket.send({ type: 'send', clientMessageId: 'f-1', text: 'my screenshot', attachments: [attachmentId] })
  const message = await socket.next('message', (m) => m.clientMessageId === 'f-1')
  socket.close()
  return message
}

describe('guest files (desk)', () => {
  it('stores an upload, sends it with the message and serves it through a signed URL', async () => {
    const guest = await createGuest(app)
    const message = await sendWithFile(guest, XSS_NAME)
    const [file] = message.attachments ?? []
    expect(file).toMatchObject({ name: XSS_NAME, type: 'image/png', size: PNG.length })
    expect(file?.url).toMatch(new RegExp(`^${app.url}/api/files/`))
    const res = await get(file?.url ?? '')
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    // the name is a header parameter, percent-encoded: no quote or angle bracket reaches the header raw
    expect(res.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent(XSS_NAME)}`)
  })

  it('a download leaves no connection that holds up a shutdown', async () => {
    for (let i = 0; i < 5; i++) {
      const guest = await createGuest(app)
      const message = await sendWithFile(guest, 'a.png')
      await (await get(message.attachments?.[0]?.url ?? '')).arrayBuffer()
      // a connection left busy makes this wait for Fastify's keepAliveTimeout (72 s): the test times out
      await app.app.close()
      app = await startTestApp()
    }
  })

  it('signs a fresh URL whenever the transcript is read again', async () => {
    const guest = await createGuest(app)
    const sent = await sendWithFile(guest, 'a.png')
    const page = await app.app.inject({ url: '/api/guest-sessions/current/messages', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
    const again = page.json<{ messages: MessageFrame[] }>().messages.find((m) => m.clientMessageId === 'f-1')
    expect(again?.attachments?.[0]?.url).toMatch(/\/api\/files\//)
    const stored = await app.store.findByKey(guest.conversationId, 'f-1')
    // the transcript itself keeps no URL (it would expire there)
    expect(stored?.type === 'message' && stored.attachments?.[0]).toEqual({ id: sent.attachments?.[0]?.id, name: 'a.png', type: 'image/png', size: PNG.length })
  })

  it.each([
    ['a tampered signature', (u: URL) => u.searchParams.set('s', `${u.searchParams.get('s')?.slice(0, -2) ?? ''}xx`)],
    ['another conversation', (u: URL) => u.searchParams.set('c', 'c_other')],
    ['a later expiry', (u: URL) => u.searchParams.set('e', String(Number(u.searchParams.get('e')) + 60))],
  ])('refuses a URL with %s', async (_what, tamper) => {
    const guest = await createGuest(app)
    const message = await sendWithFile(guest, 'a.png')
    const url = new URL(message.attachments?.[0]?.url ?? '')
    tamper(url)
    const res = await get(url)
    expect(res.status).toBe(403)
    expect((await res.json()) as unknown).toMatchObject({ code: 'link_expired' })
  })

  it.each([
    ['a ZIP declared as PNG', 'x.png', 'image/png', ZIP, /application\/zip, not image\/png/],
    ['an SVG (not an allowed type)', 'x.svg', 'image/svg+xml', Buffer.from('<svg onload="alert(1)"/>'), /not accepted/],
    ['text with NUL bytes', 'x.txt', 'text/plain', Buffer.from('a\u0000b'), /not text\/plain text/],
    ['a PNG declared as text', 'x.txt', 'text/plain', PNG, /not text\/plain text/],
  ])('refuses %s with 415 and the reason', async (_what, name, type, body, reason) => {
    const guest = await createGuest(app)
    const res = await upload(guest, name, type, body)
    expect(res.statusCode).toBe(415)
    expect(res.json()).toMatchObject({ code: 'file_refused', detail: expect.stringMatching(reason) })
  })

  it('refuses a file over PARLEY_MAX_UPLOAD_BYTES with 413', async () => {
    await app.app.close()
    app = await startTestApp({ PARLEY_MAX_UPLOAD_BYTES: '1024' })
    const guest = await createGuest(app)
    const res = await upload(guest, 'big.png', 'image/png', Buffer.concat([PNG, Buffer.alloc(2000)]))
    expect(res.statusCode).toBe(413)
  })

  it('takes plain text and serves it as a download', async () => {
    const guest = await createGuest(app)
    const res = await upload(guest, 'notes.txt', 'text/plain', Buffer.from('<script>alert(1)</script> is just text'))
    expect(res.statusCode).toBe(201)
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 't-1', text: '', attachments: [res.json<{ attachmentId: string }>().attachmentId] })
    const message = await socket.next('message', (m) => m.clientMessageId === 't-1')
    socket.close()
    const file = await get(message.attachments?.[0]?.url ?? '')
    expect(file.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it("will not send another conversation's file", async () => {
    const owner = await createGuest(app)
    const { attachmentId } = (await upload(owner, 'a.png', 'image/png', PNG)).json<{ attachmentId: string }>()
    const thief = await createGuest(app)
    const socket = await openGuestSocket(app, thief)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'x-1', text: 'mine now', attachments: [attachmentId] })
    expect(await socket.next('error', (f) => f.clientMessageId === 'x-1')).toMatchObject({ code: 'bad_frame', message: expect.stringMatching(/unknown/) })
    socket.close()
  })

  it('forgets the files with the conversation ("end and forget")', async () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-forget-'))
    await app.app.close()
    app = await startTestApp({ PARLEY_FILES_DIR: root })
    const guest = await createGuest(app)
    const message = await sendWithFile(guest, 'a.png')
    const dir = join(root, guest.conversationId)
    expect(existsSync(dir)).toBe(true)
    const res = await app.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
    expect(res.statusCode).toBe(204)
    expect(existsSync(dir)).toBe(false)
    expect((await get(message.attachments?.[0]?.url ?? '')).status).toBe(404)
  })
})

describe('agent files and rich replies (desk)', () => {
  const deskUpload = (conversationId: string, token: string) =>
    app.app.inject({
      method: 'POST',
      url: `/api/desk/conversations/${conversationId}/attachments`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-parley-file-name': 'invoice.png' },
      payload: PNG,
    })

  it('needs the desk token', async () => {
    const guest = await createGuest(app)
    expect((await deskUpload(guest.conversationId, 'wrong-token-wrong-token')).statusCode).toBe(401)
  })

  it('sends an agent file, quick replies and a card; unsafe links are left out', async () => {
    const guest = await createGuest(app)
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    const res = await deskUpload(guest.conversationId, DESK_TOKEN)
    expect(res.statusCode).toBe(201)
    const desk = await openDeskSocket(app)
    await desk.next('conversations')
    desk.ws.send(
      JSON.stringify({
        type: 'reply',
        conversationId: guest.conversationId,
        clientMessageId: 'agent-1',
        text: 'Your **invoice**',
        agentName: 'Ada',
        attachmentIds: [res.json<{ attachmentId: string }>().attachmentId],
        quickReplies: [{ text: 'Thanks', payload: 'thanks' }],
        cards: [
          {
            title: '<b>Plan</b>',
            actions: [
              { type: 'link', text: 'Evil', url: 'javascript:alert(1)' },
              { type: 'link', text: 'Open', url: 'https://example.com/plan' },
              { type: 'postback', text: 'Choose', payload: '"><script>alert(1)</script>' },
            ],
          },
        ],
      }),
    )
    const m = await socket.next('message', (f) => f.role === 'agent')
    expect(m.attachments?.[0]).toMatchObject<Partial<Attachment>>({ name: 'invoice.png', type: 'image/png' })
    expect((await get(m.attachments?.[0]?.url ?? '')).status).toBe(200)
    expect(m.quickReplies).toEqual([{ text: 'Thanks', payload: 'thanks' }])
    expect(m.cards).toEqual([
      {
        title: '<b>Plan</b>',
        actions: [
          { type: 'link', text: 'Open', url: 'https://example.com/plan' },
          { type: 'postback', text: 'Choose', payload: '"><script>alert(1)</script>' },
        ],
      },
    ])
    socket.close()
    desk.ws.close()
  })
})

describe('quick replies (desk bot)', () => {
  it('greets with quick replies and answers the chosen one by its payload', async () => {
    const guest = await createGuest(app)
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    const greeting = await socket.next('message', (m) => m.role === 'bot')
    const track = greeting.quickReplies?.find((q) => q.text === 'Track my order')
    expect(track).toBeDefined()
    socket.send({ type: 'send', clientMessageId: 'q-1', text: track?.text ?? '', reply: { kind: 'quick-reply', payload: track?.payload ?? '', messageId: greeting.id } })
    const mine = await socket.next('message', (m) => m.clientMessageId === 'q-1')
    expect(mine.reply).toEqual({ kind: 'quick-reply', payload: 'track-order', messageId: greeting.id })
    expect((await socket.next('message', (m) => m.role === 'bot')).text).toMatch(/order number/)
    socket.send({ type: 'send', clientMessageId: 'q-2', text: 'It is A-12345' })
    const answer = await socket.next('message', (m) => m.role === 'bot' && m.cards !== undefined)
    expect(answer.cards?.[0]).toMatchObject({ title: 'Order A-12345', actions: [{ type: 'link' }, { type: 'postback', payload: 'talk-to-person' }] })
    socket.close()
  })

  it('refuses a malformed reply', async () => {
    const guest = await createGuest(app)
    const socket = await openGuestSocket(app, guest)
    await socket.next('ready')
    socket.send({ type: 'send', clientMessageId: 'q-1', text: 'x', reply: { kind: 'javascript', payload: 'x' } })
    expect((await socket.next('error')).code).toBe('bad_frame')
    socket.close()
  })
})
