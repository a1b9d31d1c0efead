import { describe, expect, it } from 'vitest'
import zh from '@/i18n/zh-CN'
import en from '@/i18n/en'
import { outcomeCodes } from '@/api/outcomes'
import { formFieldOf, inputPathLabel, inputPathLabels, memberPositions, outcomeStyle, outcomeStyles, parseInputPath } from './outcomes'

// A t/te over the real messages, without vue-i18n.
function translator(messages: object) {
  const find = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), messages)
  const te = (key: string) => typeof find(key) === 'string'
  const t = (key: string, params: Record<string, unknown> = {}) => String(find(key) ?? key).replace(/\{(\w+)\}/g, (_, k) => String(params[k]))
  return { t, te }
}
const { t, te } = translator(zh)
const label = (p: string, names?: (i: number) => string | undefined) => inputPathLabel(p, t, te, names)

describe('outcome colours', () => {
  it('gives every outcome a tag, and the ones needing a clerk a solid colour', () => {
    for (const o of outcomeCodes) expect(outcomeStyles[o], o).toBeDefined()
    expect(outcomeStyle('needs_review')).toEqual({ type: 'warning', effect: 'dark' })
    expect(outcomeStyle('remove_wrong')).toEqual({ type: 'danger', effect: 'dark' })
    expect(outcomeStyle('keep').effect).toBe('light')
  })
  it('falls back to a neutral tag for an unknown outcome', () => {
    expect(outcomeStyle('something_new')).toEqual({ type: 'info', effect: 'plain' })
    expect(outcomeStyle('')).toEqual({ type: 'info', effect: 'plain' })
  })
  it('names every outcome in both languages, and in Chinese as rules.md §5.1 does', () => {
    for (const o of outcomeCodes) {
      expect(zh.outcome.o[o]).toBeTruthy()
      expect(en.outcome.o[o]).toBeTruthy()
      expect(zh.outcome.explain[o]).toBeTruthy()
    }
    expect(zh.outcome.o.needs_review).toBe('待核实')
    expect(zh.outcome.o.reinclude).toBe('错退重新纳入')
  })
})

describe('input paths', () => {
  it('takes a path apart', () => {
    expect(parseInputPath('members[1].medical_insured')).toEqual({ list: 'members', index: 1, key: 'medical_insured' })
    expect(parseInputPath('vehicles[0]')).toEqual({ list: 'vehicles', index: 0, key: '' })
    expect(parseInputPath('income.wage')).toEqual({ object: 'income', key: 'wage' })
    expect(parseInputPath('food_secure')).toEqual({ key: 'food_secure' })
  })

  it.each([
    ['income.wage', '收入·工资性收入'],
    ['income.operating_cost', '收入·生产经营性支出'],
    ['housing.grade', '住房·安全等级'],
    ['food_secure', '不愁吃'],
    ['employs_others_long_term', '长期雇佣他人从事生产经营'],
    ['findings.fraud', '核查认定·优亲厚友、弄虚作假'],
    ['members[1].medical_insured', '第2名成员·参加基本医疗保险'],
    ['members[0].schooling', '第1名成员·在校生情况'],
    ['vehicles[2].value', '第3辆机动车·购置价格'],
    ['urban_properties[0].relocation', '第1处城镇房产·易地搬迁进城安置'],
    ['businesses[0].operating', '第1个企业·实际开展经营'],
    ['members[3]', '第4名成员'],
    ['vehicles', '机动车'],
  ])('%s → %s', (p, want) => expect(label(p)).toBe(want))

  it('names a member when the name is known', () => {
    expect(label('members[1].health', (i) => (i === 1 ? '张三' : undefined))).toBe('成员张三·健康状况')
    expect(label('members[2].health', (i) => (i === 1 ? '张三' : undefined))).toBe('第3名成员·健康状况')
  })

  it('shows a path it cannot name as it is', () => {
    expect(label('no_such_field')).toBe('no_such_field')
    expect(label('income.bonus')).toBe('income.bonus')
    expect(label('members[0].shoe_size')).toBe('第1名成员·shoe_size')
  })

  it('names every path in English too', () => {
    const e = translator(en)
    expect(inputPathLabel('income.wage', e.t, e.te)).toBe('Income·Wages')
    expect(inputPathLabel('members[0].dropout', e.t, e.te)).toBe('Member 1·Dropped out of compulsory school')
  })

  it('lists distinct labels once, in order', () => {
    expect(inputPathLabels(['income.wage', 'members[0].name', 'members[0]', 'income.wage'], (p) => label(p))).toEqual([
      '收入·工资性收入',
      '第1名成员·姓名',
      '第1名成员',
    ])
  })
})

describe('form fields', () => {
  it.each([
    ['income.wage', 'income_wage'],
    ['income.year', 'income_year'],
    ['income.operating_cost', 'operating_cost'],
    ['housing.grade', 'housing_grade'],
    ['findings.split_or_merge_for_benefit', 'finding_split_merge'],
    ['food_secure', 'food_secure'],
    ['dibao', 'dibao'],
    ['members[1].medical_insured', 'members[1].medical_insured'],
    ['members[0].schooling', 'members[0].schooling_status'],
    ['vehicles[1].value', 'vehicles[1].value'],
  ])('%s → %s', (p, want) => expect(formFieldOf(p)).toBe(want))

  it('skips members who moved out (household-v1 leaves them out)', () => {
    const pos = memberPositions([{ status: 'present' }, { status: 'moved_out' }, { status: 'deceased' }, { status: 'present' }])
    expect(pos).toEqual([0, 2, 3])
    expect(formFieldOf('members[1].health', pos)).toBe('members[2].health')
    expect(formFieldOf('members[2].schooling', pos)).toBe('members[3].schooling_status')
    // a position past the register's list stays as given
    expect(formFieldOf('members[7].health', pos)).toBe('members[7].health')
  })
})
