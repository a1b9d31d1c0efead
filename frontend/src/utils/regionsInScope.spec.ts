import { describe, expect, it } from 'vitest'
import { streetsInScope, villagesInScope } from './regionsInScope'
import type { Regions } from '@/api/regions'

const regions: Regions = {
  district: { code: '530103', name: '盘龙区' },
  streets: [
    { code: '530103011', name: '滇源街道', check_team: 'B', villages: [{ code: '530103011001', name: '白邑村委会' }] },
    {
      code: '530103012',
      name: '阿子营街道',
      check_team: 'A',
      villages: [
        { code: '530103012001', name: '阿子营社区' },
        { code: '530103012004', name: '鼠街村委会' },
      ],
    },
  ],
  teams: [],
}
const scope = (streets: string[], villages: string[]) => ({ streets, villages, department: null, team: null })

describe('regions in scope', () => {
  it('gives a village officer their village only', () => {
    const s = scope(['530103012'], ['530103012004'])
    expect(villagesInScope(regions, s).map((v) => v.code)).toEqual(['530103012004'])
    expect(villagesInScope(regions, s)[0].street_name).toBe('阿子营街道')
    expect(streetsInScope(regions, s).map((x) => x.code)).toEqual(['530103012'])
  })
  it('gives the district every street and village', () => {
    const s = scope(['530103011', '530103012'], ['530103011001', '530103012001', '530103012004'])
    expect(streetsInScope(regions, s)).toHaveLength(2)
    expect(villagesInScope(regions, s)).toHaveLength(3)
    expect(villagesInScope(regions, s, '530103011').map((v) => v.name)).toEqual(['白邑村委会'])
  })
  it('gives nothing to a scope without regions, everything when the scope is not known', () => {
    expect(villagesInScope(regions, scope([], []))).toEqual([])
    expect(villagesInScope(regions, null)).toHaveLength(3)
  })
})
