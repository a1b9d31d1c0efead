import { describe, expect, it } from 'vitest'
import {
  checkChar,
  idBirthDate,
  idGender,
  idProblemText,
  isValidIdNumber,
  maskIdNumber,
  normalizeIdNumber,
  todayInShanghai,
  validateIdNumber,
  type IdProblem,
} from './idcard'
import zh from '@/i18n/zh-CN'

const today = '2017-06-30'

// Check characters computed by hand with the MOD 11-2 weights (and by the
// server's generator): 5301031980010100 1 → 1, …
describe('checkChar', () => {
  it.each([
    ['53010319800101001', '1'],
    ['53010319820315002', '0'],
    ['11010519491231002', 'X'],
    ['53010320000229002', '7'],
    ['65010219991231005', '3'],
  ])('%s → %s', (first17, want) => expect(checkChar(first17)).toBe(want))
  it('is empty for anything but 17 digits', () => {
    expect(checkChar('5301031980010100')).toBe('')
    expect(checkChar('5301031980010100A')).toBe('')
  })
})

describe('validateIdNumber', () => {
  it.each([
    ['530103198001010011'],
    ['530103198203150020'],
    ['11010519491231002X'],
    ['11010519491231002x'], // lower-case x accepted
    [' 530103198001010011 '], // trimmed, as on the server
    ['530103200002290027'], // 29 February of a leap year
    ['650102199912310053'],
    ['810000201001010019'], // Hong Kong province code 81
    ['53010320170630001' + checkChar('53010320170630001')], // born on the reference day
  ])('accepts %s', (id) => expect(validateIdNumber(id, today)).toBeNull())

  const cases: [string, string, IdProblem][] = [
    ['empty', '', { kind: 'length', length: 0 }],
    ['17 digits', '53010319800101001', { kind: 'length', length: 17 }],
    ['19 characters', '5301031980010100111', { kind: 'length', length: 19 }],
    ['a letter inside', '5301031980A1010011', { kind: 'format', position: 11 }],
    ['a bad last character', '53010319800101001Y', { kind: 'format', position: 18 }],
    ['a full-width digit (bytes, not characters, count)', '53010319800101001１', { kind: 'length', length: 18 }],
    ['province 00', '000103198001010011', { kind: 'province', code: '00' }],
    ['province 16', '160103198001010011', { kind: 'province', code: '16' }],
    ['province 72', '720103198001010011', { kind: 'province', code: '72' }],
    ['29 February of a non-leap year', '530103200102290024', { kind: 'birth', digits: '20010229' }],
    ['29 February 1900 (not a leap year)', '530103190002290020', { kind: 'birth', digits: '19000229' }],
    ['month 13', '530103198013010011', { kind: 'birth', digits: '19801301' }],
    ['day 31 of April', '530103198004310011', { kind: 'birth', digits: '19800431' }],
    ['year 0000', '530103000001010011', { kind: 'birth', digits: '00000101' }],
    ['born after today', '530103201602290041', { kind: 'future', birth: '2016-02-29', today: '2015-12-31' }],
    ['wrong check digit', '530103198001010012', { kind: 'check', want: '1', got: '2' }],
    ['X where a digit is due', '53010319800101001X', { kind: 'check', want: '1', got: 'X' }],
    ['a digit where X is due', '110105194912310020', { kind: 'check', want: 'X', got: '0' }],
  ]
  it.each(cases)('refuses %s', (_name, id, problem) => {
    const day = problem.kind === 'future' ? '2015-12-31' : today
    expect(validateIdNumber(id, day)).toEqual(problem)
  })
  it('defaults today to the Shanghai date', () => {
    expect(isValidIdNumber('530103198001010011')).toBe(true)
    // 2017-06-30 17:00 UTC is already 1 July in Shanghai.
    expect(todayInShanghai(new Date('2017-06-30T17:00:00Z'))).toBe('2017-07-01')
  })
})

describe('reading an ID number', () => {
  it('reads the birth date and the gender', () => {
    expect(idBirthDate('530103198001010011')).toBe('1980-01-01')
    expect(idGender('530103198001010011')).toBe('male')
    expect(idBirthDate('530103198203150020')).toBe('1982-03-15')
    expect(idGender('530103198203150020')).toBe('female')
    expect(idGender('11010519491231002x')).toBe('female')
  })
  it('reads nothing from a number too short or with no real date', () => {
    expect(idBirthDate('5301031980')).toBeNull()
    expect(idBirthDate('530103200102290024')).toBeNull()
    expect(idGender('5301031980010100')).toBe('')
  })
  it('normalises and masks', () => {
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X')
    expect(maskIdNumber('530103198001010011')).toBe('530103********0011')
    expect(maskIdNumber('12345')).toBe('*****')
  })
})

describe('idProblemText', () => {
  // The Chinese messages are the server's, word for word.
  const t = (key: string, p: Record<string, unknown> = {}) => {
    const msg = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], zh) as string
    return msg.replace(/\{(\w+)\}/g, (_, k) => String(p[k]))
  }
  it.each([
    [{ kind: 'length', length: 17 }, '身份证号码应为18位：实为17个字符'],
    [{ kind: 'format', position: 11 }, '身份证号码应为17位数字加1位数字或X：第11位不符'],
    [{ kind: 'province', code: '00' }, '身份证号码前两位不是有效的省级行政区划代码：00'],
    [{ kind: 'birth', digits: '20010229' }, '身份证号码中的出生日期不是真实日期：20010229'],
    [{ kind: 'future', birth: '2016-02-29', today: '2015-12-31' }, '身份证号码中的出生日期晚于参考日期：出生日期2016-02-29晚于2015-12-31'],
    [{ kind: 'check', want: '4', got: '0' }, '身份证号码校验码不正确：应为4，实为0'],
  ] as [IdProblem, string][])('%o', (p, text) => expect(idProblemText(p, t)).toBe(text))
})
