import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_MESSAGE_CHARS, isAttributeName, MAX_ATTRIBUTE_VALUE, MAX_DISPLAY_NAME, MAX_EMAIL } from '../protocol'
import { maxLengthOf, toProfile, type PreChatField } from './pre-chat'

describe('the pre-chat rules agree with the BFF', () => {
  it('limits each field where the BFF does', () => {
    expect([maxLengthOf('displayName'), maxLengthOf('email'), maxLengthOf('message'), maxLengthOf('orderId')]).toEqual([
      MAX_DISPLAY_NAME,
      MAX_EMAIL,
      DEFAULT_MAX_MESSAGE_CHARS,
      MAX_ATTRIBUTE_VALUE,
    ])
  })
  it.each(['orderId', 'a.b-c_1', 'x'.repeat(64), 'x'.repeat(65), 'bad name!', '', 'ü'])('takes %j as an attribute exactly when the BFF would', (name) => {
    const profile = toProfile([{ name, label: name }], { [name]: 'v' })
    expect(profile.attributes?.[name] === 'v').toBe(isAttributeName(name))
  })
})

describe('toProfile', () => {
  const fields: PreChatField[] = [
    { name: 'displayName', label: 'Name' },
    { name: 'email', label: 'E-mail' },
    { name: 'orderId', label: 'Order number' },
    { name: 'bad name!', label: 'Not an attribute name' },
  ]
  it('maps the session fields, makes the others attributes and leaves out blanks and bad names', () => {
    expect(toProfile(fields, { displayName: ' Pia ', email: 'pia@example.com', orderId: 'A-1', 'bad name!': 'x' })).toEqual({
      displayName: 'Pia',
      email: 'pia@example.com',
      attributes: { orderId: 'A-1' },
    })
    expect(toProfile(fields, { displayName: '  ', orderId: '' })).toEqual({})
  })
})
