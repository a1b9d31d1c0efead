import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Discrepancy, DiscrepancyDetail } from '@/api/discrepancies'
import type { HouseholdOutcome } from '@/api/outcomes'
import { byTest, click, me, mountView, type } from './testing'

const api = vi.hoisted(() => ({ datasetNames: vi.fn(async () => ({ vehicles: '机动车登记', dibao: '低保和特困供养' })), listDiscrepancies: vi.fn(), getDiscrepancy: vi.fn(), resolveDiscrepancy: vi.fn(), exportDiscrepancies: vi.fn() }))
vi.mock('@/api/discrepancies', async (orig) => ({ ...(await orig<typeof import('@/api/discrepancies')>()), ...api }))
vi.mock('@/api/campaigns', async (orig) => ({
  ...(await orig<typeof import('@/api/campaigns')>()),
  listCampaigns: async () => [{ id: 1, name: '2017年动态管理', active: true }],
}))
const { default: View } = await import('./DiscrepanciesView.vue')

const item = (over: Partial<Discrepancy> = {}): Discrepancy => ({
  id: 11,
  dataset: 'vehicles',
  dataset_name: '机动车登记',
  department: 'police',
  rule: 'EX-03',
  field: 'vehicles',
  field_label: '机动车',
  household_id: 42,
  household_code: '530103012004-0042',
  street_code: '530103012',
  street_name: '滇源街道',
  village_code: '530103012004',
  village_name: '鼠街村委会',
  member_id: 420,
  member_name: '张三',
  id_number: '530103********0021',
  survey_value: '未登记',
  department_value: '云A12345，购置价格45000.00元，2017-03-01购置',
  status: 'open',
  status_label: '待处理',
  reason: '',
  resolved_by: '',
  resolved_at: null,
  created_at: '2017-06-30T02:00:00Z',
  ...over,
})
const detail = (over: Partial<DiscrepancyDetail> = {}): DiscrepancyDetail => ({
  ...item(),
  id_number: '530103198001010021',
  record: [{ header: '身份证号', value: '530103198001010021' }, { header: '车牌号', value: '云A12345' }, { header: '购置价格（元）', value: '45000.00' }],
  outcome: null,
  ...over,
})

describe('比对差异', () => {
  beforeEach(() => {
    api.listDiscrepancies.mockResolvedValue({ items: [item(), item({ id: 12, rule: 'EX-01', dataset: 'payroll', dataset_name: '财政供养人员' })], total: 2, page: 1, page_size: 20, counts: { open: 2, accepted: 5, kept: 1 } })
    api.getDiscrepancy.mockResolvedValue(detail())
  })
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('lists the open discrepancies with their rule in words and the counts by status', async () => {
    const { w } = await mountView(View, me('check_team', { team: 'A', streets: ['530103012'] }), '/discrepancies')
    expect(api.listDiscrepancies).toHaveBeenCalledWith(expect.objectContaining({ status: 'open', campaign_id: 1, page: 1 }))
    expect(w.find('[data-test="d-count-accepted"]').text()).toBe('5')
    const text = w.text()
    expect(text).toContain('EX-03 拥有3万元以上机动车')
    expect(text).toContain('区公安分局 · 机动车登记')
    expect(text).toContain('云A12345，购置价格45000.00元')
    await click(w.find('[data-test="status-all"] input').element)
    expect(api.listDiscrepancies).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'all' }))
    w.unmount()
  })

  it('shows the two values side by side and keeps the survey’s only with a reason', async () => {
    api.resolveDiscrepancy.mockResolvedValue(detail({ status: 'kept', reason: '车辆已转让', resolved_by: 'team-A', resolved_at: '2017-07-01T02:00:00Z' }))
    const { w } = await mountView(View, me('check_team', { team: 'A' }), '/discrepancies')
    await click(w.find('[data-test="d-open-11"]').element)
    expect(api.getDiscrepancy).toHaveBeenCalledWith(11)
    expect(byTest('d-survey')?.textContent).toBe('未登记')
    expect(byTest('d-department')?.textContent).toContain('购置价格45000.00元')
    expect(byTest('d-rule')?.textContent).toBe('EX-03')
    expect(byTest('d-rule-name')?.textContent).toBe('拥有3万元以上机动车')
    expect(byTest('d-record')?.textContent).toContain('云A12345')
    expect(byTest('d-id-number')?.textContent).toBe('530103198001010021')
    expect(byTest('d-household-link')?.getAttribute('href')).toBe('/households/42?tab=outcome')

    await click(byTest('d-keep'))
    expect(api.resolveDiscrepancy).not.toHaveBeenCalled()
    expect(byTest('d-error')?.textContent).toContain('须说明理由')
    await type(byTest('d-reason'), '车辆已转让')
    await click(byTest('d-keep'))
    expect(api.resolveDiscrepancy).toHaveBeenCalledWith(11, { decision: 'keep', reason: '车辆已转让' })
    expect(byTest('d-resolution')?.textContent).toContain('保留了调查数据')
    expect(w.find('[data-test="d-count-kept"]').text()).toBe('2')
    w.unmount()
  })

  it('takes the department’s value and shows the household’s new outcome', async () => {
    const outcome = { outcome: 'exit_normal', outcome_label: '正常退出', previous_outcome: 'keep', previous_outcome_label: '保留', per_capita_income: '3200.00' } as HouseholdOutcome
    api.resolveDiscrepancy.mockResolvedValue(detail({ status: 'accepted', resolved_by: 'team-A', resolved_at: '2017-07-01T02:00:00Z', outcome }))
    const { w } = await mountView(View, me('district'), '/discrepancies')
    await click(w.find('[data-test="d-open-11"]').element)
    await click(byTest('d-accept'))
    expect(api.resolveDiscrepancy).toHaveBeenCalledWith(11, { decision: 'accept', reason: '' })
    expect(byTest('d-outcome-before')?.textContent?.trim()).toBe('保留')
    expect(byTest('d-outcome-tag')?.textContent?.trim()).toBe('正常退出')
    expect(byTest('d-accept')).toBeNull()
    expect(w.find('tbody').text()).toContain('已采纳部门数据')
    w.unmount()
  })

  it('lets the street and the supervisor read without resolving', async () => {
    for (const role of ['street', 'supervisor'] as const) {
      const { w } = await mountView(View, me(role), '/discrepancies')
      await click(w.find('[data-test="d-open-11"]').element)
      expect(byTest('d-department')?.textContent).toContain('45000.00')
      expect(byTest('d-accept')).toBeNull()
      expect(byTest('d-keep')).toBeNull()
      expect(byTest('d-reason')).toBeNull()
      w.unmount()
      document.body.innerHTML = ''
    }
  })

  it('filters by rule and village, keeping the filter in the address', async () => {
    const { w, router } = await mountView(View, me('district'), '/discrepancies?rule=EX-01&village=530103012004')
    expect(api.listDiscrepancies).toHaveBeenCalledWith(expect.objectContaining({ rule: 'EX-01', village: '530103012004', status: 'open' }))
    await click(w.find('[data-test="d-export"]').element)
    expect(api.exportDiscrepancies).toHaveBeenCalledWith(expect.objectContaining({ rule: 'EX-01', village: '530103012004' }))
    await click(w.find('[data-test="status-kept"] input').element)
    expect(router.currentRoute.value.query).toEqual({ status: 'kept', rule: 'EX-01', village: '530103012004' })
    w.unmount()
  })
})
