import { describe, expect, it } from 'vitest'
import { parseGenesysFrame } from './frames'

describe('class "string" frames', () => {
  it('reads code 200 as a success (the answer to Presence Clear), never as an error', () => {
    expect(parseGenesysFrame(JSON.stringify({ type: 'response', class: 'string', code: 200, body: 'Conversation cleared' }))).toEqual({
      ok: true,
      frame: { class: 'Ack', message: 'Conversation cleared' },
    })
  })

  it('reads any other code as a refusal, without a tracingId as Genesys sends it', () => {
    expect(parseGenesysFrame(JSON.stringify({ type: 'response', class: 'string', code: 403, body: 'Turn on the Feature Toggle or fix the configuration.' }))).toEqual({
      ok: true,
      frame: { class: 'Error', code: 403, message: 'Turn on the Feature Toggle or fix the configuration.' },
    })
  })
})
