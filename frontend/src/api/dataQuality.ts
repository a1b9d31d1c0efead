import { download, get, type Page, type Query } from './http'

// The data-quality checks (录入质量, data-quality.md): sixteen checks of the
// household table, each with a stable code (DQ-01 … DQ-16), a severity and a
// Chinese message naming the field and the values. Computed by the server on
// request over the caller's scope.

export type Severity = 'error' | 'warning'
export const severities: Severity[] = ['error', 'warning']

/** One check with the number of its findings (all sixteen, zeros included). */
export interface QualityCount {
  code: string
  severity: Severity
  title: string
  count: number
}

/** A village's findings, by severity. */
export interface QualityVillage {
  village_code: string
  village_name: string
  street_code: string
  street_name: string
  errors: number
  warnings: number
}

/**
 * One finding, linked to the field of the household form: `field` is the
 * register's key (registered_on, members.id_number …); for a member's field
 * member_id and member_index say which member (null for a household field).
 */
export interface QualityItem {
  household_id: number
  household_code: string
  head_name: string
  street_name: string
  village_code: string
  village_name: string
  code: string
  severity: Severity
  title: string
  /** in Chinese, ID numbers masked */
  message: string
  field: string
  member_id: number | null
  member_index: number | null
  member_name: string
}

export interface DataQualityReport extends Page<QualityItem> {
  /** every check over the region filters, whatever code and severity say */
  summary: QualityCount[]
  /** the villages with findings the whole filter selects, most errors first */
  by_village: QualityVillage[]
}

export interface QualityFilter {
  street?: string
  village?: string
  /** DQ-01 … DQ-16 */
  code?: string
  severity?: Severity | ''
}

const clean = (f: QualityFilter): Query => ({ street: f.street, village: f.village, code: f.code, severity: f.severity })

export const dataQuality = (f: QualityFilter & { page?: number; page_size?: number }) =>
  get<DataQualityReport>('/data-quality', { ...clean(f), page: f.page, page_size: f.page_size })

/** Every finding the filter selects (all pages), as the server's XLSX. */
export const exportDataQuality = (f: QualityFilter) => download('/data-quality/export', clean(f), '录入质量.xlsx')
