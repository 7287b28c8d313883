import { describe, expect, it } from 'vitest'
import { richReply } from './useDesk'

const empty = { title: '', description: '', imageUrl: '', action: '', url: '' }

describe('richReply', () => {
  it('leaves out what the agent did not fill in', () => {
    expect(richReply({ attachmentIds: [], quickReplies: ['  ', ''], card: empty })).toEqual({})
  })
  it('turns chips into quick replies the guest sends back as they read', () => {
    expect(richReply({ attachmentIds: ['f1'], quickReplies: [' Yes ', 'No'], card: empty })).toEqual({
      attachmentIds: ['f1'],
      quickReplies: [{ text: 'Yes', payload: 'Yes' }, { text: 'No', payload: 'No' }],
    })
  })
  it('sends a card with a title; its button links when given a URL, else is sent back', () => {
    const card = { ...empty, title: ' Plan ', description: 'Fast', action: 'Choose' }
    expect(richReply({ attachmentIds: [], quickReplies: [], card })).toEqual({
      cards: [{ title: 'Plan', description: 'Fast', actions: [{ type: 'postback', text: 'Choose', payload: 'Choose' }] }],
    })
    expect(richReply({ attachmentIds: [], quickReplies: [], card: { ...card, url: 'https://example.com/p' } }).cards?.[0]?.actions).toEqual([
      { type: 'link', text: 'Choose', url: 'https://example.com/p' },
    ])
    expect(richReply({ attachmentIds: [], quickReplies: [], card: { ...empty, description: 'no title' } })).toEqual({})
  })
})
