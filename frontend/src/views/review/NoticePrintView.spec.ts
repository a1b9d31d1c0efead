import { afterEach, describe, expect, it, vi } from 'vitest'
import type { NoticeSheet } from '@/api/villageLists'
import { me, mountReview } from './testing'

const api = vi.hoisted(() => ({ getNoticeSheet: vi.fn() }))
vi.mock('@/api/villageLists', async (orig) => ({ ...(await orig<typeof import('@/api/villageLists')>()), ...api }))
const { default: View } = await import('./NoticePrintView.vue')

const sheet = (over: Partial<NoticeSheet> = {}): NoticeSheet => ({
  title: '鼠街村委会2017年建档立卡贫困户动态管理评议结果公示',
  level: 'village',
  place: '鼠街村委会',
  posted_on: '2017-06-20',
  runs_until: '2017-06-24',
  draft: false,
  report_phone: '12317',
  supervisor: '盘龙区纪委监委、区扶贫办',
  issued_by: '鼠街村委会村民委员会',
  rows: [
    { head_name: '张三', head_id_masked: '530103********0018', group_name: '第1村民小组', household_size: 4, change: '错评剔除', reason: '家庭成员有在岗在编财政供养人员' },
    { head_name: '李四', head_id_masked: '530103********002X', group_name: '第2村民小组', household_size: 3, change: '新识别纳入', reason: '收入低于扶贫标准且住危房' },
  ],
  ...over,
})
const cells = (tr: Element) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())

describe('the printed notice', () => {
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('lays out the title, period, one row per household with the ID masked, where to report and who issues it', async () => {
    api.getNoticeSheet.mockResolvedValue(sheet())
    const { w } = await mountReview(View, me('check_team'), '/review/lists/43/notice?level=village')
    expect(api.getNoticeSheet).toHaveBeenCalledWith(43, 'village')
    expect(w.find('[data-test="notice-title"]').text()).toBe('鼠街村委会2017年建档立卡贫困户动态管理评议结果公示')
    expect(w.find('[data-test="notice-period"]').text()).toContain('公示期为2017年6月20日至2017年6月24日')
    expect(w.findAll('thead th').map((th) => th.text())).toEqual(['序号', '户主', '身份证号', '村民小组', '家庭人口', '拟调整类别', '理由'])
    const rows = w.findAll('[data-test="notice-row"]')
    expect(rows.map((r) => cells(r.element))).toEqual([
      ['1', '张三', '530103********0018', '第1村民小组', '4', '错评剔除', '家庭成员有在岗在编财政供养人员'],
      ['2', '李四', '530103********002X', '第2村民小组', '3', '新识别纳入', '收入低于扶贫标准且住危房'],
    ])
    expect(w.find('[data-test="notice-contact"]').text()).toContain('举报电话：12317；监督单位：盘龙区纪委监委、区扶贫办')
    expect(w.find('[data-test="notice-issuer"]').text()).toBe('鼠街村委会村民委员会2017年6月20日')
    expect(w.find('[data-test="notice-draft"]').exists()).toBe(false)
    // The buttons are not printed.
    expect(w.find('[data-test="notice-print-button"]').element.closest('.no-print')).not.toBeNull()
    const print = vi.fn()
    Object.defineProperty(window, 'print', { value: print, configurable: true })
    await w.find('[data-test="notice-print-button"]').trigger('click')
    expect(print).toHaveBeenCalled()
    expect(document.title).toBe('鼠街村委会2017年建档立卡贫困户动态管理评议结果公示')
    w.unmount()
  })

  it('marks a notice not yet posted as a draft, and says when there is no household to list', async () => {
    api.getNoticeSheet.mockResolvedValue(sheet({ draft: true, rows: [], level: 'street', title: '滇源街道鼠街村委会2017年建档立卡贫困户动态管理审定结果公示' }))
    const { w } = await mountReview(View, me('street'), '/review/lists/43/notice')
    expect(api.getNoticeSheet).toHaveBeenCalledWith(43, undefined)
    expect(w.find('[data-test="notice-draft"]').text()).toBe('草稿（尚未张贴）')
    expect(w.findAll('[data-test="notice-row"]')).toHaveLength(0)
    expect(w.find('tbody').text()).toBe('本次没有拟调整的农户')
    w.unmount()
  })
})
