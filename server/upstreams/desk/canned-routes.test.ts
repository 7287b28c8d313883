import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addAgent, DESK_TOKEN, startTestApp, type TestApp } from '../../test-support'

let app: TestApp
beforeEach(async () => {
  app = await startTestApp()
})
afterEach(() => app.app.close())

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string, payload?: object) =>
  app.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })

describe('canned replies over HTTP', () => {
  it('any agent of the team adds, changes, lists and deletes them', async () => {
    const bo = await addAgent(app, 'Bo')
    const made = await call('POST', '/api/desk/canned-replies', bo.token, { title: 'Returns', text: 'You can return it within **30 days**.' })
    expect(made.statusCode).toBe(201)
    const { reply } = made.json<{ reply: { id: string; updatedBy: string } }>()
    expect(reply.updatedBy).toBe(bo.agent.id)
    await call('POST', '/api/desk/canned-replies', DESK_TOKEN, { title: 'Hours', text: 'We answer 9-17.' })
    const changed = await call('PUT', `/api/desk/canned-replies/${reply.id}`, DESK_TOKEN, { title: 'Returns policy', text: 'Within 30 days.' })
    expect(changed.json<{ reply: { updatedBy: string } }>().reply.updatedBy).toBe('bootstrap')
    const list = await call('GET', '/api/desk/canned-replies', bo.token)
    expect(list.json<{ replies: { title: string; text: string }[] }>().replies.map((r) => [r.title, r.text])).toEqual([
      ['Hours', 'We answer 9-17.'],
      ['Returns policy', 'Within 30 days.'],
    ])
    expect((await call('DELETE', `/api/desk/canned-replies/${reply.id}`, bo.token)).statusCode).toBe(204)
    expect((await call('DELETE', `/api/desk/canned-replies/${reply.id}`, bo.token)).statusCode).toBe(404)
    expect((await call('PUT', `/api/desk/canned-replies/${reply.id}`, bo.token, { title: 'x', text: 'y' })).statusCode).toBe(404)
  })

  it('refuses a missing title or text, a title with control characters only, and anyone not signed in', async () => {
    expect((await call('POST', '/api/desk/canned-replies', DESK_TOKEN, { title: '', text: 'x' })).statusCode).toBe(400)
    expect((await call('POST', '/api/desk/canned-replies', DESK_TOKEN, { title: 'T', text: '   ' })).statusCode).toBe(400)
    expect((await call('POST', '/api/desk/canned-replies', DESK_TOKEN, { title: '\u202E\u200B', text: 'x' })).statusCode).toBe(400)
    expect((await call('POST', '/api/desk/canned-replies', DESK_TOKEN, { title: 'T'.repeat(81), text: 'x' })).statusCode).toBe(400)
    const anon = await app.app.inject({ method: 'GET', url: '/api/desk/canned-replies' })
    expect(anon.statusCode).toBe(401)
  })
})
