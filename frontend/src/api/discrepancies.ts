import { download, get, post, type Page, type Query } from './http'
import type { HouseholdOutcome } from './outcomes'

// Differences between a department's register and the survey (比对差异),
// for the check team of the household's street to resolve: take the
// department's value (the household changes and is re-evaluated) or keep
// the survey's with a reason. Values come as the server words them
// (未登记; 云A12345，购置价格45000.00元，2016-03-01购置).

export type DiscrepancyStatus = 'open' | 'accepted' | 'kept'
export const discrepancyStatuses: DiscrepancyStatus[] = ['open', 'accepted', 'kept']

export interface Discrepancy {
  id: number
  dataset: string
  dataset_name: string
  /** department code */
  department: string
  /** the rule it bears on: EX-03 */
  rule: string
  field: string
  field_label: string
  household_id: number
  household_code: string
  street_code: string
  street_name: string
  village_code: string
  village_name: string
  member_id: number
  member_name: string
  /** masked in lists */
  id_number: string
  survey_value: string
  department_value: string
  status: DiscrepancyStatus
  status_label?: string
  reason: string
  resolved_by: string
  resolved_at: string | null
  created_at: string
}

/** One discrepancy with the department's whole row (by Chinese header) and, once accepted, the household's new outcome. */
export interface DiscrepancyDetail extends Discrepancy {
  /** The department's row, in its columns' order. */
  record: { header: string; value: string }[]
  outcome: HouseholdOutcome | null
}

export interface DiscrepancyPage extends Page<Discrepancy> {
  /** by status, over the filter without its status */
  counts?: Partial<Record<DiscrepancyStatus, number>>
}

export interface DiscrepancyFilter {
  campaign_id?: number
  status?: DiscrepancyStatus | 'all'
  dataset?: string
  rule?: string
  street?: string
  village?: string
  household_id?: number
}

export interface ResolveRequest {
  decision: 'accept' | 'keep'
  reason: string
}

/** Every dataset the departments upload (code → name), for the filter. */
export async function datasetNames(): Promise<Record<string, string>> {
  const r = await get<{ items: { code: string; name: string }[] }>('/datasets')
  return Object.fromEntries(r.items.map((d) => [d.code, d.name]))
}

export const listDiscrepancies = (f: DiscrepancyFilter & { page?: number; page_size?: number }) => get<DiscrepancyPage>('/discrepancies', f as Query)
export const getDiscrepancy = (id: number) => get<DiscrepancyDetail>(`/discrepancies/${id}`)
export const exportDiscrepancies = (f: DiscrepancyFilter) => download('/discrepancies/export', f as Query, 'discrepancies.xlsx')
export const resolveDiscrepancy = (id: number, r: ResolveRequest) => post<DiscrepancyDetail>(`/discrepancies/${id}/resolve`, r)
