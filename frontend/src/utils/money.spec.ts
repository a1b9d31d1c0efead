import { describe, expect, it } from 'vitest'
import { formatDecimal2, formatYuan, isDecimal2, normalizeDecimal } from './money'
import { fromChoice, toChoice, triText } from './tristate'

describe('formatYuan', () => {
  it.each([
    ['5700.5', '5,700.50'],
    ['5700', '5,700.00'],
    ['0', '0.00'],
    ['0.1', '0.10'],
    ['.5', '0.50'],
    ['1234567.89', '1,234,567.89'],
    ['-300', '-300.00'],
    ['3300.25', '3,300.25'],
    // more than two decimals: halves away from zero, on whole cents
    ['1.005', '1.01'],
    ['1.004', '1.00'],
    ['-1.005', '-1.01'],
    ['-0.001', '0.00'],
    ['0.995', '1.00'],
    ['99999999999999.999', '100,000,000,000,000.00'],
    [1200, '1,200.00'],
  ])('%s → %s', (v, want) => expect(formatYuan(v)).toBe(want))
  it('leaves unknown empty and shows odd text as given', () => {
    expect(formatYuan(null)).toBe('')
    expect(formatYuan(undefined)).toBe('')
    expect(formatYuan('')).toBe('')
    expect(formatYuan('1e3')).toBe('1e3')
    expect(formatYuan('abc')).toBe('abc')
  })
  it('has no binary floating point error (0.1 + 0.2 style)', () => {
    expect(formatYuan('0.30')).toBe('0.30')
    expect(formatYuan('2952.00')).toBe('2,952.00')
    expect(formatYuan('1.015')).toBe('1.02') // 1.015 is 1.01499… as a float
  })
  it('formats areas without grouping', () => {
    expect(formatDecimal2('3.5')).toBe('3.50')
    expect(formatDecimal2('12000')).toBe('12000.00')
  })
})

describe('typed amounts', () => {
  it('normalises full-width digits, separators and spaces', () => {
    expect(normalizeDecimal('５７００．５')).toBe('5700.5')
    expect(normalizeDecimal(' 5,700.50 ')).toBe('5700.50')
    expect(normalizeDecimal('5，700。5')).toBe('5700.5')
    expect(normalizeDecimal('')).toBeNull()
    expect(normalizeDecimal('   ')).toBeNull()
    expect(normalizeDecimal(null)).toBeNull()
  })
  it.each([
    ['0', true],
    ['5700', true],
    ['5700.5', true],
    ['5,700.50', true],
    ['5700.505', false],
    ['-1', false],
    ['1.', false],
    ['.5', false],
    ['1e3', false],
    ['abc', false],
    ['', false],
  ])('%s is an amount: %s', (v, ok) => expect(isDecimal2(v)).toBe(ok))
})

describe('tri-state answers', () => {
  it('maps 是/否/未知 to true/false/null and back', () => {
    expect(toChoice(true)).toBe('yes')
    expect(toChoice(false)).toBe('no')
    expect(toChoice(null)).toBe('unknown')
    expect(toChoice(undefined)).toBe('unknown')
    expect(fromChoice('yes')).toBe(true)
    expect(fromChoice('no')).toBe(false)
    expect(fromChoice('unknown')).toBeNull()
    expect(fromChoice(undefined)).toBeNull()
    for (const v of [true, false, null]) expect(fromChoice(toChoice(v))).toBe(v)
  })
  it('says it in words', () => {
    const t = (k: string) => ({ 'common.yes': '是', 'common.no': '否', 'common.unknown': '未知' })[k] ?? k
    expect([true, false, null].map((v) => triText(v, t))).toEqual(['是', '否', '未知'])
  })
})
