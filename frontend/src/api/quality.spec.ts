import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './http'
import { dataQuality, exportDataQuality } from './dataQuality'
import {
  addTeamMember,
  createOfficer,
  createTraining,
  deleteOfficer,
  exportCheckTeams,
  exportOfficers,
  listCheckTeams,
  listOfficers,
  listTrainings,
  removeTeamMember,
  updateOfficer,
  updateTeamMember,
} from './directories'

// The typed clients of 录入质量 and the directories against a stubbed fetch:
// the method, path, query and body each call sends.

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

const fetchMock = vi.fn()
beforeEach(() => {
  vi.stubGlobal('fetch', fetchMock)
  fetchMock.mockReset()
})
afterEach(() => vi.unstubAllGlobals())

const call = (i = 0) => {
  const [url, init] = fetchMock.mock.calls[i]
  return { url: url as string, method: init.method as string, body: init.body ? JSON.parse(init.body as string) : undefined }
}

/** Runs an export with the browser's download stubbed; answers the file name it would save. */
async function saved(run: () => Promise<void>, disposition = ''): Promise<string> {
  let name = ''
  const url = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    name = this.download
  })
  fetchMock.mockResolvedValueOnce(new Response('PK', { status: 200, headers: disposition ? { 'Content-Disposition': disposition } : {} }))
  try {
    await run()
  } finally {
    url.mockRestore()
    click.mockRestore()
  }
  return name
}

describe('data quality', () => {
  it('asks for the report with only the filters set', async () => {
    const report = { summary: [{ code: 'DQ-04', severity: 'error', title: '户主不是恰好一人', count: 2 }], by_village: [], items: [], total: 0, page: 1, page_size: 20 }
    fetchMock.mockResolvedValueOnce(json(200, report))
    expect(await dataQuality({ street: '', village: '530103012004', code: 'DQ-06', severity: '', page: 2, page_size: 50 })).toEqual(report)
    expect(call()).toMatchObject({ url: '/api/v1/data-quality?village=530103012004&code=DQ-06&page=2&page_size=50', method: 'GET' })
    fetchMock.mockResolvedValueOnce(json(200, report))
    await dataQuality({})
    expect(call(1).url).toBe('/api/v1/data-quality')
  })

  it('exports every page with the same filters, without paging', async () => {
    const name = await saved(() => exportDataQuality({ street: '530103011', severity: 'error' }), "attachment; filename*=UTF-8''%E5%BD%95%E5%85%A5%E8%B4%A8%E9%87%8F-1.xlsx")
    expect(call()).toMatchObject({ url: '/api/v1/data-quality/export?street=530103011&severity=error', method: 'GET' })
    expect(name).toBe('录入质量-1.xlsx')
  })

  it('turns a refusal into an ApiError', async () => {
    fetchMock.mockResolvedValueOnce(json(400, { error: { code: 'bad_request', message: '检查项代码不正确' } }))
    await expect(dataQuality({ code: 'DQ-99' })).rejects.toMatchObject({ status: 400, message: '检查项代码不正确' })
  })
})

describe('information officers', () => {
  it('lists and exports the directory by street and village', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { items: [], missing: [{ village_code: '530103011005', households: 12 }] }))
    expect((await listOfficers({ street: '530103011' })).missing[0].households).toBe(12)
    expect(call()).toMatchObject({ url: '/api/v1/officers?street=530103011', method: 'GET' })
    fetchMock.mockResolvedValueOnce(json(200, { items: [], missing: [] }))
    await listOfficers()
    expect(call(1).url).toBe('/api/v1/officers')
    expect(await saved(() => exportOfficers({ village: '530103012004' }))).toBe('信息员名录.xlsx')
    expect(call(2)).toMatchObject({ url: '/api/v1/officers/export?village=530103012004', method: 'GET' })
  })

  it('adds, changes (phone kept when left out) and removes at the version read', async () => {
    fetchMock.mockResolvedValueOnce(json(201, { id: 47, version: 1 }))
    const entry = { village_code: '530103011005', name: '段云峰', username: '', appointed_on: '2017-03-01' }
    await createOfficer({ ...entry, phone: '13987169999' })
    expect(call()).toMatchObject({ url: '/api/v1/officers', method: 'POST', body: { ...entry, phone: '13987169999' } })
    fetchMock.mockResolvedValueOnce(json(200, { id: 47, version: 2 }))
    await updateOfficer(47, { ...entry, version: 1 })
    expect(call(1)).toMatchObject({ url: '/api/v1/officers/47', method: 'PUT', body: { ...entry, version: 1 } })
    expect(call(1).body).not.toHaveProperty('phone')
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await deleteOfficer(47, 2, '调离')
    expect(call(2)).toMatchObject({ url: '/api/v1/officers/47', method: 'DELETE', body: { version: 2, reason: '调离' } })
  })

  it('hands the server’s field messages back', async () => {
    fetchMock.mockResolvedValueOnce(
      json(422, { error: { code: 'validation_failed', message: '数据有误', details: [{ field: 'phone', message: '联系电话应为11位手机号或带区号的座机号' }] } }),
    )
    const e = await createOfficer({ village_code: '530103011005', name: '段云峰', phone: '123', username: '', appointed_on: '2017-03-01' }).catch((x) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).details).toEqual([{ field: 'phone', message: '联系电话应为11位手机号或带区号的座机号' }])
  })

  it('lists the trainings of a street and records one', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { items: [] }))
    await listTrainings('530103010')
    expect(call()).toMatchObject({ url: '/api/v1/trainings?street=530103010', method: 'GET' })
    fetchMock.mockResolvedValueOnce(json(200, { items: [] }))
    await listTrainings()
    expect(call(1).url).toBe('/api/v1/trainings')
    fetchMock.mockResolvedValueOnce(json(201, { id: 3 }))
    const tr = { held_on: '2017-06-02', topic: '录入操作培训', trainer: '区扶贫办', hours: '2.5', street: '', attendees: [1, 2, 3] }
    await createTraining(tr)
    expect(call(2)).toMatchObject({ url: '/api/v1/trainings', method: 'POST', body: tr })
  })
})

describe('check teams', () => {
  it('lists, exports and staffs the teams', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { items: [] }))
    await listCheckTeams()
    expect(call()).toMatchObject({ url: '/api/v1/check-teams', method: 'GET' })
    expect(await saved(() => exportCheckTeams())).toBe('核查组.xlsx')
    expect(call(1)).toMatchObject({ url: '/api/v1/check-teams/export', method: 'GET' })

    const m = { name: '段云峰', department: 'inv', post: '干部', phone: '13871230000', role: 'member' as const }
    fetchMock.mockResolvedValueOnce(json(201, { id: 70 }))
    await addTeamMember('B', m)
    expect(call(2)).toMatchObject({ url: '/api/v1/check-teams/B/members', method: 'POST', body: m })
    fetchMock.mockResolvedValueOnce(json(200, { id: 70 }))
    await updateTeamMember('B', 70, { version: 1, name: '段云峰', department: 'inv', post: '科员', role: 'lead' })
    expect(call(3)).toMatchObject({ url: '/api/v1/check-teams/B/members/70', method: 'PUT', body: { version: 1, post: '科员', role: 'lead' } })
    expect(call(3).body).not.toHaveProperty('phone')
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await removeTeamMember('B', 70, 2)
    expect(call(4)).toMatchObject({ url: '/api/v1/check-teams/B/members/70', method: 'DELETE', body: { version: 2 } })
  })
})
