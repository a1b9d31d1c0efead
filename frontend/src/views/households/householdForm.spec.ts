import { describe, expect, it } from 'vitest'
import zh from '@/i18n/zh-CN'
import type { HouseholdInput } from '@/api/households'
import { emptyHousehold, emptyMember, errorMap, setPath, toForm, toInput, unsavedChanges, validateHousehold } from './householdForm'
import { fieldLabel, householdFields, lists, sectionOf } from './fields'
import { showHistoryValue, showValue } from './display'
import { sampleHousehold } from './sample'

function lookup(key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], zh)
}
const t = (key: string, p: Record<string, unknown> = {}) => {
  const msg = lookup(key)
  if (typeof msg !== 'string') throw new Error('no message ' + key)
  return msg.replace(/\{(\w+)\}/g, (_, k) => String(p[k]))
}
const te = (key: string) => typeof lookup(key) === 'string'
const today = '2017-06-30'

function valid(): HouseholdInput {
  const h = emptyHousehold(2016)
  Object.assign(h, { code: '530103012004-0042', village_code: '530103012004', hukou: 'agricultural', income_wage: '5700.5' })
  Object.assign(h.members[0], { name: '张三', id_number: '530103198001010011' })
  h.members.push({ ...emptyMember(), name: '李四', id_number: '530103198203150020', relation: 'spouse' })
  return h
}
const fields = (h: HouseholdInput) => validateHousehold(toInput(h), t, today).map((d) => d.field)

describe('the field catalogue', () => {
  it('covers exactly the fields the server reads and writes', () => {
    const server = Object.keys(sampleHousehold).filter(
      (k) => !['id', 'street_code', 'net_income', 'per_capita_income', 'household_size', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by'].includes(k),
    )
    const ours = [...householdFields.map((f) => f.key), ...Object.keys(lists)]
    expect(ours.sort()).toEqual(server.sort())
    const member = Object.keys(sampleHousehold.members[0]).filter((k) => k !== 'id')
    expect(lists.members.fields.map((f) => f.key).sort()).toEqual(member.sort())
  })
  it('labels every field in both languages', () => {
    for (const f of householdFields) expect(te('household.f.' + f.key), f.key).toBe(true)
    for (const [name, l] of Object.entries(lists)) for (const f of l.fields) expect(te(`${l.prefix}.${f.key}`), `${name}.${f.key}`).toBe(true)
  })
  it('names API paths in words and finds their section', () => {
    expect(fieldLabel('members[2].id_number', t, te)).toBe('第3名成员 · 身份证号码')
    expect(fieldLabel('vehicles[0].value', t, te)).toBe('第1辆机动车 · 购置价格')
    expect(fieldLabel('income_wage', t, te)).toBe('工资性收入')
    expect(fieldLabel('members', t, te)).toBe('家庭成员')
    expect(fieldLabel('attachment', t, te)).toBe('附件')
    expect(fieldLabel('street_code', t, te)).toBe('街道')
    expect(fieldLabel('no_such', t, te)).toBe('no_such')
    expect(sectionOf('members[2].id_number')).toBe('members')
    expect(sectionOf('members')).toBe('members')
    expect(sectionOf('income_wage')).toBe('income')
    expect(sectionOf('vehicles[0].value')).toBe('assets')
    expect(sectionOf('help_measures[0].measure')).toBe('help')
    expect(sectionOf('finding_fraud_note')).toBe('findings')
    expect(sectionOf('village_code')).toBe('basic')
  })
})

describe('toForm and toInput', () => {
  it('round-trips a record into exactly the input fields with its version', () => {
    const form = toForm(sampleHousehold)
    const input = toInput(form)
    expect(Object.keys(input).sort()).toEqual([...householdFields.map((f) => f.key), ...Object.keys(lists), 'version'].sort())
    expect(input.version).toBe(sampleHousehold.version)
    expect(input.members[0].id).toBe(sampleHousehold.members[0].id)
    expect(input).not.toHaveProperty('net_income')
    expect(input).not.toHaveProperty('street_code')
    expect(input.income_wage).toBe('5700.5')
    expect(input.other_causes).toEqual(['illness', 'lack_funds'])
    // the form is a copy: editing it leaves the record alone
    form.members[0].name = '改'
    expect(sampleHousehold.members[0].name).toBe('张三')
  })
  it('keeps amounts as strings, tidied, and unknown as null', () => {
    const h = valid()
    Object.assign(h, { income_wage: ' 5,700.50 ', income_operating: '', income_property: '１２．５', dibao: undefined })
    const input = toInput(h)
    expect(input.income_wage).toBe('5700.50')
    expect(input.income_operating).toBeNull()
    expect(input.income_property).toBe('12.5')
    expect(input.dibao).toBeNull()
  })
  it('reads gender and birth date from the ID number and upper-cases x', () => {
    const h = valid()
    h.members[0].id_number = '11010519491231002x'
    const m = toInput(h).members[0]
    expect(m.id_number).toBe('11010519491231002X')
    expect(m.gender).toBe('female')
    expect(m.birth_date).toBe('1949-12-31')
    h.members[0].id_number = '110105194912310020'
    expect(toInput(h).members[0].gender).toBe('')
    expect(toInput(h).members[0].birth_date).toBeNull()
  })
})

describe('validateHousehold (the server checks, before saving)', () => {
  it('passes a complete household', () => {
    expect(validateHousehold(toInput(valid()), t, today)).toEqual([])
  })
  it('names every missing or wrong field as the server would', () => {
    const h = valid()
    Object.assign(h, { code: ' ', village_code: '', hukou: '', income_year: 1999, income_wage: '12.345', operating_cost: '-5', land_cultivated: '123456789' })
    h.members[1].id_number = '530103198203150021'
    h.members[1].relation = 'head'
    const details = validateHousehold(toInput(h), t, today)
    const m = errorMap(details)
    expect(m.code).toBe('请填写户编号')
    expect(m.village_code).toBe('请选择行政村')
    expect(m.hukou).toBe('必填')
    expect(m.income_year).toBe('请填写收入所属年度')
    expect(m.income_wage).toBe('请填写数字，不能为负数，最多两位小数')
    expect(m.operating_cost).toBe('不能为负数')
    expect(m.land_cultivated).toBe('数值过大：整数部分不能超过8位')
    expect(m['members[1].id_number']).toBe('身份证号码校验码不正确：应为0，实为1')
    expect(m.members).toBe('须有且只有一名户主，现有2名')
  })
  it('checks members: name, duplicate ID numbers, disability grade, migrant months', () => {
    const h = valid()
    h.members[1].id_number = h.members[0].id_number
    h.members[1].name = ''
    h.members[0].disability_category = 'visual'
    h.members[0].migrant_months = 13
    const m = errorMap(validateHousehold(toInput(h), t, today))
    expect(m['members[1].id_number']).toBe('与第1名成员的身份证号码相同')
    expect(m['members[1].name']).toBe('请填写姓名（不超过50个字）')
    expect(m['members[0].disability_grade']).toBe('残疾等级应为1至4级')
    expect(m['members[0].migrant_months']).toBe('务工月数应为0至12')
    h.members = []
    expect(errorMap(validateHousehold(toInput(h), t, today)).members).toBe('至少要有一名家庭成员')
  })
  it('checks registration dates by status', () => {
    const h = valid()
    h.status = 'exited'
    expect(fields(h)).toEqual(['registered_on', 'exited_year'])
    h.registered_on = '2014-10-01'
    h.exited_year = 2013
    expect(errorMap(validateHousehold(toInput(h), t, today)).exited_year).toBe('脱贫年度不能早于建档立卡年度')
    h.exited_year = 2016
    h.survey_date = '2017-07-01'
    expect(errorMap(validateHousehold(toInput(h), t, today)).survey_date).toBe('日期不能晚于今天')
  })
  it('checks the rows of vehicles, properties, businesses and help measures', () => {
    const h = valid()
    h.vehicles.push({ value: '', acquired_on: null, exit_measure: false, plate: '' })
    h.urban_properties.push({ kind: '', acquired_on: '2015-01-01', exit_measure: false, relocation: false, address: '' })
    h.businesses.push({ name: '', reg_no: '', registered_on: null, operating: true, exit_measure: false })
    h.help_measures.push({ measure: ' ', helper: '', helper_unit: '', since: null })
    expect(errorMap(validateHousehold(toInput(h), t, today))).toEqual({
      'vehicles[0].value': '必填',
      'vehicles[0].acquired_on': '请填写日期',
      'urban_properties[0].kind': '必填',
      'businesses[0].registered_on': '请填写日期',
      'help_measures[0].measure': '请填写帮扶措施',
    })
  })
})

describe('server errors on the form', () => {
  it('maps 422 details to fields, joining several problems of one field', () => {
    expect(
      errorMap([
        { field: 'income_wage', message: '金额不能为负数' },
        { field: 'income_wage', message: '金额最多两位小数' },
        { field: 'members[2].id_number', message: '已在户 530103012004-9001' },
      ]),
    ).toEqual({ income_wage: '金额不能为负数；金额最多两位小数', 'members[2].id_number': '已在户 530103012004-9001' })
  })
})

describe('after a version conflict', () => {
  it('lists the clerk’s edits with the value before and the latest saved value', () => {
    const base = toForm(sampleHousehold)
    const mine = toForm(sampleHousehold)
    mine.address = '鼠街村12号'
    mine.income_wage = '6000'
    mine.members[1].health = 'chronic'
    const latest = toForm({ ...sampleHousehold, version: 2, income_wage: '5800.00', phone: '13800000000' })
    const changes = unsavedChanges(toInput(base), toInput(mine), toInput(latest))
    expect(changes).toEqual([
      { path: 'address', yours: '鼠街村12号', before: '', latest: '', otherChanged: false, applicable: true },
      { path: 'income_wage', yours: '6000', before: '5700.5', latest: '5800.00', otherChanged: true, applicable: true },
      { path: 'members[1].health', yours: 'chronic', before: '', latest: '', otherChanged: false, applicable: true },
    ])
    for (const c of changes) setPath(latest, c.path, c.yours)
    expect(latest.address).toBe('鼠街村12号')
    expect(latest.members[1].health).toBe('chronic')
    expect(latest.phone).toBe('13800000000') // the other clerk's change stays
  })
  it('does not write member edits into a record whose members changed', () => {
    const base = toForm(sampleHousehold)
    const mine = toForm(sampleHousehold)
    mine.members[1].name = '李四四'
    const latest = toForm({ ...sampleHousehold, members: [sampleHousehold.members[0]] })
    const [c] = unsavedChanges(toInput(base), toInput(mine), toInput(latest))
    expect(c.path).toBe('members[1].name')
    expect(c.applicable).toBe(false)
  })
})

describe('display', () => {
  const ctx = {
    t,
    locale: 'zh-CN',
    codeLists: { status: [{ code: 'registered', label_zh: '建档立卡未脱贫', label_en: 'registered' }], cause: [{ code: 'illness', label_zh: '因病', label_en: 'illness' }] },
    regions: { district: { code: '530103', name: '盘龙区' }, streets: [{ code: '530103012', name: '阿子营街道', check_team: 'A', villages: [{ code: '530103012004', name: '鼠街村委会' }] }], teams: [] },
  }
  it('shows values by kind', () => {
    const f = (k: string) => householdFields.find((x) => x.key === k)
    expect(showValue(f('income_wage'), '5700.5', ctx)).toBe('5,700.50')
    expect(showValue(f('land_cultivated'), '3.5', ctx)).toBe('3.50')
    expect(showValue(f('dibao'), null, ctx)).toBe('未知')
    expect(showValue(f('dibao'), true, ctx)).toBe('是')
    expect(showValue(f('rural_resident'), false, ctx)).toBe('否')
    expect(showValue(f('status'), 'registered', ctx)).toBe('建档立卡未脱贫')
    expect(showValue(f('other_causes'), ['illness', 'x'], ctx)).toBe('因病、x')
    expect(showValue(f('village_code'), '530103012004', ctx)).toBe('鼠街村委会')
  })
  it('shows history values by path', () => {
    expect(showHistoryValue('income_wage', '5700.50', ctx)).toBe('5,700.50')
    expect(showHistoryValue('other_causes', 'illness', ctx)).toBe('因病')
    expect(showHistoryValue('street_code', '530103012', ctx)).toBe('阿子营街道')
    expect(showHistoryValue('members[0].shares_income', true, ctx)).toBe('是')
    expect(showHistoryValue('dibao', null, ctx)).toBe('')
    expect(showHistoryValue('attachment', 'a.png', ctx)).toBe('a.png')
  })
})
