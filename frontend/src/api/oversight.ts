import { download, get, post, put, del, request, type Page, type Query } from './http'
import type { Outcome } from './outcomes'

// Figures and accountability (workflow.md §"Figures and accountability"):
// this campaign's corrections (本次纠正, /figures) and the inspections'
// results (检查考核, /rates) — two kinds of figures, never mixed — the
// inspections themselves, the policy what-if, and the households behind a
// figure (a campaign's cases, households by main cause). Typed after the
// server's DTOs (backend/internal/api/accountability.go, inspections.go,
// whatif.go, villagelists.go, households.go).

/** A number of households and the people in them. */
export interface Count {
  households: number
  people: number
}

/**
 * A rate as the exact fraction and a percent with one or two decimals
 * (strings as the server gives them); fraction and percent are null when
 * there is no base.
 */
export interface Rate {
  numerator: number
  denominator: number
  fraction: string | null
  percent: string | null
}

// ---- 本次纠正 -------------------------------------------------------------

/** The three corrections, in the order the figures show them. */
export const correctionKinds = ['remove_wrong', 'include', 'reinclude'] as const
export type CorrectionKind = (typeof correctionKinds)[number]
/** The proposals whose scale (规模) the district plans per street. */
export const plannableKinds = ['remove_wrong', 'include', 'reinclude', 'exit_normal', 'continue_support'] as const
export type PlannableKind = (typeof plannableKinds)[number]

export interface Correction {
  kind: CorrectionKind
  /** 错评纠正, 漏评纠正, 错退纠正 */
  label: string
  households: number
  people: number
  base: 'registered' | 'not_registered_surveyed' | 'exited_last_year'
  base_label: string
  base_households: number
  base_people: number
  share_households: Rate
  share_people: Rate
  /** streets and the district only; null when nothing is planned */
  planned: Count | null
}

export interface PlanLine {
  kind: PlannableKind
  label: string
  planned: Count | null
  proposed: Count
}

export interface AreaFigures {
  code: string
  name: string
  corrections: Correction[]
  /** streets and the district */
  plan?: PlanLine[]
}

export interface StreetFigures extends AreaFigures {
  villages: AreaFigures[]
}

export interface Figures {
  campaign_id: number
  campaign_name: string
  campaign_year: number
  streets: StreetFigures[]
  total: AreaFigures
}

export interface PlanInput {
  street_code: string
  kind: PlannableKind
  households: number
  people: number
}

export interface Plan extends PlanInput {
  label: string
  updated_by: string
  updated_at: string
}

export const getFigures = (campaignId: number, street?: string) => get<Figures>(`/campaigns/${campaignId}/figures`, { street })
export const exportFigures = (campaignId: number, street?: string) =>
  download(`/campaigns/${campaignId}/figures/export`, { street }, `本次纠正-${campaignId}.xlsx`)
/** Replaces the campaign's whole plan (district). */
export const putPlans = (campaignId: number, plans: PlanInput[]) =>
  put<{ campaign_id: number; plans: Plan[] }>(`/campaigns/${campaignId}/plans`, { plans })

// ---- 检查考核 -------------------------------------------------------------

export interface InspectionRate extends Rate {
  /** strictly above the campaign's threshold */
  above: boolean
}

export interface Threshold {
  /** "0.02" */
  fraction: string
  /** "2.0" */
  percent: string
}

export interface AreaRates {
  code: string
  name: string
  inspected: boolean
  sampled: { not_registered: Count; registered: Count; exited: Count }
  found: { missed: Count; wrong: Count; wrongly_exited: Count }
  /** 漏评率 = people found missed / people in sampled non-registered households */
  missed_rate: InspectionRate
  /** 错评率 = people found wrongly registered / people in sampled registered households */
  wrong_rate: InspectionRate
  /** 错退率 = people found wrongly exited / people in sampled exited households */
  wrongly_exited_rate: InspectionRate
}

export const referralTargets = ['discipline_commission', 'organization_department'] as const
export type ReferralTarget = (typeof referralTargets)[number]

export interface Referral {
  id: number
  campaign_id: number
  street_code: string
  referred_on: string
  referred_to: ReferralTarget
  /** 区纪委, 区委组织部 */
  referred_to_label: string
  note: string
  created_by: string
  created_at: string
}

export interface StreetRates extends AreaRates {
  /** inspected with no 漏评, 错评 or 错退: 通报表扬 */
  commended: boolean
  /** a rate strictly above the threshold: 通报批评 */
  flagged: boolean
  /** 通报表扬, 通报批评, 未抽查 … as the server words it */
  standing: string
  referrals: Referral[]
  villages: AreaRates[]
}

export interface Rates {
  campaign_id: number
  campaign_name: string
  campaign_year: number
  threshold: Threshold
  inspections: number
  streets: StreetRates[]
  total: AreaRates
}

/** The three rates of an area, in display order, with the finding and the sampled status each counts. */
export const rateKeys = ['missed_rate', 'wrong_rate', 'wrongly_exited_rate'] as const
export type RateKey = (typeof rateKeys)[number]
export const findingOfRate: Record<RateKey, Finding> = { missed_rate: 'missed', wrong_rate: 'wrong', wrongly_exited_rate: 'wrongly_exited' }
export const statusOfRate: Record<RateKey, SampledStatus> = { missed_rate: 'not_registered', wrong_rate: 'registered', wrongly_exited_rate: 'exited' }

export interface ReferralInput {
  street_code: string
  /** YYYY-MM-DD */
  referred_on: string
  referred_to: ReferralTarget
  note: string
}

export const getRates = (campaignId: number, street?: string) => get<Rates>(`/campaigns/${campaignId}/rates`, { street })
export const exportRates = (campaignId: number, street?: string) =>
  download(`/campaigns/${campaignId}/rates/export`, { street }, `检查考核-${campaignId}.xlsx`)
/** In percent (default 2), more than 0, at most 100, two decimals at most (district). */
export const putThreshold = (campaignId: number, percent: string) => put<Threshold>(`/campaigns/${campaignId}/threshold`, { percent })
/** Only for a street flagged now; 409 condition_unmet otherwise (district). */
export const addReferral = (campaignId: number, r: ReferralInput) => post<Referral>(`/campaigns/${campaignId}/referrals`, r)

// ---- Inspections -----------------------------------------------------------

export const inspectionBodies = ['national', 'provincial', 'city', 'district'] as const
export type InspectionBody = (typeof inspectionBodies)[number]
export const inspectionKinds = ['assessment', 'supervision', 'audit'] as const
export type InspectionKind = (typeof inspectionKinds)[number]
export const findings = ['correct', 'missed', 'wrong', 'wrongly_exited'] as const
export type Finding = (typeof findings)[number]
export const sampledStatuses = ['not_registered', 'registered', 'exited'] as const
export type SampledStatus = (typeof sampledStatuses)[number]

/** The status at sampling a finding needs (漏评 of a non-registered household, 错评 of a registered one, 错退 of an exited one). */
export const statusOfFinding: Partial<Record<Finding, SampledStatus>> = { missed: 'not_registered', wrong: 'registered', wrongly_exited: 'exited' }

export interface Inspection {
  id: number
  campaign_id: number
  body: InspectionBody
  body_label: string
  kind: InspectionKind
  kind_label: string
  started_on: string
  ended_on: string
  note: string
  version: number
  created_by: string
  created_at: string
  updated_by: string
  updated_at: string
}

/** An inspection in a list, with what it sampled in the caller's scope. */
export interface InspectionSummary extends Inspection {
  sampled_households: number
  sampled_people: number
  /** households found missed, wrong or wrongly exited */
  faults: number
}

export interface SampledHousehold {
  household_id: number
  household_code: string
  street_code: string
  street_name: string
  village_code: string
  village_name: string
  status: SampledStatus
  status_label: string
  people: number
  finding: Finding
  finding_label: string
  note: string
}

export interface InspectionDetail extends Inspection {
  /** those in the caller's scope */
  households: SampledHousehold[]
}

export interface SampleInput {
  household_code: string
  /** default: the household's status once the campaign's proposal takes effect */
  status?: SampledStatus
  /** default: its present members */
  people?: number
  finding: Finding
  note?: string
}

export interface InspectionInput {
  body: InspectionBody
  kind: InspectionKind
  started_on: string
  ended_on: string
  note: string
  households: SampleInput[]
}

export interface InspectionFilter {
  campaign?: number
  street?: string
  page?: number
  page_size?: number
}

export interface InspectionImportResult {
  campaign_id: number
  inspections: InspectionSummary[]
  households: number
}

export const listInspections = (f: InspectionFilter = {}) => get<Page<InspectionSummary>>('/inspections', f as Query)
export const getInspection = (id: number) => get<InspectionDetail>(`/inspections/${id}`)
export const createInspection = (campaignId: number, i: InspectionInput) => post<InspectionDetail>('/inspections', { campaign_id: campaignId, ...i })
/** Replaces the header and all households, at the version read (409 version_conflict when stale). */
export const updateInspection = (id: number, version: number, i: InspectionInput) => put<InspectionDetail>(`/inspections/${id}`, { version, ...i })
export const deleteInspection = (id: number, version: number, reason: string) => del<void>(`/inspections/${id}`, { version, reason })
export const downloadInspectionTemplate = () => download('/inspections/template', undefined, '检查考核结果导入模板.xlsx')
/**
 * Uploads a filled-in template; checked whole: a file with problems is 422
 * and records nothing (read the problems with fileProblemsOf, api/problems.ts).
 */
export function importInspections(file: File, campaignId?: number): Promise<InspectionImportResult> {
  const form = new FormData()
  form.append('file', file)
  if (campaignId) form.append('campaign_id', String(campaignId))
  return request<InspectionImportResult>('POST', '/inspections/import', { form })
}

// ---- Policy what-if --------------------------------------------------------

export interface WhatIfRequest {
  street?: string
  village?: string
  /** yuan, decimal string */
  poverty_line?: string
  vehicle_value_limit?: string
  income_year?: number
  /** YYYY-MM-DD */
  reference_date?: string
}

export interface WhatIfStreet {
  street_code: string
  street_name: string
  counts_now: Partial<Record<Outcome, number>>
  counts_then: Partial<Record<Outcome, number>>
  changed: number
}

export interface WhatIfChange {
  household_id: number
  household_code: string
  head_name: string
  street_code: string
  village_code: string
  village_name: string
  outcome_now: Outcome
  outcome_now_label: string
  outcome_then: Outcome
  outcome_then_label: string
}

export interface WhatIfResult {
  campaign_id: number
  parameters: { campaign_year: number; income_year: number; poverty_line: string; vehicle_value_limit: string; reference_date: string }
  /** stored outcomes evaluated */
  households: number
  /** households whose outcome would change */
  changed: number
  streets: WhatIfStreet[]
  /** the first `cap` changed households */
  changes: WhatIfChange[]
  cap: number
  truncated: boolean
}

/** Evaluates other parameters over the stored inputs; nothing is stored. Only the parameters given are sent. */
export function whatIf(campaignId: number, r: WhatIfRequest): Promise<WhatIfResult> {
  const body = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined && v !== null && v !== '')) as WhatIfRequest
  return post<WhatIfResult>(`/campaigns/${campaignId}/what-if`, body)
}

// ---- The households behind a figure ----------------------------------------

export interface CampaignCase {
  id: number
  list_id: number
  household_id: number
  household_code: string
  head_name: string
  street_name: string
  village_name: string
  members: number
  computed: string
  computed_label: string
  /** '' when not proposed */
  proposal: string
  proposal_label: string
  flagged: boolean
}

export interface CaseFilter {
  street?: string
  village?: string
  /** an outcome, or none */
  proposal?: string
  computed?: string
  flagged?: boolean
  page?: number
  page_size?: number
}

export const listCampaignCases = (campaignId: number, f: CaseFilter = {}) => {
  const { flagged, ...rest } = f
  return get<Page<CampaignCase>>(`/campaigns/${campaignId}/cases`, { ...rest, flagged: flagged ? '1' : undefined } as Query)
}

export interface CauseCount {
  /** '' when not given */
  cause: string
  /** 因病 … 未填写 */
  label: string
  households: number
  people: number
}

export interface CauseFilter {
  street?: string
  village?: string
  /** statuses; the server's default is registered and exited */
  status?: string[]
}

export const householdCauses = (f: CauseFilter = {}) =>
  get<CauseCount[]>('/households/causes', { street: f.street, village: f.village, status: f.status?.length ? f.status.join(',') : undefined })
