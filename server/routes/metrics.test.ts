import { afterEach, describe, expect, it } from 'vitest'
import { createGuest, openGuestSocket, startTestApp, type TestApp } from '../test-support'

let app: TestApp | undefined
afterEach(async () => {
  await app?.app.close()
  app = undefined
})

const value = (text: string, metric: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${metric} `))
  return line === undefined ? undefined : Number(line.slice(metric.length + 1))
}

describe('GET /metrics', () => {
  it('counts sockets, acked messages, refused frames and created guests, and nothing of their content', async () => {
    app = await startTestApp()
    const guest = await createGuest(app)
    const s = await openGuestSocket(app, guest)
    await s.next('ready')
    s.send({ type: 'send', clientMessageId: 'm-1', text: 'secret order number 12345' })
    await s.next('ack')
    s.send({ type: 'send', clientMessageId: 'm-2', text: '   ' })
    await s.next('error')
    const res = await fetch(`${app.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(value(text, 'parley_guest_sockets')).toBe(1)
    expect(value(text, 'parley_store_up')).toBe(1)
    expect(value(text, 'parley_guest_messages_acked_total')).toBe(1)
    expect(value(text, 'parley_guest_sessions_created_total')).toBe(1)
    expect(value(text, 'parley_guest_frames_refused_total{code="empty_message"}')).toBe(1)
    expect(text).toMatch(/^parley_nodejs_eventloop_lag_p99_seconds /m)
    expect(text).not.toContain('secret')
    expect(text).not.toContain(guest.guestId)
    s.close()
  })

  it('answers only loopback callers by default, and only the bearer of PARLEY_METRICS_TOKEN when it is set', async () => {
    app = await startTestApp()
    expect((await app.app.inject({ url: '/metrics', remoteAddress: '203.0.113.5' })).statusCode).toBe(403)
    await app.app.close()
    app = await startTestApp({ PARLEY_METRICS_TOKEN: 'metrics-token-0123456789' })
    expect((await app.app.inject({ url: '/metrics' })).statusCode).toBe(403)
    expect((await app.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-000000000' } })).statusCode).toBe(403)
    const ok = await app.app.inject({ url: '/metrics', remoteAddress: '203.0.113.5', headers: { authorization: 'Bearer metrics-token-0123456789' } })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toContain('parley_guest_sockets')
  })
})
