import type { Choice, FieldKind } from '@/api/departments'
import { lists, type FieldDef } from '@/views/households/fields'
import { formatDecimal2, formatYuan, isDecimal2, normalizeDecimal } from '@/utils/money'
import type { Tri } from '@/utils/tristate'

// A department field's value as the server sends it (text in one canonical
// form: "true"/"false", "45000.00", "2017-06-30", a code, a JSON array of a
// list's items; null unknown), as a person reads it, and as the input of
// the correction dialog holds it.

type Translate = (key: string, params?: Record<string, unknown>) => string

/** The household lists a department may answer for, with their items' fields. */
const listDefs: Record<string, { fields: FieldDef[]; prefix: string }> = {
  vehicles: lists.vehicles,
  urban_properties: lists.urban_properties,
  businesses: lists.businesses,
  help_measures: lists.help_measures,
}

/** The item fields of a list field (vehicles …), if it is one the SPA knows. */
export function listItemFields(key: string): { fields: FieldDef[]; prefix: string } | undefined {
  return listDefs[key]
}

export type ListItem = Record<string, unknown>

/** The items of a list value; [] for unknown or unreadable text. */
export function parseList(value: string | null): ListItem[] {
  if (!value) return []
  try {
    const v = JSON.parse(value)
    return Array.isArray(v) ? v.filter((x) => x && typeof x === 'object') : []
  } catch {
    return []
  }
}

function itemText(key: string, item: ListItem, t: Translate): string {
  const def = listDefs[key]
  const entries = def ? def.fields.map((f) => [f.key, f] as const) : Object.keys(item).map((k) => [k, undefined] as const)
  return entries
    .map(([k, f]) => {
      const v = item[k]
      if (v === null || v === undefined || v === '') return ''
      const label = f ? t(`${def!.prefix}.${k}`) : k
      let s: string
      if (typeof v === 'boolean') s = v ? t('common.yes') : t('common.no')
      else if (f?.kind === 'money') s = `${formatYuan(String(v))} ${t('household.units.yuan')}`
      else s = String(v)
      return `${label} ${s}`
    })
    .filter(Boolean)
    .join('，')
}

/** The value in words; unknown reads 未填写. */
export function showFieldValue(kind: FieldKind, value: string | null, t: Translate, opts: { key?: string; choices?: Choice[] | null } = {}): string {
  if (value === null || value === undefined || value === '') return kind === 'list' && value === '' ? t('tasks.noItems') : t('tasks.unknownValue')
  switch (kind) {
    case 'bool':
      return value === 'true' ? t('common.yes') : value === 'false' ? t('common.no') : value
    case 'decimal':
      return isDecimal2(value) ? formatYuan(value) : value
    case 'enum':
      return opts.choices?.find((c) => c.code === value)?.label ?? value
    case 'list': {
      const items = parseList(value)
      if (!items.length) return value.trim().startsWith('[') ? t('tasks.noItems') : value
      return items.map((it, i) => `${i + 1}. ${itemText(opts.key ?? '', it, t)}`).join('；')
    }
    default:
      return value
  }
}

/** What the correction input holds for a value. */
export type EditorValue = Tri | string | number | ListItem[] | null

export function toEditor(kind: FieldKind, value: string | null): EditorValue {
  switch (kind) {
    case 'bool':
      return value === 'true' ? true : value === 'false' ? false : null
    case 'int': {
      if (value === null || value === '') return null
      const n = Number(value)
      return Number.isInteger(n) ? n : null
    }
    case 'list':
      return parseList(value)
    case 'decimal':
    case 'date':
      return value === '' ? null : value
    default:
      return value ?? ''
  }
}

/** The text the server takes for what was typed; null is unknown. */
export function fromEditor(kind: FieldKind, v: EditorValue, key = ''): string | null {
  switch (kind) {
    case 'bool':
      return v === true ? 'true' : v === false ? 'false' : null
    case 'int':
      return v === null || v === undefined || v === '' ? null : String(v)
    case 'decimal': {
      const s = normalizeDecimal(v as string | null)
      return s === null ? null : isDecimal2(s) ? formatDecimal2(s) : s
    }
    case 'list':
      return JSON.stringify(((v as ListItem[] | null) ?? []).map((it) => cleanItem(key, it)))
    case 'date':
      return v ? String(v) : null
    default: {
      const s = String(v ?? '').trim()
      return s === '' ? null : s
    }
  }
}

/** An item as the server reads it: amounts tidied, nothing typed left out. */
function cleanItem(key: string, item: ListItem): ListItem {
  const defs = listDefs[key]?.fields ?? []
  const out: ListItem = {}
  for (const [k, v] of Object.entries(item)) {
    if (v === undefined || v === '' || v === null) continue
    const money = defs.find((f) => f.key === k)?.kind === 'money'
    out[k] = typeof v === 'string' ? (money ? (normalizeDecimal(v) ?? '') : v.trim()) : v
  }
  return out
}

/** What is wrong with a typed value, or '' (the server checks the rest). */
export function checkEditor(kind: FieldKind, v: EditorValue, t: Translate): string {
  if (kind === 'decimal' && v !== null && v !== '' && !isDecimal2(v as string)) return t('tasks.v.decimal')
  if (kind === 'int' && v !== null && v !== '' && !Number.isInteger(Number(v))) return t('tasks.v.int')
  return ''
}

/** The empty item of a list, for 添加一项. */
export function newItem(key: string): ListItem {
  const def = listDefs[key]
  const item: ListItem = {}
  for (const f of def?.fields ?? []) item[f.key] = f.kind === 'bool' ? false : f.kind === 'money' || f.kind === 'date' ? null : ''
  return item
}

/** Missing required item fields of a list value, as 第2项：购置日期. */
export function listProblems(key: string, items: ListItem[], t: Translate): string[] {
  const def = listDefs[key]
  if (!def) return []
  const out: string[] = []
  items.forEach((it, i) => {
    for (const f of def.fields) {
      const v = it[f.key]
      if (f.required && (v === null || v === undefined || v === '')) out.push(t('tasks.v.itemRequired', { n: i + 1, field: t(`${def.prefix}.${f.key}`) }))
      else if (f.kind === 'money' && v !== null && v !== undefined && v !== '' && !isDecimal2(String(v)))
        out.push(t('tasks.v.itemMoney', { n: i + 1, field: t(`${def.prefix}.${f.key}`) }))
    }
  })
  return out
}
