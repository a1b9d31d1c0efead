import { describe, expect, it } from 'vitest'
import { scopeLabel } from './scope'
import type { Regions } from '@/api/regions'

const regions: Regions = {
  district: { code: '530103', name: '盘龙区' },
  streets: [{ code: '530103012', name: '阿子营街道', check_team: 'A', villages: [{ code: '530103012004', name: '甸尾村委会' }] }],
  teams: [{ code: 'A', name: '阿子营（含松华）工作核查组', streets: ['530103012'] }],
}
const all = { streets: ['530103012'], villages: ['530103012004'], department: 'police', team: 'A' }
const t = (k: string) => ({ 'home.wholeDistrict': '全区', 'role.check_team': '核查组' })[k] ?? k

describe('scopeLabel', () => {
  it('names what was granted, by role', () => {
    expect(scopeLabel('department', all, regions, [{ code: 'police', name: '区公安分局' }], t)).toBe('区公安分局')
    expect(scopeLabel('check_team', all, regions, [], t)).toBe('阿子营（含松华）工作核查组')
    expect(scopeLabel('village_officer', all, regions, [], t)).toBe('甸尾村委会')
    expect(scopeLabel('street', all, regions, [], t)).toBe('阿子营街道')
    expect(scopeLabel('district', all, regions, [], t)).toBe('全区')
    expect(scopeLabel('admin', all, regions, [], t)).toBe('')
  })
  it('falls back to codes before the regions are loaded', () => {
    expect(scopeLabel('village_officer', all, null, [], t)).toBe('530103012004')
  })
})
