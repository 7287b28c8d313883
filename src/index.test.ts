import { expect, it } from 'vitest'
import * as parley from './index'

it('exports exactly the curated API', () => {
  expect(Object.keys(parley).sort()).toEqual([
    'LOCALES',
    'ParleyChat',
    'createChatClient',
    'createParley',
    'useAttention',
    'useChatSocket',
    'useChatStore',
    'useGuestSession',
    'useParley',
    'useSessionStore',
    'useUploads',
  ])
})
