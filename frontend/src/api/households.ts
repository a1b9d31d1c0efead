import { del, download, get, post, put, type Page, type Query } from './http'
import type { AuditEvent } from './audit'

// The household register (户表), typed after the server's DTOs
// (backend/internal/api/households.go). Amounts and areas are decimal
// strings in yuan / 亩 / m² / km with at most two decimals — never numbers;
// dates are YYYY-MM-DD; null means unknown (or "none" for the *_since dates).

export interface HouseholdListItem {
  id: number
  code: string
  street_code: string
  street_name: string
  village_code: string
  village_name: string
  group_name: string
  head_name: string
  head_id_number: string
  members: number
  status: string
  poverty_attribute: string
  main_cause: string
  version: number
  updated_at: string
}

export interface HouseholdFilter {
  street?: string
  village?: string
  group?: number
  status?: string
  attribute?: string
  cause?: string
  q?: string
  id_number?: string
}

/** A decimal string such as "5700.50"; null is unknown. */
export type Decimal = string
/** YYYY-MM-DD */
export type DateString = string

export interface Member {
  /** the member's id when editing an existing member, 0 for a new one */
  id: number
  id_number: string
  name: string
  /** read from the ID number by the server; may be left '' on input */
  gender: string
  birth_date: DateString | null
  ethnicity: string
  relation: string
  status: string
  shares_income: boolean
  political_status: string
  education_level: string
  schooling_status: string
  dropout: boolean | null
  health: string
  disease: string
  disability_category: string
  disability_grade: number | null
  disability_cert: string
  labour_ability: string
  migrant_place: string
  migrant_months: number | null
  medical_insured: boolean | null
  pension_insured: boolean | null
  serious_illness_insured: boolean | null
  active_military: boolean | null
  fiscal_staff_since: DateString | null
  village_cadre_since: DateString | null
}

export interface Vehicle {
  value: Decimal
  acquired_on: DateString | null
  exit_measure: boolean
  plate: string
}

export interface UrbanProperty {
  kind: string
  acquired_on: DateString | null
  exit_measure: boolean
  relocation: boolean
  address: string
}

export interface Business {
  name: string
  reg_no: string
  registered_on: DateString | null
  operating: boolean
  exit_measure: boolean
}

export interface HelpMeasure {
  measure: string
  helper: string
  helper_unit: string
  since: DateString | null
}

/** The household's own fields, as read and written. */
export interface HouseholdFields {
  code: string
  village_code: string
  group_id: number | null
  address: string
  phone: string

  status: string
  registered_on: DateString | null
  exited_year: number | null
  ident_standard: string
  poverty_attribute: string
  main_cause: string
  other_causes: string[]

  hukou: string
  rural_resident: boolean
  dibao: boolean | null
  tekun: boolean | null
  military_family: boolean | null
  only_child: boolean | null
  two_daughters: boolean | null

  income_year: number
  income_wage: Decimal | null
  income_operating: Decimal | null
  income_property: Decimal | null
  income_transfer: Decimal | null
  transfer_family_plan: Decimal | null
  transfer_dibao: Decimal | null
  transfer_wubao: Decimal | null
  transfer_pension: Decimal | null
  transfer_eco_comp: Decimal | null
  transfer_other: Decimal | null
  operating_cost: Decimal | null

  housing_grade: string
  housing_area_m2: Decimal | null
  housing_structure: string
  housing_built_year: number | null

  food_secure: boolean | null
  clothing_secure: boolean | null
  safe_drinking_water: boolean | null
  drinking_difficulty: boolean | null
  power_living: boolean | null
  power_production: boolean | null
  road_type: string
  road_distance_km: Decimal | null
  sanitary_toilet: boolean | null
  cooking_fuel: string
  tv_reception: boolean | null
  broadband: boolean | null

  land_cultivated: Decimal | null
  land_irrigated: Decimal | null
  land_forest: Decimal | null
  land_returned: Decimal | null
  land_orchard: Decimal | null
  land_grass: Decimal | null
  land_water: Decimal | null
  livestock: number | null
  main_crops: string
  durable_goods: string
  coop_member: boolean | null
  eco_compensation: Decimal | null
  ranger_income: Decimal | null

  relocated: boolean | null
  relocation_mode: string
  resettlement_site: string

  employs_others_long_term: boolean | null
  education_burden_heavy: boolean | null
  finding_split_merge: boolean
  finding_split_merge_note: string
  finding_empty_hung: boolean
  finding_empty_hung_note: string
  finding_fraud: boolean
  finding_fraud_note: string

  surveyors: string
  survey_date: DateString | null

  members: Member[]
  vehicles: Vehicle[]
  urban_properties: UrbanProperty[]
  businesses: Business[]
  help_measures: HelpMeasure[]
}

/** Creates a household (version 0), or replaces one's fields with the version the edit was based on. */
export interface HouseholdInput extends HouseholdFields {
  version: number
}

/** One full household record. */
export interface Household extends HouseholdFields {
  id: number
  street_code: string
  /** derived by the server: wage + operating + property + transfer − operating cost; null when a part is unknown */
  net_income: Decimal | null
  /** net income / household_size, two decimals; null when unknown or nobody is counted */
  per_capita_income: Decimal | null
  /** counted members: present and sharing income */
  household_size: number
  version: number
  created_at: string
  created_by: string
  updated_at: string
  updated_by: string
}

export interface DeleteHouseholdRequest {
  version: number
  reason: string
}

export interface TransferRequest {
  to_household_id: number
  /** relation to the new household's head (never head) */
  relation: string
  /** transfer_reason code: marriage, split, merge, correction */
  reason: string
  note: string
  /** versions of the two households the caller saw */
  from_version: number
  to_version: number
}

export const listHouseholds = (f: HouseholdFilter & { page?: number; page_size?: number }) =>
  get<Page<HouseholdListItem>>('/households', f as Query)
export const exportHouseholds = (f: HouseholdFilter) => download('/households/export', f as Query, 'households.xlsx')

export const getHousehold = (id: number) => get<Household>(`/households/${id}`)
export const createHousehold = (h: HouseholdInput) => post<Household>('/households', h)
export const updateHousehold = (id: number, h: HouseholdInput) => put<Household>(`/households/${id}`, h)
export const deleteHousehold = (id: number, r: DeleteHouseholdRequest) => del<void>(`/households/${id}`, r)
/** The audited changes of a household, newest first. */
export const householdHistory = (id: number) => get<Page<AuditEvent>>(`/households/${id}/history`)
/** Moves a member (by member id) to another household. */
export const transferMember = (memberId: number, r: TransferRequest) => post<void>(`/members/${memberId}/transfer`, r)
