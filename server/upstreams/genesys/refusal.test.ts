import { describe, expect, it } from 'vitest'
import { configureRefusal, MAX_SEND_ATTEMPTS, sendRefusal } from './refusal'

describe('sendRefusal', () => {
  it('waits out a rate limit for retryAfter (at least a second), whatever the attempt', () => {
    expect(sendRefusal(429, 1, 3000)).toEqual({ do: 'pause', until: 'time', afterMs: 3000 })
    expect(sendRefusal(4029, MAX_SEND_ATTEMPTS + 5, 0)).toEqual({ do: 'pause', until: 'time', afterMs: 1000 })
  })

  it('holds the queue until an expired session is configured again', () => {
    for (const code of [4006, 4007]) expect(sendRefusal(code, 1)).toEqual({ do: 'pause', until: 'reconfigured' })
  })

  it('fails what can never be taken, read-only included', () => {
    expect(sendRefusal(409, 1)).toMatchObject({ do: 'fail', code: 'conversation_ended', readOnly: true })
    expect(sendRefusal(4011, 1)).toMatchObject({ do: 'fail', code: 'message_too_long' })
    for (const code of [400, 401, 403, 404, 4000, 4017, 4020]) expect(sendRefusal(code, 1)).toMatchObject({ do: 'fail', code: 'upstream_error' })
  })

  it('sends again without attributes when only they were too large', () => {
    expect(sendRefusal(4013, 1)).toEqual({ do: 'retry', afterMs: 0, withoutAttributes: true })
  })

  it('retries other failures with a growing pause, then fails after the last attempt', () => {
    const waits = [1, 2].map((attempt) => sendRefusal(5000, attempt))
    expect(waits).toEqual([
      { do: 'retry', afterMs: 1000 },
      { do: 'retry', afterMs: 2000 },
    ])
    expect(sendRefusal(5000, MAX_SEND_ATTEMPTS)).toMatchObject({ do: 'fail', code: 'upstream_error' })
  })
})

describe('configureRefusal', () => {
  it('stops on what only the admin can fix, naming the setting', () => {
    expect(configureRefusal(400, 'Deployment not found', 1, 100)).toMatchObject({ do: 'stop', fix: expect.stringMatching(/GENESYS_DEPLOYMENT_ID/) })
    expect(configureRefusal(404, 'Not found', 1, 100)).toMatchObject({ do: 'stop' })
    expect(configureRefusal(403, 'Origin not allowed', 1, 100)).toMatchObject({ do: 'stop', fix: expect.stringMatching(/GENESYS_ORIGIN/) })
  })

  it('configures an expired session again at once, once', () => {
    expect(configureRefusal(4007, 'Session not found', 1, 100)).toEqual({ do: 'retry', afterMs: 0 })
    expect(configureRefusal(4007, 'Session not found', 2, 100)).toEqual({ do: 'retry', afterMs: 200 })
  })

  it('backs off exponentially on the rest, capped at five minutes', () => {
    const waits = [1, 2, 3].map((attempt) => configureRefusal(401, 'Unauthorized', attempt, 500))
    expect(waits.map((d) => (d.do === 'retry' ? d.afterMs : -1))).toEqual([500, 1000, 2000])
    expect(configureRefusal(5000, 'Request failed.', 40, 500)).toEqual({ do: 'retry', afterMs: 300_000 })
  })
})
