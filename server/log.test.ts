import { PassThrough } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { loggerOptions, terminalStream } from './log'

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  // colours depend on the terminal the tests run in
  return { stream, text: () => stripVTControlCharacters(text) }
}

const missing = (code: string) => () => Promise.reject(Object.assign(new Error('Cannot find package pino-pretty'), { code }))

describe('terminal log', () => {
  it('writes one readable line per entry, with e-mail addresses masked and secrets redacted', async () => {
    const out = collect()
    const stream = await terminalStream(out.stream)
    expect(stream).toBeDefined()
    if (!stream) return
    const app = Fastify({ logger: loggerOptions('info', stream) })
    app.log.info({ token: 'tok-SECRET', guest: 'g-1' }, 'guest mail ann@example.com joined')
    await app.close()
    const first = out.text().split('\n')[0] ?? ''
    expect(first).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: guest mail \[email\] joined/)
    expect(out.text()).toContain('guest: "g-1"')
    expect(out.text()).not.toContain('tok-SECRET')
    expect(out.text()).not.toContain('ann@example.com')
    // not JSON
    expect(() => JSON.parse(first) as unknown).toThrow()
  })

  it('is undefined where pino-pretty is not installed (a production install), so the log stays JSON', async () => {
    expect(await terminalStream(new PassThrough(), missing('ERR_MODULE_NOT_FOUND'))).toBeUndefined()
    expect(await terminalStream(new PassThrough(), missing('MODULE_NOT_FOUND'))).toBeUndefined()
    expect(await terminalStream(new PassThrough(), () => Promise.resolve({}))).toBeUndefined()
  })

  it('does not hide any other failure to load it', async () => {
    await expect(terminalStream(new PassThrough(), () => Promise.reject(new SyntaxError('broken')))).rejects.toThrow('broken')
  })
})
