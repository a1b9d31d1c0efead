import { download, get, type Page, type Query } from './http'

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

export const listHouseholds = (f: HouseholdFilter & { page?: number; page_size?: number }) =>
  get<Page<HouseholdListItem>>('/households', f as Query)
export const exportHouseholds = (f: HouseholdFilter) => download('/households/export', f as Query, 'households.xlsx')
