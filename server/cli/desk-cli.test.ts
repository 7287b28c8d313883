import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGuest, DESK_TOKEN, openDeskSocket, openGuestSocket, startTestApp, type TestApp } from '../test-support'
import { parseArgs, runDeskCli } from './desk-cli'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp()
})
afterEach(() => app.app.close())

/** Runs the CLI against the test app as an operator would in memory mode: over HTTP, as the bootstrap admin. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const env = { PARLEY_URL: app.url, PARLEY_DESK_TOKEN: DESK_TOKEN, PARLEY_TOKEN_SECRET: 'x'.repeat(32) }
  const code = await runDeskCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('npm run desk -- agent …', () => {
  it('adds an agent and prints a sign-in link that works once, lists and revokes it', async () => {
    const added = await cli('agent', 'add', 'Ada Lovelace', '--role', 'admin')
    expect(added.code).toBe(0)
    const link = /(\S+\/desk#token=(\S+))/.exec(added.out)
    const token = decodeURIComponent(link?.[2] ?? '')
    expect(token).toMatch(/^agt_[\w-]+\.[\w-]{43}$/)
    const desk = await openDeskSocket(app, token)
    const hello = await desk.next('hello')
    expect(hello).toMatchObject({ agent: { name: 'Ada Lovelace', role: 'admin' } })
    const id = hello.type === 'hello' ? hello.agent.id : ''

    const listed = await cli('agent', 'list')
    expect(listed.out).toContain(id)
    expect(listed.out).toContain('Ada Lovelace')
    expect(listed.out).not.toContain(token.split('.')[1])

    const closed = new Promise<number>((resolve) => desk.ws.once('close', (code) => resolve(code)))
    expect((await cli('agent', 'revoke', id)).code).toBe(0)
    expect(await closed).toBe(4003)
    expect((await cli('agent', 'list')).out).toContain('revoked')
    expect((await cli('agent', 'revoke', 'agt_nobody')).code).toBe(1)
  })

  it('refuses what is not a command, a name or a role', () => {
    expect(parseArgs(['agent', 'add', 'Ada', '--role', 'root'])).toBeTypeOf('string')
    expect(parseArgs(['agent', 'add', '\u202E'])).toBeTypeOf('string')
    expect(parseArgs(['agent', 'add', 'Ada', 'Lovelace'])).toEqual({ op: 'add', name: 'Ada Lovelace', role: 'agent' })
    expect(parseArgs(['user', 'list'])).toBeTypeOf('string')
  })

  it('takes an https avatar, and refuses any other', () => {
    expect(parseArgs(['agent', 'add', 'Ada', '--avatar', 'https://cdn.example.com/ada.png'])).toEqual({ op: 'add', name: 'Ada', role: 'agent', avatarUrl: 'https://cdn.example.com/ada.png' })
    for (const bad of ['http://cdn.example.com/ada.png', 'javascript:alert(1)', 'https://user:pw@cdn.example.com/a.png', 'ada.png', `https://e.com/${'a'.repeat(2048)}`])
      expect(parseArgs(['agent', 'add', 'Ada', '--avatar', bad])).toBeTypeOf('string')
    expect(parseArgs(['agent', 'add', 'Ada', '--avatar'])).toBeTypeOf('string')
  })

  it("an agent added with an avatar: the guest's frames carry it when she joins, writes and types", async () => {
    const avatar = 'https://cdn.example.com/avatars/ada.png'
    const added = await cli('agent', 'add', 'Ada Lovelace', '--avatar', avatar)
    expect(added.code).toBe(0)
    const token = decodeURIComponent(/desk#token=(\S+)/.exec(added.out)?.[1] ?? '')
    const guest = await createGuest(app)
    const g = await openGuestSocket(app, guest)
    await g.next('ready')
    g.send({ type: 'send', clientMessageId: 'a1', text: 'Hello?' })
    await g.next('ack')
    const desk = await openDeskSocket(app, token)
    await desk.next('hello')
    desk.ws.send(JSON.stringify({ type: 'take', conversationId: guest.conversationId }))
    expect(await g.next('event', (e) => e.kind === 'agent-joined')).toMatchObject({ author: { name: 'Ada Lovelace', avatarUrl: avatar } })
    desk.ws.send(JSON.stringify({ type: 'typing', conversationId: guest.conversationId, active: true }))
    expect(await g.next('typing', (t) => t.role === 'agent')).toMatchObject({ author: { name: 'Ada Lovelace', avatarUrl: avatar } })
    desk.ws.send(JSON.stringify({ type: 'reply', conversationId: guest.conversationId, clientMessageId: 'r1', text: 'Hi, Ada here' }))
    expect(await g.next('message', (m) => m.role === 'agent')).toMatchObject({ text: 'Hi, Ada here', author: { name: 'Ada Lovelace', avatarUrl: avatar } })
    desk.ws.close()
    g.close()
  })

  it('says what it needs without Redis and without an admin token', async () => {
    const err: string[] = []
    expect(await runDeskCli(['agent', 'list'], { PARLEY_URL: app.url }, { out: () => undefined, err: (l) => err.push(l) })).toBe(2)
    expect(err.join('')).toContain('PARLEY_DESK_TOKEN')
  })
})
