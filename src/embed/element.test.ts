import { expect, it } from 'vitest'
import { storageKeys } from '../client'
import { SESSION_KEY } from './element'

it('looks for a live session under the key the client stores it at', () => {
  expect(SESSION_KEY).toBe(storageKeys().session)
})
