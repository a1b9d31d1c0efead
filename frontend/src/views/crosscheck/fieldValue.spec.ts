import { describe, expect, it } from 'vitest'
import zh from '@/i18n/zh-CN'
import { fromEditor, listProblems, newItem, showFieldValue, toEditor } from './fieldValue'

// A tiny translator over the Chinese messages, enough for these texts.
const t = (key: string, params: Record<string, unknown> = {}) => {
  const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], zh)
  return String(v ?? key).replace(/\{(\w+)\}/g, (_, k) => String(params[k]))
}

describe('department field values', () => {
  it('reads the canonical text in words', () => {
    expect(showFieldValue('bool', 'true', t)).toBe('是')
    expect(showFieldValue('bool', 'false', t)).toBe('否')
    expect(showFieldValue('bool', null, t)).toBe('未填写')
    expect(showFieldValue('decimal', '45000.5', t)).toBe('45,000.50')
    expect(showFieldValue('enum', 'chronic', t, { choices: [{ code: 'chronic', label: '长期慢性病' }] })).toBe('长期慢性病')
    expect(showFieldValue('list', '[]', t, { key: 'vehicles' })).toBe('无')
    expect(showFieldValue('list', '[{"value":"45000.00","acquired_on":"2017-03-01","exit_measure":false,"plate":"云A12345"}]', t, { key: 'vehicles' })).toBe(
      '1. 购置价格 45,000.00 元，购置日期 2017-03-01，作为脱贫措施购置 否，号牌号码 云A12345',
    )
  })

  it('round-trips every kind through the correction input', () => {
    expect(fromEditor('bool', toEditor('bool', 'true'))).toBe('true')
    expect(fromEditor('bool', toEditor('bool', null))).toBeNull()
    expect(fromEditor('decimal', '１２００。5')).toBe('1200.50')
    expect(fromEditor('decimal', null)).toBeNull()
    expect(toEditor('int', '12')).toBe(12)
    expect(fromEditor('int', 12)).toBe('12')
    expect(fromEditor('date', '2017-06-30')).toBe('2017-06-30')
    expect(fromEditor('text', '  乡村医生 ')).toBe('乡村医生')
    expect(fromEditor('enum', '')).toBeNull()
  })

  it('writes a list as the JSON array of its items, amounts tidied and blanks left out', () => {
    const items = toEditor('list', '[{"value":"30000.00","acquired_on":"2015-01-01","exit_measure":false,"plate":""}]') as Record<string, unknown>[]
    expect(items).toHaveLength(1)
    items.push({ ...newItem('vehicles'), value: '45,000', acquired_on: '2017-03-01', exit_measure: true })
    expect(JSON.parse(fromEditor('list', items, 'vehicles')!)).toEqual([
      { value: '30000.00', acquired_on: '2015-01-01', exit_measure: false },
      { value: '45000', acquired_on: '2017-03-01', exit_measure: true },
    ])
  })

  it('names the item fields a list still needs', () => {
    expect(listProblems('vehicles', [{ ...newItem('vehicles'), value: '4万' }], t)).toEqual(['第1项：购置价格应为数字，最多两位小数', '第1项：请填写购置日期'])
    expect(listProblems('vehicles', [{ value: '45000', acquired_on: '2017-01-01' }], t)).toEqual([])
  })
})
