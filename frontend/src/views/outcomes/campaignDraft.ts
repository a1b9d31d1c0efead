import type { Campaign, NewCampaign } from '@/api/campaigns'
import { addYears, type Stage } from '@/api/villageLists'

// The next campaign as the district would start it: a year on from the one
// in use, with the same parameters and every stage's deadline a year later.

export function nextCampaign(c: Campaign | undefined, stages: Stage[], thisYear: number): NewCampaign {
  const year = c ? c.campaign_year + 1 : thisYear
  const deadlines: Record<string, string> = {}
  for (const s of stages) if (s.deadline) deadlines[s.key] = addYears(s.deadline, c ? 1 : year - Number(s.deadline.slice(0, 4)))
  return {
    name: `${year}年动态管理`,
    campaign_year: year,
    income_year: c ? c.income_year + 1 : year - 1,
    vehicle_value_limit: c?.vehicle_value_limit ?? '30000.00',
    reference_date: c ? addYears(c.reference_date, 1) : `${year}-06-30`,
    report_phone: c?.report_phone ?? '',
    supervisor_unit: c?.supervisor_unit ?? '',
    deadlines,
  }
}

/**
 * What is wrong with a campaign's deadlines, by stage key: every stage needs
 * one, and none may come before the stage before it (as the server checks).
 */
export function deadlineProblems(stages: Stage[], deadlines: Record<string, string | null | undefined>, t: (k: string, p?: Record<string, unknown>) => string): Record<string, string> {
  const out: Record<string, string> = {}
  let prev = ''
  for (const s of stages) {
    const d = deadlines[s.key]
    if (!d) {
      out[s.key] = t('campaign.deadlines.required')
      continue
    }
    if (prev && d < prev) out[s.key] = t('campaign.deadlines.order')
    prev = d
  }
  return out
}
