import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import zh from '@/i18n/zh-CN'
import en from '@/i18n/en'
import type { StaffingRule as Rule, TeamMember } from '@/api/directories'
import StaffingRule from './StaffingRule.vue'
import { attendeeChoices, attendeesText } from './officers'
import { metMark, missingText, ruleMet, ruleRows, shortDepartments, sortMembers } from './teams'

// The staffing rule of 三(一) as the check-team page shows it (team B of the
// demo is one 区经投公司 official short).

const dept = (department: string, department_name: string, have: number) => ({ department, department_name, required: 2, have, met: have >= 2 })
const teamB: Rule = {
  met: false,
  departments: [dept('drc', '区发改局', 2), dept('edu', '区教育局', 3), dept('inv', '区经投公司', 1)],
  missing: [dept('inv', '区经投公司', 1)],
}
const teamA: Rule = { met: true, departments: [dept('drc', '区发改局', 2), dept('inv', '区经投公司', 2)], missing: [] }

function i18n(locale: 'zh-CN' | 'en' = 'zh-CN') {
  return createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } })
}
const tr = (locale: 'zh-CN' | 'en' = 'zh-CN') => i18n(locale).global.t as unknown as (k: string, p?: Record<string, unknown>) => string

describe('the staffing rule', () => {
  it('puts the departments short first', () => {
    expect(ruleRows(teamB).map((d) => d.department)).toEqual(['inv', 'drc', 'edu'])
    expect(ruleRows(teamA).map((d) => d.department)).toEqual(['drc', 'inv'])
  })
  it('names the departments short, in words', () => {
    expect(missingText(teamB, tr())).toBe('区经投公司（现有 1 人，至少 2 人）')
    expect(missingText(teamB, tr('en'))).toBe('区经投公司 (1 of at least 2)')
    expect(missingText(teamA, tr())).toBe('')
  })
  it('reads the departments short from the departments when missing is absent', () => {
    const r = { ...teamB, missing: undefined as unknown as Rule['missing'] }
    expect(shortDepartments(r).map((d) => d.department)).toEqual(['inv'])
    expect(ruleMet({ ...teamA, departments: [dept('inv', '区经投公司', 1)] })).toBe(false)
    expect(ruleMet(teamA)).toBe(true)
    expect([metMark(true), metMark(false)]).toEqual(['✓', '✗'])
  })

  async function show(rule: Rule, team: string) {
    const w = mount(StaffingRule, { props: { rule, team }, attachTo: document.body, global: { plugins: [i18n()] } })
    await flushPromises()
    await flushPromises()
    return w
  }

  it('shows a team short as not met, the department named and marked ✗', async () => {
    const w = await show(teamB, 'B')
    expect(w.find('[data-test="team-B-met"]').text()).toBe('人员配备未达标')
    expect(w.find('[data-test="team-B-met"]').attributes('data-met')).toBe('no')
    expect(w.find('[data-test="team-B-missing"]').text()).toContain('人数不足的部门：区经投公司（现有 1 人，至少 2 人）')
    expect(w.find('[data-test="rule-B-inv"]').text()).toBe('✗')
    expect(w.find('[data-test="rule-B-drc"]').text()).toBe('✓')
    const text = w.find('[data-test="team-B-rule-table"]').text()
    expect(text.indexOf('区经投公司')).toBeLessThan(text.indexOf('区发改局'))
    w.unmount()
  })
  it('shows a team fully staffed as met, with nothing missing', async () => {
    const w = await show(teamA, 'A')
    expect(w.find('[data-test="team-A-met"]').text()).toBe('人员配备达标')
    expect(w.find('[data-test="team-A-missing"]').exists()).toBe(false)
    expect(w.findAll('[data-test^="rule-A-"]').map((x) => x.text())).toEqual(['✓', '✓'])
    w.unmount()
  })

  it('sorts the lead first', () => {
    const m = (id: number, role: 'lead' | 'member', department: string) => ({ id, role, department, name: `n${id}` }) as TeamMember
    expect(sortMembers([m(1, 'member', 'police'), m(2, 'member', 'edu'), m(3, 'lead', 'agri')]).map((x) => x.id)).toEqual([3, 2, 1])
  })
})

describe('trainings', () => {
  it('names the attendees, those removed marked, and counts those out of sight', () => {
    const t = tr()
    const training = {
      attendees: [
        { officer_id: 1, name: '李建华', village_code: '530103009001', village_name: '乌龙社区', removed: false },
        { officer_id: 2, name: '王丽萍', village_code: '530103009004', village_name: '庄房社区', removed: true },
      ],
      attendee_count: 5,
    }
    expect(attendeesText(training, t)).toBe('李建华（乌龙社区）、王丽萍（庄房社区，已移出名录）、其他街道 3 人')
  })
  it('offers a street’s training its own officers only', () => {
    const o = (id: number, street_code: string, village_code: string) => ({ id, street_code, village_code, name: `n${id}` }) as never
    const all = [o(1, '530103012', '530103012004'), o(2, '530103010', '530103010001'), o(3, '530103010', '530103010002')]
    expect(attendeeChoices(all, '530103010').map((x: { id: number }) => x.id)).toEqual([2, 3])
    expect(attendeeChoices(all, '').map((x: { id: number }) => x.id)).toEqual([2, 3, 1])
  })
})
