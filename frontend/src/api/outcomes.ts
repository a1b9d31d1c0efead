import { download, get, type Page, type Query } from './http'
import type { Campaign } from './campaigns'

// Computed outcomes (测算结果) of the households in a campaign (rules.md §5).

export const outcomeCodes = [
  'include',
  'not_eligible',
  'keep',
  'remove_wrong',
  'exit_normal',
  'dissolve',
  'reinclude',
  'continue_support',
  'keep_exited',
  'needs_review',
  'invalid',
] as const
export type Outcome = (typeof outcomeCodes)[number]

export const isOutcome = (s: unknown): s is Outcome => typeof s === 'string' && (outcomeCodes as readonly string[]).includes(s)

export interface OutcomeListItem {
  household_id: number
  code: string
  street_code: string
  street_name: string
  village_code: string
  village_name: string
  head_name: string
  outcome: Outcome
  /** Chinese name given by the server */
  outcome_label: string
  /** yuan, two decimals; null when it cannot be computed */
  per_capita_income: string | null
  household_size: number | null
  computed_at: string
  /** '' before the first change */
  previous_outcome: Outcome | ''
}

export interface OutcomeCount {
  outcome: Outcome
  label: string
  count: number
}

/** A page of outcomes with the counts of every outcome over the street/village filter. */
export interface OutcomePage extends Page<OutcomeListItem> {
  counts: OutcomeCount[]
}

export interface OutcomeFilter {
  street?: string
  village?: string
  outcome?: string
}

export interface RuleFired {
  code: string
  name: string
  /** T: applies; U: cannot be decided (data incomplete) */
  value: 'T' | 'U'
  /** a hit whose exception applies (after registration, as an exit measure) */
  excepted: boolean
  /** Chinese, naming the values that decided it */
  detail: string
  /** the policy's wording with the campaign's parameters */
  clause: string
  /** where in 盘政办通〔2017〕99号 */
  source: string
}

export interface FieldError {
  path: string
  message: string
}

export interface HouseholdOutcome {
  household_id: number
  campaign: Campaign
  outcome: Outcome
  outcome_label: string
  per_capita_income: string | null
  household_size: number | null
  /** ID numbers of the members removed under EX-09 */
  members_removed: string[]
  rules: RuleFired[]
  /** household-v1 paths of the unknown inputs of a needs_review (income.wage, members[1].medical_insured) */
  unknown: string[]
  errors: FieldError[]
  computed_at: string
  household_version: number
  /** household-v1 paths changed since the computation before */
  changed_inputs: string[]
  previous_outcome: Outcome | ''
  previous_outcome_label: string
}

export const listOutcomes = (campaignId: number, f: OutcomeFilter & { page?: number; page_size?: number }) =>
  get<OutcomePage>(`/campaigns/${campaignId}/outcomes`, f as Query)

export const exportOutcomes = (campaignId: number, f: OutcomeFilter) =>
  download(`/campaigns/${campaignId}/outcomes/export`, f as Query, `outcomes-${campaignId}.xlsx`)

export const householdOutcome = (householdId: number) => get<HouseholdOutcome>(`/households/${householdId}/outcome`)
