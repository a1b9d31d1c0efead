import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type * as Departments from '@/api/departments'
import type { HouseholdTask, ResponsibleField, TaskPage } from '@/api/departments'
import { ApiError } from '@/api/http'
import { bodyText, byTest, chooseFile, click, me, mountView, type } from './testing'

const api = vi.hoisted(() => ({
  responsibilities: vi.fn(),
  listHouseholdTasks: vi.fn(),
  listVillageTasks: vi.fn(),
  confirmTasks: vi.fn(),
  correctTask: vi.fn(),
  disputeTask: vi.fn(),
  exportTasks: vi.fn(),
  importTasks: vi.fn(),
}))
vi.mock('@/api/departments', async (orig) => ({ ...(await orig<typeof Departments>()), ...api }))
vi.mock('@/api/campaigns', async (orig) => ({
  ...(await orig<typeof import('@/api/campaigns')>()),
  listCampaigns: async () => [{ id: 1, name: '2017年动态管理', active: true }],
}))
const confirmBox = vi.hoisted(() => vi.fn(async () => 'confirm'))
vi.mock('element-plus', async (orig) => ({ ...(await orig<typeof import('element-plus')>()), ElMessageBox: { confirm: () => confirmBox() } }))
const { default: View } = await import('./DepartmentTasksView.vue')

const fields: ResponsibleField[] = [
  { key: 'eco_compensation', table: 'household', label: '生态补偿', kind: 'decimal' },
  { key: 'coop_member', table: 'household', label: '加入合作社', kind: 'bool' },
  { key: 'members.name', table: 'member', label: '姓名', kind: 'text' },
  { key: 'village.collective_income', table: 'village', label: '村集体经济收入', kind: 'decimal' },
]

const household = (id: number, over: Partial<HouseholdTask> = {}): HouseholdTask => ({
  household_id: id,
  code: `530103012004-${id}`,
  version: 3,
  street_code: '530103012',
  street_name: '滇源街道',
  village_code: '530103012004',
  village_name: '鼠街村委会',
  members: [
    { id: id * 10 + 1, name: '张三', id_number: '530103198001010021' },
    { id: id * 10 + 2, name: '李四', id_number: '53010319820202004X' },
  ],
  fields: [
    { key: 'eco_compensation', label: '生态补偿', member_id: 0, member_name: '', value: '45000.00', state: 'pending', note: '', by: '', at: null },
    { key: 'coop_member', label: '加入合作社', member_id: 0, member_name: '', value: 'true', state: 'confirmed', note: '', by: 'agri', at: '2017-06-30T02:00:00Z' },
    { key: 'members.name', label: '姓名', member_id: id * 10 + 1, member_name: '张三', value: '张三', state: 'pending', note: '', by: '', at: null },
    { key: 'members.name', label: '姓名', member_id: id * 10 + 2, member_name: '李四', value: '李四', state: 'disputed', note: '查无此人', by: 'agri', at: null },
  ],
  ...over,
})

const page = (items: HouseholdTask[]): TaskPage<HouseholdTask> => ({
  items,
  total: items.length,
  page: 1,
  page_size: 20,
  counts: { pending: 12, confirmed: 3, corrected: 1, disputed: 2 },
})

const liaison = () => me('department', { department: 'agri' })

describe('部门核实任务', () => {
  beforeEach(() => {
    api.responsibilities.mockResolvedValue({ code: 'agri', name: '区农林局', fields })
    api.listHouseholdTasks.mockResolvedValue(page([household(7), household(8)]))
    api.confirmTasks.mockResolvedValue({ confirmed: 2 })
  })
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('lists the liaison’s own department’s pending household fields with members’ full ID numbers and the counts', async () => {
    const { w } = await mountView(View, liaison(), '/department-tasks')
    expect(api.responsibilities).toHaveBeenCalledWith('agri')
    expect(api.listHouseholdTasks).toHaveBeenCalledWith('agri', expect.objectContaining({ campaign_id: 1, state: 'pending', page: 1 }))
    expect(w.find('[data-test="count-pending"]').text()).toBe('12')
    expect(w.find('[data-test="count-disputed"]').text()).toBe('2')
    const text = w.text()
    expect(text).toContain('530103198001010021')
    expect(text).toContain('53010319820202004X')
    // The household table's fields only: the village field is a column of the 村表 tab.
    expect(text).toContain('生态补偿')
    expect(text).not.toContain('村集体经济收入')
    expect(w.find('[data-test="entry-7-eco_compensation-0"]').text()).toContain('45,000.00')
    expect(w.find('[data-test="entry-7-eco_compensation-0"]').text()).toContain('待核实')
    expect(w.find('[data-test="entry-7-coop_member-0"]').text()).toContain('是')
    expect(w.find('[data-test="entry-7-members.name-72"]').text()).toContain('查无此人')
    w.unmount()
  })

  it('corrects a decimal field with the right input and sends value, note and the version seen', async () => {
    api.correctTask.mockResolvedValue(household(7))
    const { w } = await mountView(View, liaison(), '/department-tasks')
    await click(w.find('[data-test="entry-7-eco_compensation-0"] [data-test="entry-correct"]').element)
    expect(byTest('task-current')?.textContent).toBe('45,000.00')

    // A note is required: nothing is sent without it.
    await type(byTest('task-value'), '1，200.5')
    await click(byTest('task-submit'))
    expect(api.correctTask).not.toHaveBeenCalled()
    expect(byTest('task-problems')?.textContent).toContain('请填写更正说明')

    await type(byTest('task-note'), '依据生态补偿名册')
    await click(byTest('task-submit'))
    expect(api.correctTask).toHaveBeenCalledWith('agri', {
      campaign_id: 1,
      kind: 'household',
      household_id: 7,
      field: 'eco_compensation',
      member_id: 0,
      value: '1200.50',
      note: '依据生态补偿名册',
      version: 3,
    })
    expect(api.listHouseholdTasks).toHaveBeenCalledTimes(2)
    w.unmount()
  })

  it('keeps the dialog and what was typed when the household changed meanwhile (409)', async () => {
    api.correctTask.mockRejectedValue(new ApiError(409, 'version_conflict', '数据已被他人修改'))
    const { w } = await mountView(View, liaison(), '/department-tasks')
    api.listHouseholdTasks.mockResolvedValue(page([household(7, { version: 4, fields: [{ ...household(7).fields[0], value: '50000.00' }] })]))
    await click(w.find('[data-test="entry-7-eco_compensation-0"] [data-test="entry-correct"]').element)
    await type(byTest('task-value'), '1200')
    await type(byTest('task-note'), '名册')
    await click(byTest('task-submit'))
    expect(byTest('task-problems')?.textContent).toContain('已被他人修改')
    expect(byTest('task-problems')?.textContent).toContain('50,000.00')
    expect((byTest('task-note') as HTMLTextAreaElement).value).toBe('名册')
    // Submitting again carries the new version.
    api.correctTask.mockResolvedValue(household(7))
    await click(byTest('task-submit'))
    expect(api.correctTask).toHaveBeenLastCalledWith('agri', expect.objectContaining({ version: 4, value: '1200.00', note: '名册' }))
    w.unmount()
  })

  it('records an objection with its note', async () => {
    api.disputeTask.mockResolvedValue(household(7))
    const { w } = await mountView(View, liaison(), '/department-tasks')
    await click(w.find('[data-test="entry-7-members.name-71"] [data-test="entry-dispute"]').element)
    await type(byTest('task-note'), '本部门无此人登记')
    await click(byTest('task-submit'))
    expect(api.disputeTask).toHaveBeenCalledWith('agri', {
      campaign_id: 1,
      kind: 'household',
      household_id: 7,
      field: 'members.name',
      member_id: 71,
      note: '本部门无此人登记',
    })
    w.unmount()
  })

  it('confirms the pending fields of the selected households in one call', async () => {
    const { w } = await mountView(View, liaison(), '/department-tasks')
    const boxes = w.findAll('.el-table__body-wrapper .el-checkbox__original')
    expect(boxes.length).toBe(2)
    await boxes[0].setValue(true)
    await flushPromises()
    const button = w.find('[data-test="confirm-selected"]')
    expect(button.text()).toContain('（2）')
    await click(button.element)
    expect(confirmBox).toHaveBeenCalled()
    expect(api.confirmTasks).toHaveBeenCalledWith('agri', {
      campaign_id: 1,
      kind: 'household',
      items: [
        { household_id: 7, field: 'eco_compensation', member_id: 0 },
        { household_id: 7, field: 'members.name', member_id: 71 },
      ],
    })
    // The confirmed rows are no longer checked.
    expect(api.listHouseholdTasks).toHaveBeenCalledTimes(2)
    expect(w.find('[data-test="confirm-selected"]').text()).not.toContain('（')
    expect(w.find('[data-test="confirm-selected"]').attributes('disabled')).toBeDefined()
    w.unmount()
  })

  it('confirms everything under the current filter', async () => {
    const { w } = await mountView(View, liaison(), '/department-tasks')
    await type(w.find('[data-test="tasks-q"]').element, '张三')
    await click(w.find('[data-test="confirm-all"]').element)
    expect(api.confirmTasks).toHaveBeenCalledWith('agri', { campaign_id: 1, kind: 'household', all: true, street: undefined, village: undefined, q: '张三' })
    w.unmount()
  })

  it('shows every problem of a refused confirmation sheet', async () => {
    api.importTasks.mockResolvedValue({
      ok: false,
      message: '核实表有 3 处问题，未导入',
      total: 3,
      problems: [
        { row: 3, column: '核实结果', value: '对', reason: '应为 确认、更正 或 有异议' },
        { row: 5, column: '正确的值', value: 'abc', reason: '“abc”不是数字' },
        { row: 9, column: '说明', value: '', reason: '更正须填写说明' },
      ],
    })
    const { w } = await mountView(View, liaison(), '/department-tasks')
    const upload = w.find('[data-test="tasks-upload"]').element.closest('.el-upload')!.parentElement!
    const file = await chooseFile(upload, '核实表.xlsx')
    expect(api.importTasks).toHaveBeenCalledWith('agri', file, 1)
    expect(w.find('[data-test="tasks-upload-refused"]').text()).toContain('3 处问题')
    const rows = w.findAll('.el-table__body-wrapper tbody tr').filter((r) => /核实结果|正确的值|说明/.test(r.text()))
    expect(rows.map((r) => r.text())).toEqual([
      expect.stringContaining('应为 确认、更正 或 有异议'),
      expect.stringContaining('“abc”不是数字'),
      expect.stringContaining('更正须填写说明'),
    ])
    w.unmount()
  })

  it('lets the district read any department’s inbox without acting on it', async () => {
    const { w } = await mountView(View, me('district'), '/department-tasks?dept=agri')
    expect(api.listHouseholdTasks).toHaveBeenCalledWith('agri', expect.anything())
    expect(w.find('[data-test="tasks-dept"]').exists()).toBe(true)
    expect(w.find('[data-test="confirm-selected"]').exists()).toBe(false)
    expect(w.find('[data-test="entry-correct"]').exists()).toBe(false)
    expect(w.find('[data-test="tasks-upload"]').exists()).toBe(false)
    expect(w.findAll('.el-table__body-wrapper .el-checkbox').length).toBe(0)
    expect(bodyText()).toContain('下载待核实表')
    w.unmount()
  })
})
