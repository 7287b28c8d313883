/**
 * Helpers for BFF tests: an app on 127.0.0.1 with a known config, and a guest socket whose frames can be
 * awaited one by one.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import WebSocket from 'ws'
import { parseDeskServerFrame, parseServerFrame, type DeskServerFrame, type ServerFrame } from '../src/protocol'
import { buildApp, type AppDeps, type ParleyApp } from './app'
import { loadConfig } from './config'

export const ORIGIN = 'http://app.test'
export const DESK_TOKEN = 'test-desk-token-0123456789'
export const TOKEN_SECRET = 'test-secret-test-secret-test-secret!'

export interface TestApp extends ParleyApp {
  url: string
  wsUrl: string
}

export interface TestAppOptions {
  /** Turn logging on (at `LOG_LEVEL`, default info) and write it here. */
  logStream?: NodeJS.WritableStream
  upstream?: AppDeps['upstream']
}

export async function startTestApp(env: Record<string, string> = {}, botDelayMs = 5, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    PORT: '0',
    PARLEY_ALLOWED_ORIGINS: ORIGIN,
    PARLEY_TOKEN_SECRET: TOKEN_SECRET,
    PARLEY_DESK_TOKEN: DESK_TOKEN,
    PARLEY_DIST_DIR: '/nonexistent',
    PARLEY_DRAIN_MS: '200',
    // each app its own file store, so tests never see each other's uploads
    PARLEY_FILES_DIR: mkdtempSync(join(tmpdir(), 'parley-files-')),
    ...env,
  })
  const parley = await buildApp({
    config,
    botDelayMs,
    ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
    ...(options.upstream ? { upstream: options.upstream } : {}),
  })
  await parley.app.listen({ host: '127.0.0.1', port: 0 })
  const address = parley.app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { ...parley, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` }
}

export interface CreatedGuest {
  guestId: string
  conversationId: string
  guestToken: string
  refreshToken: string
}

export async function createGuest(app: TestApp, body: unknown = {}): Promise<CreatedGuest> {
  const res = await app.app.inject({ method: 'POST', url: '/api/guest-sessions', payload: body as object, headers: { origin: ORIGIN } })
  if (res.statusCode !== 201) throw new Error(`guest creation failed: ${res.statusCode} ${res.body}`)
  return res.json<CreatedGuest>()
}

/** A socket that records every frame and lets a test wait for the next one that matches. */
export class TestSocket {
  /** Frames received and not yet taken by `next`. */
  readonly frames: ServerFrame[] = []
  readonly unparseable: string[] = []
  private waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = []
  closed: Promise<{ code: number; reason: string }>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const parsed = parseServerFrame(data.toString('utf8'))
      if (!parsed.ok) return this.unparseable.push(data.toString('utf8'))
      const i = this.waiters.findIndex((w) => w.match(parsed.value))
      const waiter = i >= 0 ? this.waiters.splice(i, 1)[0] : undefined
      if (waiter) waiter.resolve(parsed.value)
      else this.frames.push(parsed.value)
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  /** The next frame (already received or still to come) that matches. */
  next<T extends ServerFrame['type']>(type: T, match: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true, timeoutMs = 5000): Promise<Extract<ServerFrame, { type: T }>> {
    const test = (f: ServerFrame): f is Extract<ServerFrame, { type: T }> => f.type === type && match(f as Extract<ServerFrame, { type: T }>)
    const seen = this.frames.find(test)
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1)
      return Promise.resolve(seen)
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match: test,
        resolve: (f: ServerFrame) => {
          clearTimeout(timer)
          resolve(f as Extract<ServerFrame, { type: T }>)
        },
      }
      // a waiter that timed out must not swallow the frame when it comes later
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1)
        reject(new Error(`no "${type}" frame within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  close(): void {
    this.ws.close()
  }
}

/** Open a socket; resolves with the socket once open, or rejects with the refused handshake's status. */
/** `origin: null` sends no Origin header at all. */
export function openSocket(url: string, protocols: string[], origin: string | null = ORIGIN): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, origin ? { origin } : {})
    const socket = new TestSocket(ws)
    ws.on('open', () => resolve(socket))
    ws.on('unexpected-response', (req, res) => {
      // release the refused connection, or the server's close() would wait for it
      req.destroy()
      reject(new HandshakeRefused(res.statusCode ?? 0))
    })
    ws.on('error', (err) => reject(err))
  })
}

export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with ${status}`)
  }
}

/** The status a refused handshake got; throws if it was accepted. */
export async function refusal(handshake: Promise<unknown>): Promise<number> {
  try {
    await handshake
  } catch (err) {
    if (err instanceof HandshakeRefused) return err.status
    throw err
  }
  throw new Error('the handshake was accepted')
}

export async function openGuestSocket(app: TestApp, guest: CreatedGuest): Promise<TestSocket> {
  return openSocket(`${app.wsUrl}/api/socket`, ['parley.v1', `parley.token.${guest.guestToken}`])
}

/** The agent console's socket, with a way to wait for the next frame of a type. */
export function openDeskSocket(app: TestApp, token = DESK_TOKEN): Promise<{ ws: WebSocket; next: (type: DeskServerFrame['type'], match?: (f: DeskServerFrame) => boolean) => Promise<DeskServerFrame> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${app.wsUrl}/api/desk/socket`, ['parley.desk.v1', `parley.token.${token}`], { origin: ORIGIN })
    const frames: DeskServerFrame[] = []
    const waiters: { match: (f: DeskServerFrame) => boolean; resolve: (f: DeskServerFrame) => void }[] = []
    ws.on('message', (data: Buffer) => {
      const f = parseDeskServerFrame(data.toString('utf8'))
      if (!f) return
      const i = waiters.findIndex((w) => w.match(f))
      if (i >= 0) waiters.splice(i, 1)[0]?.resolve(f)
      else frames.push(f)
    })
    const next = (type: DeskServerFrame['type'], match: (f: DeskServerFrame) => boolean = () => true): Promise<DeskServerFrame> => {
      const test = (f: DeskServerFrame) => f.type === type && match(f)
      const i = frames.findIndex(test)
      if (i >= 0) return Promise.resolve(frames.splice(i, 1)[0] as DeskServerFrame)
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no desk "${type}" frame`)), 5000)
        waiters.push({ match: test, resolve: (f) => (clearTimeout(t), res(f)) })
      })
    }
    ws.on('open', () => resolve({ ws, next }))
    ws.on('unexpected-response', (req, res) => {
      // release the refused connection, or the server's close() would wait for it
      req.destroy()
      reject(new HandshakeRefused(res.statusCode ?? 0))
    })
  })
}

/** A desk account made through the admin route (as the bootstrap admin), with its one-time token. */
export async function addAgent(app: TestApp, name: string, role: 'agent' | 'admin' = 'agent'): Promise<{ agent: { id: string; name: string; role: string }; token: string; link: string }> {
  const res = await app.app.inject({ method: 'POST', url: '/api/desk/agents', headers: { authorization: `Bearer ${DESK_TOKEN}` }, payload: { name, role } })
  if (res.statusCode !== 201) throw new Error(`agent creation failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** A guest token like the BFF's own, expiring in `seconds` (shorter than the configurable minimum). */
export function signGuestToken(guest: CreatedGuest, seconds: number): Promise<string> {
  return new SignJWT({ cid: guest.conversationId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(guest.guestId)
    .setAudience('parley-socket')
    .setIssuer('parley')
    .setJti(crypto.randomUUID())
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(new TextEncoder().encode(TOKEN_SECRET))
}
