/**
 * Guessing desk tokens (issue 24): failed sign-ins are counted per client address, on the socket upgrade
 * and on the desk's HTTP routes alike; past a handful the address gets 429 with `Retry-After`, before
 * its token is even looked at, while other addresses and the guests carry on.
 */
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { addAgent, DESK_TOKEN, openDeskSocket, ORIGIN, type TestApp } from '../../server/test-support'
import { SIGN_IN_FAILURES } from '../../server/upstreams/desk'
import { abuseApp } from './healthy'

let app: TestApp
abuseApp((a) => (app = a))

/** A desk upgrade from 127.0.0.1: the refused handshake's status and Retry-After (101 when it opened). */
function upgrade(token: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${app.wsUrl}/api/desk/socket`, ['parley.desk.v1', `parley.token.${token}`], { origin: ORIGIN })
    ws.on('unexpected-response', (req, res) => {
      const retryAfter = res.headers['retry-after']
      req.destroy()
      resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined })
    })
    ws.on('open', () => {
      ws.close()
      resolve({ status: 101, retryAfter: undefined })
    })
    ws.on('error', (err) => (ws.readyState === ws.CLOSED ? undefined : reject(err)))
  })
}

const listAgents = (token: string, remoteAddress: string) =>
  app.app.inject({ method: 'GET', url: '/api/desk/agents', headers: { authorization: `Bearer ${token}` }, remoteAddress })

describe('desk sign-in guessing', () => {
  it('refuses socket upgrades with 429 and Retry-After after a handful of wrong tokens, even the right token then', async () => {
    const ada = await addAgent(app, 'Ada')
    const statuses: number[] = []
    for (let i = 0; i < SIGN_IN_FAILURES + 5; i++) statuses.push((await upgrade(`agt_guess${i}.not-the-secret-${i}`)).status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(SIGN_IN_FAILURES - 1)
    expect(statuses.slice(SIGN_IN_FAILURES - 1).every((s) => s === 429)).toBe(true)
    const blocked = await upgrade(ada.token)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0)
    // the desk's HTTP routes count against the same address
    const http = await listAgents(DESK_TOKEN, '127.0.0.1')
    expect(http.statusCode).toBe(429)
    expect(Number(http.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('counts failures on the HTTP routes per address: one guesser does not lock out another address', async () => {
    const codes: number[] = []
    for (let i = 0; i < SIGN_IN_FAILURES + 2; i++) codes.push((await listAgents(`wrong-token-${i}-wrong-token`, '198.51.100.7')).statusCode)
    expect(codes.at(-1)).toBe(429)
    expect(codes.filter((c) => c === 401).length).toBeLessThan(SIGN_IN_FAILURES)
    expect((await listAgents(DESK_TOKEN, '198.51.100.8')).statusCode).toBe(200)
    // a desk agent signing in over the socket from elsewhere is unaffected
    const desk = await openDeskSocket(app)
    await desk.next('hello')
    desk.ws.close()
  })

  it('reads no upload body of a wrong token: refused before the body', async () => {
    // past the upload limit (10 MiB): a route that read the body first would answer 413, not 401
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/desk/conversations/c_x/attachments',
      headers: { authorization: 'Bearer nope-nope-nope-nope', 'content-type': 'image/png', 'x-parley-file-name': 'a.png' },
      payload: Buffer.alloc(10 * 1024 * 1024 + 1),
      remoteAddress: '198.51.100.9',
    })
    expect(res.statusCode).toBe(401)
  })
})

describe('desk sign-in guessing, with PARLEY_DESK_SIGNIN_FAILURES=3', () => {
  let strict: TestApp
  abuseApp((a) => (strict = a), { PARLEY_DESK_SIGNIN_FAILURES: '3' })

  it('refuses the address after the third wrong token', async () => {
    const codes: number[] = []
    for (let i = 0; i < 5; i++)
      codes.push((await strict.app.inject({ method: 'GET', url: '/api/desk/agents', headers: { authorization: `Bearer wrong-token-${i}-wrong-token` }, remoteAddress: '198.51.100.20' })).statusCode)
    expect(codes).toEqual([401, 401, 429, 429, 429])
  })
})
