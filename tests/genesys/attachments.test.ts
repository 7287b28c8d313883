/**
 * Guest files to Genesys through the BFF's attachment route (PROTOCOL.md §3.14): `onAttachment` →
 * presigned PUT with the given headers → `UploadSuccessEvent` → the id in the next `onMessage`.
 */
import { afterEach, expect, it } from 'vitest'
import { createGuest, openGuestSocket, ORIGIN, startTestApp, type CreatedGuest, type TestApp } from '../../server/test-support'
import { createDeskUpstream } from '../../server/upstreams/desk'
import { startGenesysApp, startSimulator, until, stopStarted, track } from './harness'
import type { GenesysSimulator } from './simulator'

let sim: GenesysSimulator | undefined
let app: TestApp | undefined
afterEach(stopStarted)

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')

function upload(a: TestApp, guest: CreatedGuest, name: string, type: string, body: Buffer) {
  return a.app.inject({
    method: 'POST',
    url: '/api/guest-sessions/current/attachments',
    headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}`, 'content-type': type, 'x-parley-file-name': encodeURIComponent(name) },
    payload: body,
  })
}

/** A guest on a socket whose Genesys session the simulator holds. */
async function guestWithSession() {
  const s = await startSimulator()
  sim = s
  const a = await startGenesysApp(s)
  app = a
  const guest = await createGuest(a)
  const socket = await openGuestSocket(a, guest)
  await socket.next('ready')
  await until(() => s.sessions.size === 1, 5000, 'session')
  return { guest, socket, sim: s, app: a }
}

it('uploads a file and sends it with the next message', async () => {
  const { guest, socket, sim, app } = await guestWithSession()

  const res = await upload(app, guest, 'receipt <img src=x onerror=alert(1)>.png', 'image/png', PNG)
  expect(res.statusCode).toBe(201)
  const { attachmentId } = res.json<{ attachmentId: string }>()
  expect(sim.uploads.get(attachmentId)).toEqual(PNG)
  const onAttachment = sim.requests.find((r) => r.action === 'onAttachment')
  expect(onAttachment?.frame).toMatchObject({ attachmentId, fileName: 'receipt <img src=x onerror=alert(1)>.png', fileType: 'image/png', fileSize: PNG.length })

  socket.send({ type: 'send', clientMessageId: 'f-1', text: 'my receipt', attachments: [attachmentId] })
  await socket.next('ack', (f) => f.clientMessageId === 'f-1')
  // the echo names the file; its URL is the BFF's, which sends the browser to a fresh Genesys URL
  const mine = await socket.next('message', (m) => m.clientMessageId === 'f-1')
  expect(mine.attachments?.[0]).toMatchObject({ id: attachmentId, name: 'receipt <img src=x onerror=alert(1)>.png', type: 'image/png' })
  const link = await fetch(mine.attachments?.[0]?.url ?? '', { redirect: 'manual', headers: { connection: 'close' } })
  expect(link.status).toBe(302)
  expect(link.headers.get('location')).toBe(`${sim.url}/downloads/${attachmentId}?fresh=1`)
  expect(sim.requests.find((r) => r.action === 'getAttachment')?.frame).toMatchObject({ attachmentId })
  const followed = await fetch(mine.attachments?.[0]?.url ?? '', { headers: { connection: 'close' } })
  expect(Buffer.from(await followed.arrayBuffer())).toEqual(PNG)
  const sent = sim.requests.find((r) => r.action === 'onMessage')
  expect(JSON.stringify(sent?.frame)).toContain(`"attachment":{"id":"${attachmentId}"}`)

  // a file on its own is a message too
  const second = (await upload(app, guest, 'b.png', 'image/png', PNG)).json<{ attachmentId: string }>()
  socket.send({ type: 'send', clientMessageId: 'f-2', text: '', attachments: [second.attachmentId] })
  expect((await socket.next('ack', (f) => f.clientMessageId === 'f-2')).seq).toBeGreaterThan(0)
  socket.close()
})

it('a file the guest removes before sending is deleted at Genesys (deleteAttachment)', async () => {
  const { guest, socket, sim, app } = await guestWithSession()
  const { attachmentId } = (await upload(app, guest, 'wrong.png', 'image/png', PNG)).json<{ attachmentId: string }>()
  expect(sim.uploads.has(attachmentId)).toBe(true)
  const removed = await app.app.inject({
    method: 'DELETE',
    url: `/api/guest-sessions/current/attachments/${attachmentId}`,
    headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` },
  })
  expect(removed.statusCode).toBe(204)
  expect(sim.requests.find((r) => r.action === 'deleteAttachment')?.frame).toMatchObject({ attachmentId })
  expect(sim.uploads.has(attachmentId)).toBe(false)
  const bad = await app.app.inject({ method: 'DELETE', url: '/api/guest-sessions/current/attachments/..%2Fx%20y', headers: { origin: ORIGIN, authorization: `Bearer ${guest.guestToken}` } })
  expect(bad.statusCode).toBe(400)
  socket.close()
})

it('refuses what the session does not allow, before anything is uploaded', async () => {
  sim = await startSimulator()
  app = await startGenesysApp(sim)
  const guest = await createGuest(app)
  const socket = await openGuestSocket(app, guest)
  await socket.next('ready')
  const blocked = await upload(app, guest, 'setup.exe', 'image/png', PNG)
  expect(blocked.statusCode).toBe(415)
  const wrongType = await upload(app, guest, 'notes.pdf', 'application/pdf', PNG)
  expect(wrongType.statusCode).toBe(415)
  expect(wrongType.json()).toMatchObject({ code: 'file_refused' })
  // the path and control characters are removed from a name (issue 24); nothing left is refused
  expect((await upload(app, guest, '../../etc/\u0000\u202E', 'image/png', PNG)).statusCode).toBe(400)
  // Fastify refuses a malformed Content-Type itself
  expect((await upload(app, guest, 'x.png', 'not a type', PNG)).statusCode).toBe(415)
  expect(sim.requests.some((r) => r.action === 'onAttachment')).toBe(false)
  socket.close()
})

it('an upstream without files answers 501 and refuses attachment ids in a send', async () => {
  app = track(
    await startTestApp({}, 5, {
      upstream: (ctx) => {
        const { uploadAttachment: _none, ...desk } = createDeskUpstream(ctx)
        return desk
      },
    }),
  )
  const guest = await createGuest(app)
  expect((await upload(app, guest, 'a.png', 'image/png', PNG)).statusCode).toBe(501)
  const socket = await openGuestSocket(app, guest)
  await socket.next('ready')
  socket.send({ type: 'send', clientMessageId: 'd-1', text: 'x', attachments: ['abc'] })
  expect((await socket.next('error', (f) => f.clientMessageId === 'd-1')).code).toBe('bad_frame')
  socket.close()
})
