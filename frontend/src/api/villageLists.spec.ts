import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './http'
import {
  addDays,
  addRecord,
  addYears,
  getBoard,
  getNoticeSheet,
  investigateReport,
  isChange,
  isRemoval,
  moveOn,
  noticeLevelOf,
  postNotice,
  proposeBatch,
  proposeCase,
  sendBack,
  setRecovery,
  todayInShanghai,
  uploadListFile,
} from './villageLists'
import { createCampaign, nationalExport, updateCampaign } from './campaigns'

// The typed client of the review procedure against a stubbed fetch: the
// method, path, query and body each call sends, and how answers and
// refusals come back.

function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('village lists client', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockReset()
    fetchMock.mockImplementation(async () => json(200, {}))
  })
  afterEach(() => vi.unstubAllGlobals())
  const call = (i = 0) => {
    const [url, init] = fetchMock.mock.calls[i]
    return { url: url as string, method: init.method as string, body: init.body ? (typeof init.body === 'string' ? JSON.parse(init.body) : init.body) : undefined }
  }

  it('reads the board with only the filters given', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { stages: [], lists: [] }))
    expect(await getBoard(3, { street: '530103011', stage: '' })).toEqual({ stages: [], lists: [] })
    expect(call()).toMatchObject({ url: '/api/v1/campaigns/3/lists?street=530103011', method: 'GET' })
  })

  it('moves on and sends back with the version seen', async () => {
    await moveOn(43, 7, '同意')
    expect(call(0)).toEqual({ url: '/api/v1/village-lists/43/move-on', method: 'POST', body: { version: 7, note: '同意' } })
    await sendBack(43, 8, 'representatives', '到会人数有误')
    expect(call(1)).toEqual({ url: '/api/v1/village-lists/43/send-back', method: 'POST', body: { version: 8, target: 'representatives', reason: '到会人数有误' } })
  })

  it('turns a refused move into an error listing every unmet condition', async () => {
    fetchMock.mockResolvedValueOnce(
      json(409, {
        error: {
          code: 'condition_unmet',
          message: '还有 3 个村民小组未召开贫情分析会',
          details: [{ field: 'groups_not_analysed', message: '还有 3 个村民小组未召开贫情分析会' }],
        },
      }),
    )
    const e = await moveOn(43, 1).catch((x) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect(e).toMatchObject({ status: 409, code: 'condition_unmet', details: [{ field: 'groups_not_analysed' }] })
  })

  it('adds a record of a kind with its groups, households, body and opinions', async () => {
    fetchMock.mockResolvedValueOnce(json(201, [{ id: 1 }, { id: 2 }]))
    const rs = await addRecord(43, { kind: 'analysis_meeting', held_on: '2017-06-05', group_ids: [173, 174], body: { chair: '李明', attendees: '村干部', work_plan: '入户' } })
    expect(rs).toHaveLength(2)
    expect(call()).toEqual({
      url: '/api/v1/village-lists/43/records',
      method: 'POST',
      body: { kind: 'analysis_meeting', held_on: '2017-06-05', group_ids: [173, 174], body: { chair: '李明', attendees: '村干部', work_plan: '入户' } },
    })
  })

  it('posts a notice, reads its sheet by level and investigates a report with the new proposals', async () => {
    await postNotice(43, { posted_on: '2017-06-20', place: '公示栏' })
    expect(call(0)).toMatchObject({ url: '/api/v1/village-lists/43/notices', body: { posted_on: '2017-06-20', place: '公示栏' } })
    await getNoticeSheet(43, 'street')
    expect(call(1)).toMatchObject({ url: '/api/v1/village-lists/43/notice?level=street', method: 'GET' })
    await getNoticeSheet(43)
    expect(call(2).url).toBe('/api/v1/village-lists/43/notice')
    await investigateReport(43, 5, { upheld: true, findings: '属实', answer: '已答复', changes: [{ case_id: 9, proposal: 'not_eligible' }] })
    expect(call(3)).toEqual({
      url: '/api/v1/village-lists/43/reports/5/investigation',
      method: 'POST',
      body: { upheld: true, findings: '属实', answer: '已答复', changes: [{ case_id: 9, proposal: 'not_eligible' }] },
    })
  })

  it('proposes on a case or a batch and records a recovery with amounts as strings', async () => {
    await proposeCase(9, { version: 2, accept: true })
    expect(call(0)).toEqual({ url: '/api/v1/cases/9/proposal', method: 'POST', body: { version: 2, accept: true } })
    await proposeCase(9, { version: 3, keep: true, reason: '数据变化不影响' })
    expect(call(1).body).toEqual({ version: 3, keep: true, reason: '数据变化不影响' })
    fetchMock.mockResolvedValueOnce(json(200, { proposed: 2, refused: [{ case_id: 4, message: '先退后进' }] }))
    expect(await proposeBatch(43, { case_ids: [1, 2, 4], accept: true })).toEqual({ proposed: 2, refused: [{ case_id: 4, message: '先退后进' }] })
    expect(call(2)).toMatchObject({ url: '/api/v1/village-lists/43/proposals', body: { case_ids: [1, 2, 4], accept: true } })
    await setRecovery(9, { version: 4, refuses_exit: true, referral_on: '2017-06-26', referral_to: '区纪委监委', referral_note: '', recover_amount: '3200.00', recover_items: '', recovered_amount: null })
    expect(call(3)).toMatchObject({ url: '/api/v1/cases/9/recovery', method: 'PUT', body: { recover_amount: '3200.00', recovered_amount: null } })
  })

  it('uploads a file to a record or a notice as multipart', async () => {
    fetchMock.mockResolvedValueOnce(json(201, { id: 3, file_name: 'a.png' }))
    await uploadListFile(43, new File(['x'], 'a.png'), { notice_id: 12 })
    const { url, body } = call()
    expect(url).toBe('/api/v1/village-lists/43/files')
    expect((body as FormData).get('notice_id')).toBe('12')
    expect((body as FormData).get('record_id')).toBeNull()
    expect((body as FormData).get('file')).toBeInstanceOf(File)
  })

  it('creates a campaign, edits its deadlines and exports for the national system', async () => {
    fetchMock.mockResolvedValueOnce(json(201, { campaign: { id: 3 }, job: null }))
    await createCampaign({
      name: '2018年动态管理', campaign_year: 2018, income_year: 2017, vehicle_value_limit: '30000.00', reference_date: '2018-06-30',
      report_phone: '12317', supervisor_unit: '区纪委监委', deadlines: { analysis: '2018-06-30' },
    })
    expect(call(0)).toMatchObject({ url: '/api/v1/campaigns', method: 'POST', body: { name: '2018年动态管理', deadlines: { analysis: '2018-06-30' } } })
    expect(call(0).body).not.toHaveProperty('poverty_line')
    await updateCampaign(1, { version: 2, report_phone: '0871-1234', deadlines: { survey: '2017-07-01' } })
    expect(call(1)).toMatchObject({ url: '/api/v1/campaigns/1', method: 'PATCH', body: { version: 2, report_phone: '0871-1234', deadlines: { survey: '2017-07-01' } } })
    const url = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('national.csv')
    })
    fetchMock.mockResolvedValueOnce(new Response('PK', { status: 200, headers: { 'Content-Disposition': "attachment; filename*=UTF-8''national.csv" } }))
    await nationalExport(1, 'csv', { street: '530103011' })
    expect(call(2)).toMatchObject({ url: '/api/v1/campaigns/1/national-export?format=csv&street=530103011', method: 'GET' })
    expect(url).toHaveBeenCalled()
    expect(click).toHaveBeenCalledOnce()
    url.mockRestore()
    click.mockRestore()
  })
})

describe('procedure helpers', () => {
  it('tells removals and changes', () => {
    expect(['remove_wrong', 'exit_normal', 'dissolve'].every(isRemoval)).toBe(true)
    expect(isRemoval('include')).toBe(false)
    expect(isChange('reinclude')).toBe(true)
    expect(isChange('keep')).toBe(false)
    expect(isChange('')).toBe(false)
  })
  it('gives the notice level of a stage', () => {
    expect(noticeLevelOf(8)).toBe('village')
    expect(noticeLevelOf(10)).toBe('village')
    expect(noticeLevelOf(11)).toBe('street')
    expect(noticeLevelOf(14)).toBe('street')
  })
  it('counts days and years on calendar dates', () => {
    expect(addDays('2017-06-20', 4)).toBe('2017-06-24')
    expect(addDays('2017-06-30', 1)).toBe('2017-07-01')
    expect(addDays('2017-03-01', -1)).toBe('2017-02-28')
    expect(addYears('2017-06-30', 1)).toBe('2018-06-30')
    expect(addYears('2016-02-29', 1)).toBe('2017-02-28')
    expect(addYears('2015-02-28', 1)).toBe('2016-02-28')
  })
  it('gives today in Shanghai whatever the browser’s zone', () => {
    // 2017-06-30 17:00 UTC is already 1 July in Shanghai.
    expect(todayInShanghai(new Date('2017-06-30T17:00:00Z'))).toBe('2017-07-01')
    expect(todayInShanghai(new Date('2017-06-30T15:59:00Z'))).toBe('2017-06-30')
  })
})
