import { describe, expect, it } from 'vitest'
import type { Campaign } from '@/api/campaigns'
import { allStages } from '@/views/review/testing'
import { deadlineProblems, nextCampaign } from './campaignDraft'

const t = (k: string) => k
const c2017 = {
  id: 1, name: '2017年动态管理', campaign_year: 2017, income_year: 2016, poverty_line: '2952.00', vehicle_value_limit: '30000.00',
  reference_date: '2017-06-30', active: true, report_phone: '12317', supervisor_unit: '盘龙区纪委监委', version: 3, updated_at: '', updated_by: '',
} as Campaign

describe('the next campaign', () => {
  it('is a year on from the one in use, its deadlines a year later', () => {
    const n = nextCampaign(c2017, allStages, 2026)
    expect(n).toMatchObject({
      name: '2018年动态管理', campaign_year: 2018, income_year: 2017, vehicle_value_limit: '30000.00', reference_date: '2018-06-30',
      report_phone: '12317', supervisor_unit: '盘龙区纪委监委',
    })
    expect(n).not.toHaveProperty('poverty_line')
    expect(Object.keys(n.deadlines)).toHaveLength(14)
    expect(n.deadlines.analysis).toBe('2018-06-30')
    expect(n.deadlines.representatives).toBe('2018-07-10')
    expect(n.deadlines.recorded).toBe('2018-07-31')
  })
  it('starts from this year without a campaign', () => {
    const n = nextCampaign(undefined, allStages, 2026)
    expect(n).toMatchObject({ campaign_year: 2026, income_year: 2025, reference_date: '2026-06-30' })
    expect(n.deadlines.announced).toBe('2026-07-20')
  })
  it('wants every deadline, none before the one of the stage before', () => {
    const due = Object.fromEntries(allStages.map((s) => [s.key, s.deadline!]))
    expect(deadlineProblems(allStages, due, t)).toEqual({})
    expect(deadlineProblems(allStages, { ...due, survey: '', street_review: '2017-06-01' }, t)).toEqual({
      survey: 'campaign.deadlines.required',
      street_review: 'campaign.deadlines.order',
    })
  })
})
