import { describe, expect, it } from 'vitest'
import { deskStartupLines } from './startup'

const TOKEN = 'start-up-token-0123456789'

describe('desk start-up line', () => {
  it('prints the sign-in link on a terminal', () => {
    expect(deskStartupLines({ deskToken: TOKEN, deskTokenGenerated: true }, 'http://127.0.0.1:8080', true)).toContain(`http://127.0.0.1:8080/desk#token=${TOKEN}`)
  })

  it('never prints the token to a pipe or a file, but says how to sign in', () => {
    for (const deskTokenGenerated of [true, false]) {
      const line = deskStartupLines({ deskToken: TOKEN, deskTokenGenerated }, 'http://127.0.0.1:8080', false)
      expect(line).not.toContain(TOKEN)
      expect(line).toContain('PARLEY_DESK_TOKEN')
      expect(line).toContain('npm run desk -- agent add')
    }
  })
})
