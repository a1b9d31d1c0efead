import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from '@/api/http'
import type { Campaign } from '@/api/campaigns'
import type { InspectionSummary } from '@/api/oversight'
import { bodyText, byTest, click, me, mountView } from '@/views/crosscheck/testing'

const api = vi.hoisted(() => ({
  listInspections: vi.fn(),
  importInspections: vi.fn(),
  downloadInspectionTemplate: vi.fn(),
  getInspection: vi.fn(),
  deleteInspection: vi.fn(),
  listCampaigns: vi.fn(),
}))
vi.mock('@/api/oversight', async (orig) => ({
  ...(await orig<typeof import('@/api/oversight')>()),
  listInspections: api.listInspections,
  importInspections: api.importInspections,
  downloadInspectionTemplate: api.downloadInspectionTemplate,
  getInspection: api.getInspection,
  deleteInspection: api.deleteInspection,
}))
vi.mock('@/api/campaigns', async (orig) => ({ ...(await orig<typeof import('@/api/campaigns')>()), listCampaigns: api.listCampaigns }))
const { default: View } = await import('./InspectionsView.vue')

const campaign = { id: 1, name: '2017年动态管理', active: true, campaign_year: 2017 } as Campaign
const inspection: InspectionSummary = {
  id: 1, campaign_id: 1, body: 'national', body_label: '国家', kind: 'assessment', kind_label: '检查考核', started_on: '2017-11-06', ended_on: '2017-11-15',
  note: '第三方评估入户抽查', version: 1, created_by: 'district', created_at: '2017-11-20T09:00:00Z', updated_by: 'district', updated_at: '2017-11-20T09:00:00Z',
  sampled_households: 36, sampled_people: 133, faults: 1,
}

async function upload(name: string) {
  const input = byTest('insp-upload-input') as HTMLInputElement
  Object.defineProperty(input, 'files', { value: [new File(['x'], name)], configurable: true })
  input.dispatchEvent(new Event('change', { bubbles: true }))
  await flushPromises()
  await flushPromises()
}

describe('检查记录', () => {
  beforeEach(() => {
    api.listCampaigns.mockResolvedValue([campaign])
    api.listInspections.mockResolvedValue({ items: [inspection], total: 1, page: 1, page_size: 20 })
  })
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('lists the campaign’s inspections with what they sampled', async () => {
    const { w } = await mountView(View, me('district'), '/inspections')
    expect(api.listInspections).toHaveBeenCalledWith({ campaign: 1, street: undefined, page: 1, page_size: 20 })
    expect(w.text()).toContain('国家')
    expect(w.text()).toContain('2017-11-06 — 2017-11-15')
    expect(w.text()).toContain('第三方评估入户抽查')
    w.unmount()
  })

  it('shows every problem of a refused sheet by row, column, value and reason, and records nothing', async () => {
    api.importInspections.mockRejectedValue(
      new ApiError(422, 'invalid', '检查考核结果表有问题，未导入（共2处问题）', [], 'r1', {
        error: { code: 'invalid', message: '检查考核结果表有问题，未导入（共2处问题）' },
        report: {
          problems: [
            { sheet: '抽查户', row: 3, column: '户编号*', value: '530103012004-9999999', reason: '户编号不存在或不在本区' },
            { sheet: '抽查户', row: 5, column: '检查结论*', value: '漏评', reason: '漏评只能是非建档立卡户' },
          ],
        },
      }),
    )
    const { w } = await mountView(View, me('district'), '/inspections')
    await upload('检查考核.xlsx')
    expect(api.importInspections).toHaveBeenCalledWith(expect.any(File), 1)
    const box = byTest('insp-problems')!
    expect(box).not.toBeNull()
    expect(box.textContent).toContain('检查考核结果表有问题，未导入（共2处问题）')
    expect(box.textContent).toContain('共 2 处问题，本次没有导入任何记录')
    const rows = [...box.querySelectorAll('.el-table__body tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()))
    expect(rows).toEqual([
      ['抽查户', '3', '户编号*', '530103012004-9999999', '户编号不存在或不在本区'],
      ['抽查户', '5', '检查结论*', '漏评', '漏评只能是非建档立卡户'],
    ])
    // the list was not reloaded: nothing was recorded
    expect(api.listInspections).toHaveBeenCalledTimes(1)
    w.unmount()
  })

  it('reports an accepted sheet and reloads the list', async () => {
    api.importInspections.mockResolvedValue({ campaign_id: 1, inspections: [inspection, { ...inspection, id: 2 }], households: 48 })
    const { w } = await mountView(View, me('district'), '/inspections')
    await upload('ok.xlsx')
    expect(byTest('insp-problems')).toBeNull()
    expect(byTest('insp-imported')?.textContent).toContain('ok.xlsx 已导入：2 次检查，48 户')
    expect(api.listInspections).toHaveBeenCalledTimes(2)
    w.unmount()
  })

  it('downloads the template', async () => {
    const { w } = await mountView(View, me('district'), '/inspections')
    await click(byTest('insp-template'))
    expect(api.downloadInspectionTemplate).toHaveBeenCalled()
    w.unmount()
  })

  it('lets a street only read', async () => {
    const { w } = await mountView(View, me('street', { streets: ['530103012'], villages: ['530103012004', '530103012005'] }), '/inspections')
    expect(byTest('insp-upload')).toBeNull()
    expect(byTest('insp-new')).toBeNull()
    expect(byTest('insp-delete-1')).toBeNull()
    expect(bodyText()).toContain('抽查到本辖区农户')
    w.unmount()
  })
})
