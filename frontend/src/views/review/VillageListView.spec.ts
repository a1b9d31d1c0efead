import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from '@/api/http'
import type { ListDetail } from '@/api/villageLists'
import { aCase, byTest, bodyText, click, detail, me, mountReview, stageOf, type } from './testing'

const api = vi.hoisted(() => ({
  getVillageList: vi.fn(),
  moveOn: vi.fn(),
  sendBack: vi.fn(),
  proposeBatch: vi.fn(),
  proposeCase: vi.fn(),
  addRecord: vi.fn(),
  answerOpinion: vi.fn(),
}))
vi.mock('@/api/villageLists', async (orig) => ({ ...(await orig<typeof import('@/api/villageLists')>()), ...api }))
const { default: View } = await import('./VillageListView.vue')

const open = (d: ListDetail, who = me('check_team', { team: 'A' }), tab = '') => {
  api.getVillageList.mockResolvedValue(d)
  return mountReview(View, who, `/review/lists/43${tab ? '?tab=' + tab : ''}`)
}
const current = () => [...document.body.querySelectorAll('[data-current="true"]')].map((e) => e.getAttribute('data-test'))

describe('a village list', () => {
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('shows the stage in the stepper with its deadline, the overdue flag, and why it cannot move on', async () => {
    const d = detail('analysis', { blockers: [{ code: 'groups_not_analysed', message: '还有 2 个村民小组未召开贫情分析会' }] })
    d.list.overdue = true
    const { w } = await open(d)
    expect(api.getVillageList).toHaveBeenCalledWith(43)
    expect(w.find('[data-test="list-title"]').text()).toBe('鼠街村委会村级名单')
    expect(w.find('[data-test="list-stage"]').text()).toBe('第1阶段 · 贫情分析')
    expect(current()).toEqual(['step-analysis'])
    expect(w.find('[data-test="step-representatives"]').text()).toContain('07-10')
    expect(w.find('[data-test="list-overdue"]').exists()).toBe(true)
    expect(w.find('[data-test="list-deadline"]').text()).toBe('时限 2017-06-30')
    const move = w.find('[data-test="list-move-on"]')
    expect(move.attributes('disabled')).toBeDefined()
    expect(move.text()).toContain('实地调查')
    expect(w.find('[data-test="list-blockers"]').text()).toContain('还不能推进到下一阶段')
    expect(w.findAll('[data-test="list-blocker"]').map((b) => b.text())).toEqual(['还有 2 个村民小组未召开贫情分析会'])
    // No send-back for a list at its first stage.
    expect(w.find('[data-test="list-send-back"]').exists()).toBe(false)
    // The analysis is recorded in the records tab, opened for it.
    expect(w.find('[data-test="records-tab"]').exists()).toBe(true)
    w.unmount()
  })

  it('gives a role that does not own the stage no move button', async () => {
    const d = detail('analysis', { blockers: [{ code: 'not_stage_owner', message: '「贫情分析」阶段由核查组推进' }] })
    const { w } = await open(d, me('village_officer'))
    expect(w.find('[data-test="list-move-on"]').exists()).toBe(false)
    expect(w.find('[data-test="list-blockers"]').text()).toContain('本阶段不由您推进')
    expect(w.find('[data-test="list-blockers"]').text()).toContain('由核查组推进')
    w.unmount()
  })

  it('moves on with the version seen, and shows the conditions the server finds unmet', async () => {
    const d = detail('survey', { can_move_on: true })
    const moved = detail('cross_check')
    const { w } = await open(d)
    expect(w.find('[data-test="list-ready"]').exists()).toBe(true)
    api.moveOn.mockRejectedValueOnce(
      new ApiError(409, 'condition_unmet', '还有 3 户未完成入户调查', [{ field: 'households_not_surveyed', message: '还有 3 户未完成入户调查' }]),
    )
    await click(w.find('[data-test="list-move-on"]').element)
    await type(byTest('move-note'), '调查完成')
    await click(byTest('move-confirm'))
    expect(api.moveOn).toHaveBeenCalledWith(43, 5, '调查完成')
    expect(byTest('move-error')?.textContent).toContain('还有 3 户未完成入户调查')
    api.moveOn.mockResolvedValueOnce({ ...moved.list })
    api.getVillageList.mockResolvedValue(moved)
    await click(byTest('move-confirm'))
    await flushPromises()
    expect(w.find('[data-test="list-stage"]').text()).toBe('第3阶段 · 信息数据复核')
    expect(current()).toEqual(['step-cross_check'])
    w.unmount()
  })

  it('sends back only with a target and a reason, and the history tells it', async () => {
    const d = detail('street_notice', { send_back_to: ['analysis', 'representatives', 'street_review'].map((k) => stageOf(k as never)) })
    const back = detail('representatives', {
      events: [
        { kind: 'opened', from: null, to: stageOf('analysis'), reason: '', actor: 'district', actor_role: 'district', at: '2017-06-05T01:00:00Z' },
        { kind: 'moved', from: stageOf('street_review'), to: stageOf('street_notice'), reason: '同意', actor: 'street-530103012', actor_role: 'street', at: '2017-07-01T01:00:00Z' },
        { kind: 'sent_back', from: stageOf('street_notice'), to: stageOf('representatives'), reason: '到会人数有误', actor: 'street-530103012', actor_role: 'street', at: '2017-07-02T01:00:00Z' },
      ],
    })
    const { w } = await open(d, me('street'))
    await click(w.find('[data-test="list-send-back"]').element)
    await click(byTest('send-back-submit'))
    expect(api.sendBack).not.toHaveBeenCalled()
    expect(byTest('send-back-error')?.textContent).toContain('请选择退回到的阶段')
    expect(byTest('send-back-error')?.textContent).toContain('请写明退回原因')
    // The choices are the server's send_back_to.
    expect([...document.body.querySelectorAll('[data-test^="send-back-to-"]')].map((o) => o.textContent?.trim())).toEqual(['1. 贫情分析', '9. 村民代表会决议', '10. 街道审定'])
    await click(byTest('send-back-to-representatives'))
    await type(byTest('send-back-reason'), '到会人数有误')
    api.sendBack.mockResolvedValueOnce(back.list)
    api.getVillageList.mockResolvedValue(back)
    await click(byTest('send-back-submit'))
    expect(api.sendBack).toHaveBeenCalledWith(43, 5, 'representatives', '到会人数有误')
    await flushPromises()
    expect(current()).toEqual(['step-representatives'])
    await click(byTest('tab-history'))
    const events = [...document.body.querySelectorAll('[data-test="history-event"]')]
    expect(events.map((e) => e.getAttribute('data-kind'))).toEqual(['sent_back', 'moved', 'opened'])
    expect(events[0].textContent).toContain('11. 街道公示 → 9. 村民代表会决议')
    expect(events[0].textContent).toContain('退回原因：到会人数有误')
    expect(events[0].textContent).toContain('street-530103012（街道）')
    w.unmount()
  })
})

describe('the households tab', () => {
  beforeEach(() => {
    api.proposeBatch.mockResolvedValue({ proposed: 1, refused: [] })
  })
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('shows the computed outcome and the proposal apart, with the override’s reason', async () => {
    const d = detail('enter_after', {
      can_propose: true,
      cases: [aCase(1, { computed: 'keep', computed_label: '保留', proposal: 'remove_wrong', proposal_label: '错评剔除', proposal_override: true, proposal_reason: '有城镇房产', proposed_by: 'team-A' }), aCase(2, { flagged: true, proposal: 'keep', proposal_label: '保留' })],
    })
    const { w } = await open(d, undefined, 'cases')
    const rows = [...document.body.querySelectorAll('.el-table__body tbody tr')].map((r) => r.textContent ?? '')
    expect(rows[0]).toContain('保留')
    expect(byTest('case-proposal-1')?.textContent).toContain('错评剔除')
    expect(byTest('case-proposal-1')?.textContent).toContain('理由：有城镇房产')
    expect(byTest('case-flagged')?.textContent).toContain('测算已变化')
    expect(byTest('case-keep-2')).not.toBeNull()
    expect(byTest('case-keep-1')).toBeNull()
    w.unmount()
  })

  it('accepts the checked removal cases at once in 先退 (the server’s can_propose notwithstanding)', async () => {
    const d = detail('exit_first', { can_propose: false })
    const { w } = await open(d, undefined, 'cases')
    expect(byTest('cases-filter-removal')?.textContent).toContain('1')
    await click(byTest('cases-filter-removal')?.querySelector('input') ?? null)
    await click(byTest('cases-select-all'))
    await click(byTest('cases-accept-selected'))
    expect(api.proposeBatch).toHaveBeenCalledWith(43, { case_ids: [1], accept: true })
    expect(byTest('batch-result')?.textContent).toContain('已提出 1 户的意见；0 户未能提出')
    w.unmount()
  })

  it('overrides the checked cases only with a proposal and a reason, and lists those refused', async () => {
    api.proposeBatch.mockResolvedValueOnce({ proposed: 0, refused: [{ case_id: 3, message: '先退后进：本村还有 1 户应退出户未提出意见' }] })
    const d = detail('enter_after', { can_propose: true })
    const { w } = await open(d, undefined, 'cases')
    await click(byTest('cases-filter-needs_review')?.querySelector('input') ?? null)
    await click(byTest('cases-select-all'))
    await click(byTest('cases-override-selected'))
    await click(byTest('override-submit'))
    expect(api.proposeBatch).not.toHaveBeenCalled()
    expect(byTest('proposal-error')?.textContent).toContain('请选择处理意见')
    expect(byTest('proposal-error')?.textContent).toContain('请写明理由')
    await click(byTest('override-option-keep'))
    await type(byTest('override-reason'), '入户核实后保留')
    await click(byTest('override-submit'))
    expect(api.proposeBatch).toHaveBeenCalledWith(43, { case_ids: [3], accept: false, proposal: 'keep', reason: '入户核实后保留' })
    expect(bodyText()).toContain('户主3 530103012004-0003：先退后进：本村还有 1 户应退出户未提出意见')
    w.unmount()
  })

  it('offers no proposals to the other roles', async () => {
    const d = detail('enter_after', { can_propose: false })
    const { w } = await open(d, me('supervisor'), 'cases')
    expect(byTest('cases-select-all')).toBeNull()
    expect(byTest('case-accept-2')).toBeNull()
    w.unmount()
  })
})

describe('the records tab', () => {
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('records an analysis meeting for every group at once', async () => {
    api.addRecord.mockResolvedValue([{ id: 1 }, { id: 2 }])
    const d = detail('analysis', { can_record: ['analysis_meeting'] })
    const { w } = await open(d, undefined, 'records')
    const form = byTest('rec-form-analysis_meeting')!
    await click(form.querySelector('[data-test="rec-submit"]'))
    expect(api.addRecord).not.toHaveBeenCalled()
    expect(form.querySelector('[data-test="rec-error"]')?.textContent).toContain('请填写主持人')
    expect(form.querySelector('[data-test="rec-error"]')?.textContent).toContain('请选择本次分析会覆盖的村民小组')
    await click(form.querySelector('[data-test="rec-groups-all"]'))
    await type(form.querySelector('[data-test="rec-chair"]'), '李明')
    await type(form.querySelector('[data-test="rec-attendees"]'), '村干部、党员')
    await type(form.querySelector('[data-test="rec-work_plan"]'), '入户调查')
    await click(form.querySelector('[data-test="rec-submit"]'))
    expect(api.addRecord).toHaveBeenCalledWith(43, expect.objectContaining({ kind: 'analysis_meeting', group_ids: [173, 174], body: { chair: '李明', attendees: '村干部、党员', work_plan: '入户调查' } }))
    expect(api.addRecord.mock.calls[0][1].held_on).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    w.unmount()
  })

  it('surveys the households not yet surveyed, one record each', async () => {
    api.addRecord.mockResolvedValue([{ id: 5 }])
    const d = detail('survey', {
      can_record: ['survey'],
      records: [{ id: 9, kind: 'survey', stage: 2, held_on: '2017-06-06', group_id: null, household_id: 101, body: { surveyors: '王芳' }, void: false, created_by: 'team-A', created_at: '2017-06-06T01:00:00Z' }],
    })
    const { w } = await open(d, undefined, 'records')
    const form = byTest('rec-form-survey')!
    expect(form.textContent).toContain('已调查 1 / 3 户')
    await click(form.querySelector('[data-test="rec-households-unsurveyed"]'))
    await type(form.querySelector('[data-test="rec-surveyors"]'), '赵强')
    await click(form.querySelector('[data-test="rec-submit"]'))
    expect(api.addRecord).toHaveBeenCalledWith(43, expect.objectContaining({ kind: 'survey', household_ids: [102, 103], body: { surveyors: '赵强' } }))
    // The record kept shows who was surveyed and by whom.
    expect(byTest('records-table')?.textContent).toContain('户主1 530103012004-0001')
    expect(byTest('records-table')?.textContent).toContain('调查人：王芳')
    w.unmount()
  })

  it('greys the records a send-back voided and answers an opinion', async () => {
    api.answerOpinion.mockResolvedValue(undefined)
    const d = detail('public_review', {
      can_record: ['party_meeting', 'villagers_meeting'],
      records: [
        { id: 7, kind: 'villagers_meeting', stage: 6, held_on: '2017-06-20', group_id: null, household_id: null, body: { attendance: 80, summary: '评议' }, void: false, created_by: 'team-A', created_at: '' },
        { id: 6, kind: 'villagers_meeting', stage: 6, held_on: '2017-06-18', group_id: null, household_id: null, body: { attendance: 70, summary: '旧的' }, void: true, created_by: 'team-A', created_at: '' },
      ],
      opinions: [{ id: 3, record_id: 7, text: '核实货车', needs_check: true, answer: '', answered_by: '', answered_at: null }],
    })
    const { w } = await open(d, undefined, 'records')
    expect(byTest('record-6')?.getAttribute('data-void')).toBe('true')
    expect(byTest('record-6')?.closest('tr')?.className).toContain('void-row')
    expect(byTest('record-7')?.closest('tr')?.className).not.toContain('void-row')
    await click(byTest('opinion-answer-3'))
    await type(byTest('answer-text'), '已核实，借用')
    await click(byTest('answer-submit'))
    expect(api.answerOpinion).toHaveBeenCalledWith(43, 3, '已核实，借用')
    w.unmount()
  })
})
