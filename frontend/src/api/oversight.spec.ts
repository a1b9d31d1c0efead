import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './http'
import { fileProblemsOf } from './problems'
import {
  addReferral,
  createInspection,
  deleteInspection,
  downloadInspectionTemplate,
  exportFigures,
  exportRates,
  getFigures,
  getInspection,
  getRates,
  householdCauses,
  importInspections,
  listCampaignCases,
  listInspections,
  putPlans,
  putThreshold,
  updateInspection,
  whatIf,
} from './oversight'

// The typed client of figures and accountability against a stubbed fetch:
// the method, path, query and body each call sends.

function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('oversight client', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockReset()
    fetchMock.mockImplementation(async () => json(200, {}))
  })
  afterEach(() => vi.unstubAllGlobals())
  const call = (i = 0) => {
    const [url, init] = fetchMock.mock.calls[i]
    const body = init.body ? (typeof init.body === 'string' ? JSON.parse(init.body) : init.body) : undefined
    return { url: url as string, method: init.method as string, body }
  }

  it('reads the corrections and the rates of the scope or of a street', async () => {
    await getFigures(1)
    expect(call(0)).toMatchObject({ url: '/api/v1/campaigns/1/figures', method: 'GET' })
    await getFigures(1, '530103012')
    expect(call(1).url).toBe('/api/v1/campaigns/1/figures?street=530103012')
    await getRates(2, '530103010')
    expect(call(2)).toMatchObject({ url: '/api/v1/campaigns/2/rates?street=530103010', method: 'GET' })
  })

  it('exports the corrections and the rates through the server', async () => {
    URL.createObjectURL = vi.fn(() => 'blob:x')
    URL.revokeObjectURL = vi.fn()
    fetchMock.mockImplementation(async () => new Response('PK', { status: 200, headers: { 'Content-Disposition': "attachment; filename*=UTF-8''%E6%A3%80.xlsx" } }))
    await exportFigures(1, '530103012')
    expect(call(0)).toMatchObject({ url: '/api/v1/campaigns/1/figures/export?street=530103012', method: 'GET' })
    await exportRates(1)
    expect(call(1)).toMatchObject({ url: '/api/v1/campaigns/1/rates/export', method: 'GET' })
    await downloadInspectionTemplate()
    expect(call(2)).toMatchObject({ url: '/api/v1/inspections/template', method: 'GET' })
  })

  it('replaces the plan, sets the threshold and records a referral', async () => {
    await putPlans(1, [{ street_code: '530103012', kind: 'include', households: 12, people: 40 }])
    expect(call(0)).toEqual({ url: '/api/v1/campaigns/1/plans', method: 'PUT', body: { plans: [{ street_code: '530103012', kind: 'include', households: 12, people: 40 }] } })
    await putThreshold(1, '2.5')
    expect(call(1)).toEqual({ url: '/api/v1/campaigns/1/threshold', method: 'PUT', body: { percent: '2.5' } })
    await addReferral(1, { street_code: '530103012', referred_on: '2017-12-20', referred_to: 'discipline_commission', note: '漏评率超过2%' })
    expect(call(2)).toEqual({
      url: '/api/v1/campaigns/1/referrals',
      method: 'POST',
      body: { street_code: '530103012', referred_on: '2017-12-20', referred_to: 'discipline_commission', note: '漏评率超过2%' },
    })
  })

  it('turns a referral of a street not flagged into the server’s refusal', async () => {
    fetchMock.mockResolvedValueOnce(json(409, { error: { code: 'condition_unmet', message: '该街道未被通报批评' } }))
    const e = await addReferral(1, { street_code: '530103010', referred_on: '2017-12-20', referred_to: 'organization_department', note: '' }).catch((x) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect(e).toMatchObject({ status: 409, code: 'condition_unmet' })
  })

  it('lists, reads, records, replaces and deletes inspections', async () => {
    await listInspections({ campaign: 1, street: '530103012', page: 2, page_size: 20 })
    expect(call(0)).toMatchObject({ url: '/api/v1/inspections?campaign=1&street=530103012&page=2&page_size=20', method: 'GET' })
    await getInspection(7)
    expect(call(1)).toMatchObject({ url: '/api/v1/inspections/7', method: 'GET' })
    const body = {
      body: 'national' as const,
      kind: 'assessment' as const,
      started_on: '2017-11-06',
      ended_on: '2017-11-15',
      note: '入户抽查',
      households: [{ household_code: '530103012004-0000001', finding: 'missed' as const, status: 'not_registered' as const, people: 3 }],
    }
    await createInspection(1, body)
    expect(call(2)).toEqual({ url: '/api/v1/inspections', method: 'POST', body: { campaign_id: 1, ...body } })
    await updateInspection(7, 3, body)
    expect(call(3)).toEqual({ url: '/api/v1/inspections/7', method: 'PUT', body: { version: 3, ...body } })
    fetchMock.mockResolvedValueOnce(json(204, null))
    await deleteInspection(7, 4, '重复录入')
    expect(call(4)).toEqual({ url: '/api/v1/inspections/7', method: 'DELETE', body: { version: 4, reason: '重复录入' } })
  })

  it('uploads a sheet as a form with the campaign, and reads every problem of a refused one', async () => {
    fetchMock.mockResolvedValueOnce(json(201, { campaign_id: 1, inspections: [], households: 0 }))
    const file = new File(['x'], '检查.xlsx')
    await importInspections(file, 1)
    const c = call(0)
    expect(c).toMatchObject({ url: '/api/v1/inspections/import', method: 'POST' })
    expect(c.body).toBeInstanceOf(FormData)
    expect((c.body as FormData).get('campaign_id')).toBe('1')
    expect(((c.body as FormData).get('file') as File).name).toBe('检查.xlsx')

    fetchMock.mockResolvedValueOnce(
      json(422, {
        error: { code: 'invalid', message: '表格有问题，未导入（共2处问题）' },
        report: {
          problems: [
            { sheet: '抽查户', row: 3, column: '户编号*', value: '530103-1', reason: '户编号不存在' },
            { sheet: '抽查户', row: 4, column: '检查结论*', value: '漏', reason: '应为 正确、漏评、错评、错退 之一' },
          ],
        },
      }),
    )
    const e = await importInspections(file).catch((x) => x)
    expect(fetchMock.mock.calls[1][1].body.get('campaign_id')).toBeNull()
    const p = fileProblemsOf(e)
    expect(p?.message).toBe('表格有问题，未导入（共2处问题）')
    expect(p?.problems).toEqual([
      { sheet: '抽查户', row: 3, column: '户编号*', value: '530103-1', reason: '户编号不存在' },
      { sheet: '抽查户', row: 4, column: '检查结论*', value: '漏', reason: '应为 正确、漏评、错评、错退 之一' },
    ])
  })

  it('sends a what-if with only the parameters given', async () => {
    await whatIf(1, { street: '530103012', poverty_line: '3300', vehicle_value_limit: '', income_year: undefined })
    expect(call(0)).toEqual({ url: '/api/v1/campaigns/1/what-if', method: 'POST', body: { street: '530103012', poverty_line: '3300' } })
    await whatIf(1, {})
    expect(call(1)).toEqual({ url: '/api/v1/campaigns/1/what-if', method: 'POST', body: {} })
  })

  it('reads the households behind a figure: cases and causes', async () => {
    await listCampaignCases(1, { street: '530103012', proposal: 'include', page: 1, page_size: 20 })
    expect(call(0).url).toBe('/api/v1/campaigns/1/cases?street=530103012&proposal=include&page=1&page_size=20')
    await listCampaignCases(2, { village: '530103012004', flagged: true })
    expect(call(1).url).toBe('/api/v1/campaigns/2/cases?village=530103012004&flagged=1')
    await listCampaignCases(2, { flagged: false })
    expect(call(2).url).toBe('/api/v1/campaigns/2/cases')
    await householdCauses({ street: '530103012', status: ['registered', 'exited'] })
    expect(call(3).url).toBe('/api/v1/households/causes?street=530103012&status=registered%2Cexited')
    await householdCauses()
    expect(call(4).url).toBe('/api/v1/households/causes')
  })
})
