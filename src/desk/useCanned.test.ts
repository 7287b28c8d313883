import { describe, expect, it } from 'vitest'
import { matchCanned } from './useCanned'

const list = [
  { id: 'a', title: 'Returns', text: 'Within 30 days.' },
  { id: 'b', title: 'Hours', text: 'We answer returns questions 9-17.' },
  { id: 'c', title: 'Shipping', text: 'Two days.' },
]

describe('matchCanned', () => {
  it('finds by title first, then by text, ignoring case', () => {
    expect(matchCanned(list, 'RET').map((c) => c.id)).toEqual(['a', 'b'])
    expect(matchCanned(list, 'days').map((c) => c.id)).toEqual(['a', 'c'])
  })
  it('lists everything for an empty search and nothing for no match', () => {
    expect(matchCanned(list, ' ')).toHaveLength(3)
    expect(matchCanned(list, 'zzz')).toEqual([])
  })
})
