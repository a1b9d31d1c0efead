import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { click, list, me, mountReview, stageOf } from './testing'

const api = vi.hoisted(() => ({ getBoard: vi.fn() }))
vi.mock('@/api/villageLists', async (orig) => ({ ...(await orig<typeof import('@/api/villageLists')>()), ...api }))
const camp = vi.hoisted(() => ({ nationalExport: vi.fn(async () => undefined) }))
vi.mock('@/api/campaigns', async (orig) => ({
  ...(await orig<typeof import('@/api/campaigns')>()),
  ...camp,
  listCampaigns: async () => [
    { id: 2, name: '2016年动态管理', active: false },
    { id: 1, name: '2017年动态管理', active: true },
  ],
}))
const { default: View } = await import('./ReviewBoardView.vue')
const { allStages } = await import('./testing')

const lists = [
  list(1, stageOf('analysis'), { village_name: '鼠街村委会', village_code: '530103012004', overdue: true }),
  list(2, stageOf('analysis'), { village_name: '甸尾村委会', village_code: '530103012005' }),
  list(3, stageOf('village_decision'), { village_name: '阿子营村委会', village_code: '530103013001', street_code: '530103013', street_name: '阿子营街道' }, { flagged: 2 }),
  list(4, stageOf('recorded'), { village_name: '麦冲社区', village_code: '530103012009' }, { open_reports: 1 }),
]
const rowsText = () => [...document.body.querySelectorAll('.el-table__body tbody tr')].map((tr) => tr.textContent ?? '')
const countOf = (key: string) => document.body.querySelector(`[data-test="board-stage-${key}"] [data-test="board-stage-count"]`)?.textContent

describe('村级名单 board', () => {
  beforeEach(() => api.getBoard.mockResolvedValue({ stages: allStages, lists }))
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('reads the active campaign’s board and shows every list by stage with the overdue in red', async () => {
    const { w } = await mountReview(View, me('district'), '/review')
    expect(api.getBoard).toHaveBeenCalledWith(1, { street: undefined })
    const rows = rowsText()
    expect(rows).toHaveLength(4)
    expect(rows[0]).toContain('鼠街村委会')
    expect(rows[0]).toContain('1. 贫情分析')
    expect(rows[0]).toContain('已逾期')
    expect(rows[2]).toContain('7. 村两委决定')
    expect(rows[3]).toContain('14. 录入全国扶贫开发信息系统')
    expect(w.findAll('[data-test="board-overdue"]')).toHaveLength(1)
    expect(countOf('analysis')).toBe('2')
    expect(countOf('survey')).toBe('0')
    expect(document.body.querySelector('[data-test="board-stage-analysis"]')?.textContent).toContain('逾期 1')
    expect(w.find('[data-test="board-count"]').text()).toBe('共 4 个村，其中逾期 1 个')
    w.unmount()
  })

  it('filters by a stage chosen on the summary bar and again to clear it', async () => {
    const { w, router } = await mountReview(View, me('district'), '/review')
    await click(document.body.querySelector('[data-test="board-stage-village_decision"]'))
    expect(rowsText()).toHaveLength(1)
    expect(rowsText()[0]).toContain('阿子营村委会')
    expect(router.currentRoute.value.query.stage).toBe('village_decision')
    await click(document.body.querySelector('[data-test="board-stage-village_decision"]'))
    expect(rowsText()).toHaveLength(4)
    w.unmount()
  })

  it('honours the work items’ filters: mine, flagged, overdue, reports', async () => {
    let m = await mountReview(View, me('check_team', { team: 'A' }), '/review?mine=1')
    expect(rowsText().map((r) => r.includes('鼠街村委会') || r.includes('甸尾村委会'))).toEqual([true, true])
    expect(m.w.find('[data-test="board-quick-mine"]').exists()).toBe(true)
    // The summary counts what the filter lets through.
    expect(countOf('village_decision')).toBe('0')
    m.w.unmount()
    document.body.innerHTML = ''

    m = await mountReview(View, me('village_officer'), '/review?mine=1')
    expect(rowsText()).toHaveLength(1)
    expect(rowsText()[0]).toContain('阿子营村委会')
    m.w.unmount()
    document.body.innerHTML = ''

    for (const [q, village] of [['flagged', '阿子营村委会'], ['overdue', '鼠街村委会'], ['reports', '麦冲社区']]) {
      m = await mountReview(View, me('street'), `/review?${q}=1`)
      expect(rowsText(), q).toHaveLength(1)
      expect(rowsText()[0]).toContain(village)
      m.w.unmount()
      document.body.innerHTML = ''
    }
  })

  it('clears a quick filter from its tag', async () => {
    const { w, router } = await mountReview(View, me('street'), '/review?overdue=1')
    expect(rowsText()).toHaveLength(1)
    await click(document.body.querySelector('[data-test="board-quick-overdue"] .el-tag__close'))
    expect(rowsText()).toHaveLength(4)
    expect(router.currentRoute.value.query.overdue).toBeUndefined()
    w.unmount()
  })

  it('opens a list from its village', async () => {
    const { w, router } = await mountReview(View, me('district'), '/review')
    expect(w.find('[data-test="board-open-530103013001"]').attributes('href')).toBe('/review/lists/3')
    await click(w.find('[data-test="board-open-530103013001"]').element)
    expect(router.currentRoute.value.fullPath).toBe('/review/lists/3')
    w.unmount()
  })

  it('gives the district the national export in three formats, and no one else', async () => {
    let m = await mountReview(View, me('district'), '/review')
    expect(document.body.querySelector('[data-test="national-export"]')).not.toBeNull()
    await click(document.body.querySelector('[data-test="national-export"]'))
    await click(document.body.querySelector('[data-test="national-export-csv"]'))
    expect(camp.nationalExport).toHaveBeenCalledWith(1, 'csv', { street: undefined })
    m.w.unmount()
    document.body.innerHTML = ''
    for (const role of ['check_team', 'street', 'supervisor', 'village_officer'] as const) {
      m = await mountReview(View, me(role), '/review')
      expect(document.body.querySelector('[data-test="national-export"]'), role).toBeNull()
      m.w.unmount()
      document.body.innerHTML = ''
    }
  })
})
