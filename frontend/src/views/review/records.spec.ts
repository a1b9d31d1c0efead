import { describe, expect, it } from 'vitest'
import { buildBody, bodySummary, emptyBody } from './records'

// The bodies of the records as the server checks them: required fields,
// numbers, empty optional fields left out.

const t = (k: string) => ({ 'household.colon': '：', 'review.body.chair': '主持人', 'review.body.attendees': '参会人员', 'review.body.work_plan': '工作计划', 'review.body.surveyors': '调查人', 'review.body.main_cause': '主要致贫原因', 'review.body.attendance': '到会人数', 'review.body.decision': '决定内容' })[k] ?? k

describe('record bodies', () => {
  it('names the required fields still missing', () => {
    expect(buildBody('analysis_meeting', emptyBody('analysis_meeting')).missing).toEqual(['chair', 'attendees', 'work_plan'])
    expect(buildBody('survey', { surveyors: '  ' }).missing).toEqual(['surveyors'])
    expect(buildBody('villagers_meeting', { attendance: 0, summary: '评议' }).missing).toEqual(['attendance'])
    expect(buildBody('villagers_meeting', { attendance: null, summary: '' }).missing).toEqual(['attendance', 'summary'])
    expect(buildBody('announcement', { place: '' }).missing).toEqual(['place'])
  })
  it('trims text, keeps numbers as numbers and leaves empty optional fields out', () => {
    const b = buildBody('analysis_meeting', { chair: ' 李明 ', attendees: '村干部', key_households: '', work_plan: '入户', responsibilities: '  ' })
    expect(b).toEqual({ body: { chair: '李明', attendees: '村干部', work_plan: '入户' }, missing: [] })
    expect(buildBody('two_committee', { attendance: 9, decision: '同意' }).body).toEqual({ attendance: 9, decision: '同意' })
    expect(buildBody('two_committee', { attendance: null, decision: '同意' })).toEqual({ body: { decision: '同意' }, missing: [] })
    expect(buildBody('party_meeting', { place: '会议室', attendance: 2.5, summary: 'x' }).missing).toEqual(['attendance'])
  })
  it('reads a record in one line, in the kind’s order, a cause by its name', () => {
    expect(bodySummary({ kind: 'analysis_meeting', body: { work_plan: '入户', chair: '李明', attendees: '村干部' } }, t)).toBe('主持人：李明；参会人员：村干部；工作计划：入户')
    expect(bodySummary({ kind: 'survey', body: { surveyors: '王芳', main_cause: 'illness' } }, t, (c) => (c === 'illness' ? '因病' : c))).toBe('调查人：王芳；主要致贫原因：因病')
    expect(bodySummary({ kind: 'two_committee', body: { attendance: 0, decision: '同意' } }, t)).toBe('决定内容：同意')
  })
})
