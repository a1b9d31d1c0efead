import type { LocationQuery, RouteLocationRaw } from 'vue-router'
import type { QualityCount, QualityFilter, QualityItem, QualityVillage, Severity } from '@/api/dataQuality'

// The pure part of 录入质量: the filter as the page's URL keeps it, what a
// click on a check or a village does to it, and the link from a finding to
// the field of the household form (?field=members.labour_ability&member=12).

export interface QualityPageFilter extends Required<QualityFilter> {
  page: number
  page_size: number
}

export const checkCodes = Array.from({ length: 16 }, (_, i) => `DQ-${String(i + 1).padStart(2, '0')}`)
const pageSizes = [20, 50, 100]

const one = (q: LocationQuery, k: string): string => {
  const v = q[k]
  return typeof v === 'string' ? v.trim() : ''
}

/** The filter the page's query says; anything not understood is left out. */
export function filterFromQuery(q: LocationQuery): QualityPageFilter {
  const code = one(q, 'code').toUpperCase()
  const severity = one(q, 'severity')
  const street = one(q, 'street')
  const village = one(q, 'village')
  const page = Number(one(q, 'page'))
  const size = Number(one(q, 'page_size'))
  return {
    street: /^\d{9}$/.test(street) ? street : '',
    village: /^\d{12}$/.test(village) ? village : '',
    code: checkCodes.includes(code) ? code : '',
    severity: severity === 'error' || severity === 'warning' ? severity : '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
    page_size: pageSizes.includes(size) ? size : 20,
  }
}

/** The query that keeps a filter in the URL: only what is set, page 1 and the default size left out. */
export function filterToQuery(f: QualityPageFilter): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ['street', 'village', 'code', 'severity'] as const) if (f[k]) out[k] = f[k]
  if (f.page > 1) out.page = String(f.page)
  if (f.page_size !== 20) out.page_size = String(f.page_size)
  return out
}

/** What the server is asked: the filter without its empty parts. */
export function requestOf(f: QualityPageFilter): QualityFilter & { page: number; page_size: number } {
  return {
    street: f.street || undefined,
    village: f.village || undefined,
    code: f.code || undefined,
    severity: f.severity || undefined,
    page: f.page,
    page_size: f.page_size,
  }
}

/**
 * A click on a check: show its findings, or all again when it was already
 * chosen. A check has one severity, so a severity filter that would hide
 * all of its findings goes.
 */
export function pickCheck(f: QualityPageFilter, c: Pick<QualityCount, 'code' | 'severity'>): QualityPageFilter {
  const same = f.code === c.code
  return { ...f, code: same ? '' : c.code, severity: !same && f.severity && f.severity !== c.severity ? '' : f.severity, page: 1 }
}

/** A click on a village: its findings (and its street), or all again when it was already chosen. */
export function pickVillage(f: QualityPageFilter, v: Pick<QualityVillage, 'village_code' | 'street_code'>): QualityPageFilter {
  if (f.village === v.village_code) return { ...f, village: '', page: 1 }
  return { ...f, street: v.street_code, village: v.village_code, page: 1 }
}

/** A click on a severity: only its checks' findings, or both again. */
export function pickSeverity(f: QualityPageFilter, s: Severity | ''): QualityPageFilter {
  const severity = f.severity === s ? '' : s
  const codeKept = !f.code || !severity
  return { ...f, severity, code: codeKept ? f.code : '', page: 1 }
}

/** The query the household form reads to open a finding's field. */
export function fieldQuery(item: Pick<QualityItem, 'field' | 'member_id'>): Record<string, string> {
  const q: Record<string, string> = {}
  if (item.field) q.field = item.field
  if (item.member_id !== null && item.member_id !== undefined && item.field.startsWith('members.')) q.member = String(item.member_id)
  return q
}

/**
 * Where "去修改" goes: the household form at the finding's field for those
 * who may edit, the household's page for those who only read.
 */
export function fixLink(item: Pick<QualityItem, 'household_id' | 'field' | 'member_id'>, canEdit: boolean): RouteLocationRaw {
  if (!canEdit) return { name: 'household', params: { id: item.household_id } }
  return { name: 'household-edit', params: { id: item.household_id }, query: fieldQuery(item) }
}

type TagType = 'danger' | 'warning'

export const severityTagType = (s: Severity): TagType => (s === 'error' ? 'danger' : 'warning')

/** The totals of the summary by severity: the findings and the checks that found any. */
export function totals(summary: QualityCount[]): Record<Severity, { findings: number; checks: number }> {
  const out = { error: { findings: 0, checks: 0 }, warning: { findings: 0, checks: 0 } }
  for (const c of summary) {
    const s = out[c.severity]
    if (!s) continue
    s.findings += c.count
    if (c.count > 0) s.checks++
  }
  return out
}
