import { ApiError, download, get, patch, post } from './http'
import type { Job } from './jobs'

// Review campaigns (动态管理批次) and their parameters (rules.md §1). Amounts
// are decimal strings (yuan, two decimals), never numbers.

export interface Campaign {
  id: number
  name: string
  campaign_year: number
  income_year: number
  /** yuan per person per year, e.g. "2952.00" */
  poverty_line: string
  /** EX-03 threshold, yuan */
  vehicle_value_limit: string
  /** the day the data describes (数据截止日期), YYYY-MM-DD */
  reference_date: string
  active: boolean
  /** 举报电话 printed on the notices */
  report_phone?: string
  /** 监督单位 printed on the notices */
  supervisor_unit?: string
  version: number
  updated_at: string
  updated_by: string
}

/** A change of a campaign: the version it was based on and the changed fields only. */
export interface CampaignPatch {
  version: number
  name?: string
  campaign_year?: number
  income_year?: number
  poverty_line?: string
  vehicle_value_limit?: string
  reference_date?: string
  report_phone?: string
  supervisor_unit?: string
  /** deadline of every stage, by stage key */
  deadlines?: Record<string, string>
}

/** A new campaign (district): it becomes the active one and opens a list for every village. */
export interface NewCampaign {
  name: string
  campaign_year: number
  income_year: number
  /** without it, the line recorded for the income year */
  poverty_line?: string
  vehicle_value_limit: string
  reference_date: string
  report_phone: string
  supervisor_unit: string
  /** all fourteen stages, by stage key */
  deadlines: Record<string, string>
}

export type NationalFormat = 'xlsx' | 'csv' | 'json'

/** The saved campaign and, when a parameter changed, the recomputation it started. */
export interface CampaignUpdated {
  campaign: Campaign
  job: Job | null
}

/** Which households to recompute: nothing for the caller's whole scope. */
export interface RecomputeRequest {
  street?: string
  village?: string
}

export const listCampaigns = () => get<Campaign[]>('/campaigns')
export const getCampaign = (id: number) => get<Campaign>(`/campaigns/${id}`)
export const updateCampaign = (id: number, p: CampaignPatch) => patch<CampaignUpdated>(`/campaigns/${id}`, p)
export const createCampaign = (c: NewCampaign) => post<CampaignUpdated>('/campaigns', c)
/** The households of the lists at stage 14, for the national system (district only). */
export const nationalExport = (id: number, format: NationalFormat, f: { street?: string; village?: string } = {}) =>
  download(`/campaigns/${id}/national-export`, { format, ...f }, `national.${format}`)
/** 202 with the job; 409 (conflict, details job_id) while one runs: see runningJobOf. */
export const recompute = (id: number, r: RecomputeRequest = {}) => post<Job>(`/campaigns/${id}/recompute`, r)

/** The campaign in use: the active one, else the newest. */
export function activeCampaign(cs: Campaign[]): Campaign | undefined {
  return cs.find((c) => c.active) ?? cs[0]
}

/** The id of the running recomputation a 409 names (details job_id), or null. */
export function runningJobOf(e: unknown): number | null {
  if (!(e instanceof ApiError) || e.status !== 409 || e.code === 'version_conflict') return null
  const d = e.details.find((x) => x.field === 'job_id')
  const id = d ? Number(d.message) : NaN
  return Number.isInteger(id) && id > 0 ? id : null
}
