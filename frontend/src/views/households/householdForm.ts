import type { Household, HouseholdInput, Member } from '@/api/households'
import type { FieldDetail } from '@/api/http'
import { idBirthDate, idGender, idProblemText, normalizeIdNumber, todayInShanghai, validateIdNumber } from '@/utils/idcard'
import { decimalPattern, normalizeDecimal } from '@/utils/money'
import { householdFields, lists, parsePath, type FieldDef, type ListName } from './fields'

// The household form's logic, kept out of the component so that it can be
// tested: blank records, the payload sent (exactly the server's input
// fields, normalised), the checks the server makes (so the clerk sees them
// before saving), server errors mapped to fields, and the three-way
// comparison shown after a version conflict.

type Translate = (key: string, params?: Record<string, unknown>) => string
type Row = Record<string, unknown>

export function emptyMember(head = false): Member {
  return {
    id: 0, id_number: '', name: '', gender: '', birth_date: null, ethnicity: '', relation: head ? 'head' : '',
    status: 'present', shares_income: true, political_status: '', education_level: '', schooling_status: '',
    dropout: null, health: '', disease: '', disability_category: '', disability_grade: null, disability_cert: '',
    labour_ability: '', migrant_place: '', migrant_months: null, medical_insured: null, pension_insured: null,
    serious_illness_insured: null, active_military: null, fiscal_staff_since: null, village_cadre_since: null,
  }
}

export const emptyRow: Record<Exclude<ListName, 'members'>, () => Row> = {
  vehicles: () => ({ value: '', acquired_on: null, exit_measure: false, plate: '' }),
  urban_properties: () => ({ kind: '', acquired_on: null, exit_measure: false, relocation: false, address: '' }),
  businesses: () => ({ name: '', reg_no: '', registered_on: null, operating: true, exit_measure: false }),
  help_measures: () => ({ measure: '', helper: '', helper_unit: '', since: null }),
}

function blank(def: FieldDef): unknown {
  switch (def.kind) {
    case 'codes':
      return []
    case 'bool':
      return false
    case 'text':
    case 'note':
    case 'code':
    case 'village':
      return ''
    default:
      return null
  }
}

/** A new household: every field blank (unknown), one head to fill in. */
export function emptyHousehold(incomeYear: number): HouseholdInput {
  const h: Row = {}
  for (const f of householdFields) h[f.key] = blank(f)
  Object.assign(h, {
    status: 'not_registered',
    income_year: incomeYear,
    members: [emptyMember(true)],
    vehicles: [],
    urban_properties: [],
    businesses: [],
    help_measures: [],
    version: 0,
  })
  return h as unknown as HouseholdInput
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

function pick(row: Row, defs: readonly FieldDef[], extra: string[] = []): Row {
  const out: Row = {}
  for (const k of extra) out[k] = row[k]
  for (const f of defs) out[f.key] = row[f.key] === undefined ? blank(f) : clone(row[f.key])
  return out
}

/** The editable part of a household read from the server, with its version. */
export function toForm(h: Household): HouseholdInput {
  const src = h as unknown as Row
  const out = pick(src, householdFields)
  out.members = (h.members ?? []).map((m) => pick(m as unknown as Row, lists.members.fields, ['id']))
  for (const l of ['vehicles', 'urban_properties', 'businesses', 'help_measures'] as const)
    out[l] = ((src[l] as Row[]) ?? []).map((r) => pick(r, lists[l].fields))
  out.version = h.version
  return out as unknown as HouseholdInput
}

function norm(def: FieldDef, v: unknown): unknown {
  switch (def.kind) {
    case 'text':
    case 'note':
    case 'village':
      return typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : String(v)
    case 'code':
      return v === null || v === undefined ? '' : String(v)
    case 'codes':
      return Array.isArray(v) ? v.filter((c) => c !== '' && c !== null && c !== undefined) : []
    case 'tri':
      return v === true ? true : v === false ? false : null
    case 'bool':
      return v === true
    case 'money':
    case 'decimal':
      return normalizeDecimal(v as string | null)
    case 'int':
    case 'year':
    case 'group':
      if (v === null || v === undefined || v === '') return null
      return typeof v === 'number' ? v : Number(v)
    case 'date':
      return v ? String(v) : null
  }
}

function normRow(row: Row, defs: readonly FieldDef[]): Row {
  const out: Row = {}
  for (const f of defs) out[f.key] = norm(f, row[f.key])
  return out
}

/**
 * The payload for POST/PUT: exactly the server's input fields (it refuses
 * unknown ones), text trimmed, amounts tidied but kept as strings, ID
 * numbers upper-cased with gender and birth date read from them.
 */
export function toInput(form: HouseholdInput): HouseholdInput {
  const src = form as unknown as Row
  const out = normRow(src, householdFields)
  if (out.income_year === null) out.income_year = 0
  out.members = (form.members ?? []).map((m) => {
    const r = normRow(m as unknown as Row, lists.members.fields)
    r.id = m.id || 0
    r.id_number = normalizeIdNumber(String(r.id_number ?? ''))
    r.gender = idGender(r.id_number as string)
    r.birth_date = idBirthDate(r.id_number as string)
    if (validateIdNumber(r.id_number as string) !== null) {
      r.gender = ''
      r.birth_date = null
    }
    return r
  })
  for (const l of ['vehicles', 'urban_properties', 'businesses', 'help_measures'] as const) {
    out[l] = ((src[l] as Row[]) ?? []).map((r) => normRow(r, lists[l].fields))
  }
  // A vehicle's value is not nullable on the server: an empty one is sent as
  // '' and refused by the checks below before it is ever sent.
  for (const v of out.vehicles as Row[]) if (v.value === null) v.value = ''
  out.version = form.version ?? 0
  return out as unknown as HouseholdInput
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/

/** The server's checks of a household (register/validate.go), on the payload toInput makes. */
export function validateHousehold(h: HouseholdInput, t: Translate, today: string = todayInShanghai()): FieldDetail[] {
  const out: FieldDetail[] = []
  const add = (field: string, message: string) => out.push({ field, message })
  const thisYear = Number(today.slice(0, 4))
  const length = (field: string, s: string, max?: number) => {
    if (max && [...(s ?? '')].length > max) add(field, t('household.v.maxLen', { n: max }))
  }
  const date = (field: string, d: string | null, required = false) => {
    if (!d) {
      if (required) add(field, t('household.v.date'))
      return
    }
    if (!datePattern.test(d)) add(field, t('household.v.dateFormat'))
    else if (d > today) add(field, t('household.v.dateFuture'))
    else if (Number(d.slice(0, 4)) < 1900) add(field, t('household.v.dateOld'))
  }
  const decimal = (field: string, v: string | null, def: FieldDef) => {
    if (v === null) {
      if (def.required) add(field, t('household.v.required'))
      return
    }
    if (v === '') {
      add(field, t('household.v.required'))
      return
    }
    if (!decimalPattern.test(v)) {
      add(field, /^-/.test(v) ? t('household.v.negative') : t('household.v.money'))
      return
    }
    const digits = v.split('.')[0].replace(/^0+(?=\d)/, '').length
    if (def.digits && digits > def.digits) add(field, t('household.v.tooBig', { n: def.digits }))
  }
  const integer = (field: string, v: number | null) => {
    if (v !== null && !Number.isInteger(v)) {
      add(field, t('household.v.integer'))
      return false
    }
    return true
  }
  const row = (prefix: string, r: Row, defs: readonly FieldDef[]) => {
    for (const f of defs) {
      const path = prefix + f.key
      const v = r[f.key]
      switch (f.kind) {
        case 'text':
        case 'note':
          if (f.required && !v) add(path, t('household.v.required'))
          length(path, v as string, f.max)
          break
        case 'code':
          if (f.required && !v && !f.readonly) add(path, t('household.v.required'))
          break
        case 'money':
        case 'decimal':
          decimal(path, v as string | null, f)
          break
        case 'date':
          if (!f.readonly) date(path, v as string | null, f.required)
          break
        case 'int':
        case 'year':
          integer(path, v as number | null)
          break
      }
    }
  }

  const hh = h as unknown as Row
  for (const f of householdFields) {
    const v = hh[f.key]
    switch (f.key) {
      case 'code':
        if (!v) add('code', t('household.v.code'))
        length('code', v as string, f.max)
        continue
      case 'village_code':
        if (!v) add('village_code', t('household.v.village'))
        continue
      case 'registered_on':
        if (h.registered_on) date('registered_on', h.registered_on)
        else if (h.status === 'registered' || h.status === 'exited') add('registered_on', t('household.v.registeredOn'))
        continue
      case 'exited_year':
        if (!integer('exited_year', h.exited_year)) continue
        if (h.status === 'exited') {
          if (h.exited_year === null) add('exited_year', t('household.v.exitedYear'))
          else if (h.exited_year > thisYear) add('exited_year', t('household.v.exitedFuture'))
          else if (h.registered_on && h.exited_year < Number(h.registered_on.slice(0, 4)))
            add('exited_year', t('household.v.exitedBeforeRegistered'))
        }
        continue
      case 'income_year':
        if (!Number.isInteger(h.income_year) || h.income_year < 2000 || h.income_year > thisYear) add('income_year', t('household.v.incomeYear'))
        continue
      case 'housing_built_year':
        if (integer('housing_built_year', h.housing_built_year) && h.housing_built_year !== null && (h.housing_built_year < 1800 || h.housing_built_year > thisYear))
          add('housing_built_year', t('household.v.builtYear'))
        continue
      case 'livestock':
        if (integer('livestock', h.livestock) && h.livestock !== null && h.livestock < 0) add('livestock', t('household.v.negative'))
        continue
    }
    row('', { [f.key]: v }, [f])
  }

  if (!h.members.length) add('members', t('household.v.noMembers'))
  h.members.forEach((m, i) => {
    const p = `members[${i}].`
    if (!m.name || [...m.name].length > 50) add(p + 'name', t('household.v.name'))
    const problem = validateIdNumber(m.id_number, today)
    if (problem) add(p + 'id_number', idProblemText(problem, t))
    row(p, m as unknown as Row, lists.members.fields.filter((f) => !['name', 'id_number', 'disability_grade', 'migrant_months'].includes(f.key)))
    if (integer(p + 'disability_grade', m.disability_grade)) {
      if (m.disability_category && (m.disability_grade === null || m.disability_grade < 1 || m.disability_grade > 4))
        add(p + 'disability_grade', t('household.v.disabilityGrade'))
      if (!m.disability_category && m.disability_grade !== null) add(p + 'disability_category', t('household.v.disabilityCategory'))
    }
    if (integer(p + 'migrant_months', m.migrant_months) && m.migrant_months !== null && (m.migrant_months < 0 || m.migrant_months > 12))
      add(p + 'migrant_months', t('household.v.migrantMonths'))
  })
  const seen = new Map<string, number>()
  let heads = 0
  h.members.forEach((m, i) => {
    if (m.relation === 'head') heads++
    const j = seen.get(m.id_number)
    if (j !== undefined && m.id_number) add(`members[${i}].id_number`, t('household.v.dupId', { n: j + 1 }))
    seen.set(m.id_number, i)
  })
  if (h.members.length && heads !== 1) add('members', t('household.v.heads', { n: heads }))

  for (const l of ['vehicles', 'urban_properties', 'businesses', 'help_measures'] as const) {
    ;((hh[l] as Row[]) ?? []).forEach((r, i) => {
      if (l === 'help_measures' && !String(r.measure ?? '').trim()) add(`${l}[${i}].measure`, t('household.v.measure'))
      row(`${l}[${i}].`, r, lists[l].fields.filter((f) => !(l === 'help_measures' && f.key === 'measure' && !r.measure)))
    })
  }
  return out
}

/** Server or client details by field; several problems of one field joined. */
export function errorMap(details: FieldDetail[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of details) out[d.field] = out[d.field] ? `${out[d.field]}；${d.message}` : d.message
  return out
}

// ---- after a version conflict: what the clerk typed, what it was, what it is now ----

/** Every field of a household as path → comparable value (JSON text). */
export function flatten(h: HouseholdInput): Record<string, string> {
  const out: Record<string, string> = {}
  const src = h as unknown as Row
  for (const f of householdFields) out[f.key] = JSON.stringify(src[f.key] ?? null)
  for (const l of Object.keys(lists) as ListName[]) {
    ;((src[l] as Row[]) ?? []).forEach((r, i) => {
      for (const f of lists[l].fields) {
        if (l === 'members' && f.readonly) continue
        out[`${l}[${i}].${f.key}`] = JSON.stringify(r[f.key] ?? null)
      }
    })
  }
  return out
}

export interface UnsavedChange {
  path: string
  yours: unknown
  before: unknown
  latest: unknown
  /** someone else changed it too */
  otherChanged: boolean
  /** it can be written into the latest record as it stands */
  applicable: boolean
}

function sameRows(a: HouseholdInput, b: HouseholdInput, l: ListName): boolean {
  const x = (a as unknown as Row)[l] as Row[]
  const y = (b as unknown as Row)[l] as Row[]
  if (x.length !== y.length) return false
  return l !== 'members' || x.every((m, i) => m.id === y[i].id)
}

/** The clerk's edits (mine against base), with the latest saved value of each. */
export function unsavedChanges(base: HouseholdInput, mine: HouseholdInput, latest: HouseholdInput): UnsavedChange[] {
  const b = flatten(base)
  const m = flatten(mine)
  const l = flatten(latest)
  const paths = [...new Set([...Object.keys(m), ...Object.keys(b)])]
  const out: UnsavedChange[] = []
  const parse = (s: string | undefined) => (s === undefined ? undefined : JSON.parse(s))
  for (const path of paths) {
    if (m[path] === b[path]) continue
    const p = parsePath(path)
    const applicable =
      m[path] !== undefined && (!p.list || (sameRows(base, latest, p.list) && sameRows(base, mine, p.list)))
    out.push({
      path,
      yours: parse(m[path]),
      before: parse(b[path]),
      latest: parse(l[path]),
      otherChanged: l[path] !== b[path],
      applicable,
    })
  }
  return out
}

/** Writes one field (by API path) into a form. */
export function setPath(form: HouseholdInput, path: string, value: unknown) {
  const p = parsePath(path)
  const v = clone(value ?? null)
  if (p.list) {
    const rows = (form as unknown as Row)[p.list] as Row[]
    if (rows[p.index!]) rows[p.index!][p.key] = v
    return
  }
  ;(form as unknown as Row)[p.key] = v
}
