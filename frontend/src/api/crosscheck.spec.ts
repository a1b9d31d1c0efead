import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './http'
import { fileProblemsOf } from './problems'
import { getImport, listImports, startImport } from './departmentImports'
import { importTasks } from './departments'

// The typed clients of the cross-check endpoints against a stubbed fetch:
// what they send, and how they read the answers (a refused file's problems
// wherever the body carries them).

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('fileProblemsOf', () => {
  const err = (body: unknown, details: { field: string; message: string }[] = []) => new ApiError(422, 'validation_failed', '文件有问题', details, '', body)
  it('reads the problems under report, at the top or from the details', () => {
    const p = { row: 3, column: '购置日期', value: '2017-13-01', reason: '日期不存在' }
    expect(fileProblemsOf(err({ report: { problems: [p] } }))?.problems).toEqual([p])
    expect(fileProblemsOf(err({ problems: [p, p], problem_count: 5 }))).toMatchObject({ total: 5, message: '文件有问题' })
    expect(fileProblemsOf(err({}, [{ field: '7:身份证号', message: '校验码错误' }]))?.problems).toEqual([{ row: 7, column: '身份证号', value: '', reason: '校验码错误' }])
  })
  it('is null for any other error', () => {
    expect(fileProblemsOf(new ApiError(409, 'conflict', 'x'))).toBeNull()
    expect(fileProblemsOf(new Error('x'))).toBeNull()
    expect(fileProblemsOf(err({}))).toBeNull()
  })
})

describe('department imports', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockReset()
  })
  afterEach(() => vi.unstubAllGlobals())

  it('uploads the file with its dataset, dry run in the query', async () => {
    fetchMock.mockImplementation(async () => json(202, { id: 4, status: 'queued', job_id: 8, unmatched: 0 }))
    const file = new File(['a'], 'cars.csv')
    const r = await startImport('police', 'vehicles', file, true)
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/v1/departments/police/imports?dry_run=true')
    expect(init.method).toBe('POST')
    expect((init.body as FormData).get('dataset')).toBe('vehicles')
    expect((init.body as FormData).get('file')).toBeInstanceOf(File)
    expect(r).toMatchObject({ id: 4, job_id: 8 })
    await startImport('police', 'vehicles', file, false)
    expect(fetchMock.mock.calls[1][0]).toBe('/api/v1/departments/police/imports')
  })

  it('reads the unmatched people whether the detail names them unmatched or unmatched_people', async () => {
    const people = [{ row: 9, id_number: '530103********0018', name: '王五' }]
    fetchMock.mockResolvedValueOnce(json(200, { id: 4, status: 'imported', unmatched: people }))
    const d = await getImport(4, { id: 4, unmatched: 120 } as never)
    expect(d.unmatched_people).toEqual(people)
    expect(d.unmatched).toBe(120)
    fetchMock.mockResolvedValueOnce(json(200, { id: 4, status: 'imported', unmatched: 3, unmatched_people: people }))
    expect(await getImport(4)).toMatchObject({ unmatched: 3, unmatched_people: people })
    fetchMock.mockResolvedValueOnce(json(200, { items: [{ id: 4, unmatched: 2 }], total: 1, page: 1, page_size: 10 }))
    expect((await listImports('police')).items[0].unmatched).toBe(2)
  })

  it('returns a refused confirmation sheet’s problems instead of throwing', async () => {
    fetchMock.mockResolvedValue(
      json(422, { error: { code: 'validation_failed', message: '核实表有 2 处问题' }, report: { confirmed: 0, corrected: 0, disputed: 0, problems: [{ sheet: '', row: 2, column: '处理', value: '好', reason: '应为 确认、更正 或 有异议' }, { sheet: '', row: 4, column: '说明', value: '', reason: '更正须填写说明' }] } }),
    )
    const r = await importTasks('agri', new File(['x'], 'a.xlsx'), 1)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problems.map((p) => p.reason)).toEqual(['应为 确认、更正 或 有异议', '更正须填写说明'])
      expect(r.total).toBe(2)
    }
  })
})
