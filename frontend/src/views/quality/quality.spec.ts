import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { QualityCount } from '@/api/dataQuality'
import { focusOf, focusPath } from '@/views/households/focusField'
import { checkCodes, fieldQuery, filterFromQuery, filterToQuery, fixLink, pickCheck, pickSeverity, pickVillage, requestOf, totals, type QualityPageFilter } from './quality'

const none: QualityPageFilter = { street: '', village: '', code: '', severity: '', page: 1, page_size: 20 }

describe('the filter in the URL', () => {
  it('reads what it understands and leaves the rest out', () => {
    expect(filterFromQuery({})).toEqual(none)
    expect(filterFromQuery({ street: '530103011', village: '530103011005', code: 'dq-06', severity: 'warning', page: '3', page_size: '50' })).toEqual({
      street: '530103011', village: '530103011005', code: 'DQ-06', severity: 'warning', page: 3, page_size: 50,
    })
    expect(filterFromQuery({ street: 'x', village: '5301', code: 'DQ-17', severity: 'fatal', page: '-1', page_size: '1000' })).toEqual(none)
    expect(filterFromQuery({ code: ['DQ-01', 'DQ-02'] })).toEqual(none)
  })
  it('writes only what is set and comes back the same', () => {
    expect(filterToQuery(none)).toEqual({})
    const f: QualityPageFilter = { street: '530103012', village: '', code: 'DQ-10', severity: 'warning', page: 2, page_size: 100 }
    expect(filterToQuery(f)).toEqual({ street: '530103012', code: 'DQ-10', severity: 'warning', page: '2', page_size: '100' })
    expect(filterFromQuery(filterToQuery(f))).toEqual(f)
  })
  it('asks the server without the empty parts', () => {
    expect(requestOf({ ...none, code: 'DQ-04' })).toEqual({ street: undefined, village: undefined, code: 'DQ-04', severity: undefined, page: 1, page_size: 20 })
  })
  it('knows the sixteen checks', () => {
    expect(checkCodes).toHaveLength(16)
    expect(checkCodes[0]).toBe('DQ-01')
    expect(checkCodes[15]).toBe('DQ-16')
  })
})

describe('clicks that filter', () => {
  const dq04 = { code: 'DQ-04', severity: 'error' as const }
  const dq06 = { code: 'DQ-06', severity: 'warning' as const }
  it('a check shows its findings from page 1, and a second click shows all again', () => {
    const once = pickCheck({ ...none, page: 4 }, dq04)
    expect(once).toMatchObject({ code: 'DQ-04', page: 1 })
    expect(pickCheck(once, dq04)).toMatchObject({ code: '', page: 1 })
    expect(pickCheck(once, dq06).code).toBe('DQ-06')
  })
  it('a check drops a severity that would hide all its findings, and keeps one that agrees', () => {
    expect(pickCheck({ ...none, severity: 'error' }, dq06)).toMatchObject({ code: 'DQ-06', severity: '' })
    expect(pickCheck({ ...none, severity: 'warning' }, dq06)).toMatchObject({ code: 'DQ-06', severity: 'warning' })
  })
  it('a severity drops a chosen check and toggles', () => {
    expect(pickSeverity({ ...none, code: 'DQ-04' }, 'warning')).toMatchObject({ severity: 'warning', code: '' })
    expect(pickSeverity({ ...none, severity: 'warning' }, 'warning')).toMatchObject({ severity: '' })
    expect(pickSeverity({ ...none, code: 'DQ-04', severity: 'error' }, 'error')).toMatchObject({ severity: '', code: 'DQ-04' })
  })
  it('a village sets it with its street, and a second click clears it', () => {
    const v = { village_code: '530103011005', street_code: '530103011' }
    const once = pickVillage({ ...none, code: 'DQ-15', page: 2 }, v)
    expect(once).toEqual({ ...none, code: 'DQ-15', street: '530103011', village: '530103011005' })
    expect(pickVillage(once, v)).toMatchObject({ street: '530103011', village: '', code: 'DQ-15' })
  })
  it('adds up the summary by severity', () => {
    const s: QualityCount[] = [
      { code: 'DQ-04', severity: 'error', title: '', count: 9 },
      { code: 'DQ-01', severity: 'error', title: '', count: 0 },
      { code: 'DQ-05', severity: 'warning', title: '', count: 137 },
      { code: 'DQ-10', severity: 'warning', title: '', count: 3 },
    ]
    expect(totals(s)).toEqual({ error: { findings: 9, checks: 1 }, warning: { findings: 140, checks: 2 } })
  })
})

describe('the link to the field', () => {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/households/:id(\\d+)', name: 'household', component: {} },
      { path: '/households/:id(\\d+)/edit', name: 'household-edit', component: {} },
    ],
  })
  const href = (l: ReturnType<typeof fixLink>) => router.resolve(l).href

  it('opens a member’s field of the form with the member', () => {
    const it = { household_id: 348, field: 'members.schooling_status', member_id: 1219 }
    expect(fieldQuery(it)).toEqual({ field: 'members.schooling_status', member: '1219' })
    expect(href(fixLink(it, true))).toBe('/households/348/edit?field=members.schooling_status&member=1219')
  })
  it('opens a household field without a member, and a member field no member is named for', () => {
    expect(href(fixLink({ household_id: 281, field: 'income_wage', member_id: null }, true))).toBe('/households/281/edit?field=income_wage')
    expect(href(fixLink({ household_id: 9, field: 'members.relation', member_id: null }, true))).toBe('/households/9/edit?field=members.relation')
  })
  it('sends those who only read to the household’s page', () => {
    expect(href(fixLink({ household_id: 348, field: 'members.schooling_status', member_id: 1219 }, false))).toBe('/households/348')
  })
  it('is read back by the form: the member by id, else the member list', () => {
    const members = [{ id: 1219 }, { id: 1220 }, { id: 0 }]
    const q = router.resolve(fixLink({ household_id: 348, field: 'members.labour_ability', member_id: 1220 }, true)).query
    const f = focusOf(q)!
    expect(f).toEqual({ field: 'members.labour_ability', member: 1220 })
    expect(focusPath(f.field, f.member, members)).toBe('members[1].labour_ability')
    expect(focusPath('members.relation', null, members)).toBe('members')
    expect(focusPath('members.relation', 999, members)).toBe('members')
    expect(focusPath('registered_on', null, members)).toBe('registered_on')
    expect(focusOf({ field: 'x"]); alert(1' })).toBeNull()
    expect(focusOf({})).toBeNull()
    expect(focusOf({ field: 'housing_grade', member: 'abc' })).toEqual({ field: 'housing_grade', member: null })
  })
})
