import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { Dataset } from '@/api/departments'
import type { DeptImport } from '@/api/departmentImports'
import type { Job } from '@/api/jobs'
import { chooseFile, click, me, mountView } from './testing'

const api = vi.hoisted(() => ({
  listDatasets: vi.fn(),
  downloadDatasetTemplate: vi.fn(),
  startImport: vi.fn(),
  listImports: vi.fn(),
  getImport: vi.fn(),
  downloadImportReport: vi.fn(),
  getJob: vi.fn(),
}))
vi.mock('@/api/departments', async (orig) => ({ ...(await orig<typeof import('@/api/departments')>()), listDatasets: api.listDatasets, downloadDatasetTemplate: api.downloadDatasetTemplate }))
vi.mock('@/api/departmentImports', async (orig) => ({
  ...(await orig<typeof import('@/api/departmentImports')>()),
  startImport: api.startImport,
  listImports: api.listImports,
  getImport: api.getImport,
  downloadImportReport: api.downloadImportReport,
}))
vi.mock('@/api/jobs', async (orig) => ({ ...(await orig<typeof import('@/api/jobs')>()), getJob: api.getJob }))
const { default: View } = await import('./DepartmentImportView.vue')

const vehicles: Dataset = {
  code: 'vehicles',
  name: '机动车登记',
  department: 'police',
  rule: 'EX-03',
  columns: [
    { key: 'id_number', header: '身份证号', kind: 'id_number', required: true, example: '530103198001010021', help: '车主的身份证号' },
    { key: 'value', header: '购置价格（元）', kind: 'money', required: true, example: '45000.00', help: '' },
  ],
}
const deaths: Dataset = { code: 'deaths_moves', name: '死亡、迁出和失踪人员', department: 'police', rule: 'EX-09', columns: [] }

const imp = (over: Partial<DeptImport>): DeptImport => ({
  id: 5, department: 'police', dataset: 'vehicles', dataset_name: '机动车登记', file_name: 'cars.csv', rows: 0, status: 'queued',
  problem_count: 0, unmatched: 0, discrepancies: 0, dry_run: false, created_by: 'dept-police', created_at: '2017-06-30T02:00:00Z', job_id: 9, ...over,
})
const job = (over: Partial<Job>): Job => ({
  id: 9, kind: 'department.import', status: 'running', done: 0, total: 0, rate: 0, created_by: 'dept-police', created_at: '2017-06-30T02:00:00Z',
  started_at: '2017-06-30T02:00:00Z', finished_at: null, error: '', ...over,
})

async function pickVehicles(w: Awaited<ReturnType<typeof mountView>>['w']) {
  // The select's options are teleported; choosing sets the model through the option click.
  await click(w.find('[data-test="import-dataset"]').element.querySelector('.el-select__wrapper'))
  await click(document.body.querySelector('[data-test="dataset-vehicles"]'))
}

const uploadRoot = (w: Awaited<ReturnType<typeof mountView>>['w']) => w.find('[data-test="import-upload"]').element.closest('.el-upload')!.parentElement!

describe('行业数据比对导入', () => {
  beforeEach(() => {
    api.listDatasets.mockResolvedValue([vehicles, deaths])
    api.listImports.mockResolvedValue({ items: [imp({ id: 3, status: 'imported', rows: 120, discrepancies: 4, unmatched: 100, file_name: 'old.csv' })], total: 1, page: 1, page_size: 10 })
  })
  afterEach(() => {
    vi.clearAllMocks()
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  it('names each dataset with the rule it bears on and downloads its template', async () => {
    const { w } = await mountView(View, me('department', { department: 'police' }), '/department-imports')
    expect(api.listDatasets).toHaveBeenCalledWith('police')
    await pickVehicles(w)
    expect(document.body.textContent).toContain('机动车登记（EX-03 拥有3万元以上机动车）')
    await click(w.find('[data-test="import-template"]').element)
    expect(api.downloadDatasetTemplate).toHaveBeenCalledWith('police', 'vehicles')
    // The columns' instructions, with the server's help.
    expect(w.text()).toContain('模板各列填写说明（共 2 列）')
    // The history below.
    expect(w.text()).toContain('old.csv')
    expect(w.text()).toContain('导入完成')
    w.unmount()
  })

  it('sends the dry-run flag and lists every problem of a refused file, with the full report to download', async () => {
    api.startImport.mockResolvedValue(imp({ dry_run: true }))
    api.getJob.mockResolvedValue(job({ status: 'done', done: 3, total: 3 }))
    const problems = [
      { row: 2, column: '身份证号', value: '53010319800101002X', reason: '校验码错误' },
      { row: 3, column: '购置日期', value: '2017-13-01', reason: '日期不存在' },
      { row: 4, column: '购置价格（元）', value: '四万', reason: '金额应为数字' },
    ]
    api.getImport.mockResolvedValue(imp({ status: 'refused', dry_run: true, rows: 3, problem_count: 3, problems }))
    const { w } = await mountView(View, me('department', { department: 'police' }), '/department-imports')
    await pickVehicles(w)
    await click(w.find('[data-test="import-dry-run"] input').element)
    expect(w.find('[data-test="import-upload"]').text()).toBe('选择文件并校验')
    const file = await chooseFile(uploadRoot(w), 'cars.csv', 'id_number\n')
    expect(api.startImport).toHaveBeenCalledWith('police', 'vehicles', file, true)
    await flushPromises()
    await flushPromises()
    const result = w.find('[data-test="import-result"]')
    expect(result.attributes('data-status')).toBe('refused')
    expect(w.find('[data-test="import-refused"]').text()).toContain('共 3 处问题')
    const rows = result.findAll('tbody tr').map((r) => r.text())
    expect(rows).toHaveLength(3)
    for (const p of problems) expect(rows.some((r) => r.includes(p.reason) && r.includes(p.column) && r.includes(p.value))).toBe(true)
    await click(w.find('[data-test="import-report"]').element)
    expect(api.downloadImportReport).toHaveBeenCalledWith(5)
    w.unmount()
  })

  it('follows the job with a progress bar in rows, then shows the counts of the import', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    api.startImport.mockResolvedValue(imp({}))
    api.getJob
      .mockResolvedValueOnce(job({ done: 500, total: 1000, rate: 250 }))
      .mockResolvedValue(job({ status: 'done', done: 1000, total: 1000, rate: 400, finished_at: '2017-06-30T02:00:03Z' }))
    api.getImport
      .mockResolvedValueOnce(imp({ status: 'running' }))
      .mockResolvedValue(imp({ status: 'imported', rows: 1000, discrepancies: 7, unmatched: 1, unmatched_people: [{ row: 9, id_number: '530103********0018', name: '王五' }] }))
    const { w } = await mountView(View, me('department', { department: 'police' }), '/department-imports')
    await pickVehicles(w)
    await chooseFile(uploadRoot(w), 'cars.csv')
    expect(api.startImport).toHaveBeenCalledWith('police', 'vehicles', expect.any(File), false)
    await flushPromises()
    expect(w.find('[data-test="job-text"]').text()).toContain('已处理 500 / 1,000 行')
    expect(w.find('[data-test="job-text"]').text()).toContain('每秒 250 行')
    await vi.advanceTimersByTimeAsync(1100)
    await flushPromises()
    const result = w.find('[data-test="import-result"]')
    expect(result.attributes('data-status')).toBe('imported')
    expect(w.find('[data-test="import-counts"]').text()).toContain('共 1,000 行；比对差异 7 条')
    expect(w.find('[data-test="import-counts"]').text()).toContain('户表中未找到的人员 1 人')
    expect(w.text()).toContain('王五')
    w.unmount()
  })

  it('says so when the same file comes again', async () => {
    api.startImport.mockResolvedValue(imp({ status: 'unchanged', job_id: null, same_as: 3, message: '此文件已于 2017-06-30 导入' }))
    api.getImport.mockResolvedValue(imp({ status: 'unchanged', job_id: null, same_as: 3, message: '此文件已于 2017-06-30 导入' }))
    const { w } = await mountView(View, me('department', { department: 'police' }), '/department-imports')
    await pickVehicles(w)
    await chooseFile(uploadRoot(w), 'old.csv')
    await flushPromises()
    expect(w.find('[data-test="import-result"]').attributes('data-status')).toBe('unchanged')
    expect(w.text()).toContain('此文件此前已导入过，本次没有作任何改动')
    expect(w.find('[data-test="import-message"]').text()).toContain('2017-06-30')
    w.unmount()
  })

  it('lets the district choose the department', async () => {
    const { w } = await mountView(View, me('district'), '/department-imports')
    expect(api.listDatasets).not.toHaveBeenCalled()
    expect(w.find('[data-test="import-dept"]').exists()).toBe(true)
    w.unmount()
    await mountView(View, me('district'), '/department-imports?dept=police')
    expect(api.listDatasets).toHaveBeenCalledWith('police')
  })
})
