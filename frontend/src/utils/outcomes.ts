import type { Outcome } from '@/api/outcomes'

// What the outcome screens need besides the API: each outcome's colour, and
// the household-v1 input paths of a result (income.wage, members[1].medical_insured)
// in words a clerk knows and as the field of the household form to correct.

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'
export interface TagStyle {
  type: TagType
  effect: 'dark' | 'light' | 'plain'
}

/**
 * The tag of each outcome. Solid colours mark what changes the register
 * (纳入, 剔除, 退出, 销户) or needs a clerk (待核实); light ones what keeps it.
 */
export const outcomeStyles: Record<Outcome, TagStyle> = {
  include: { type: 'primary', effect: 'dark' },
  not_eligible: { type: 'info', effect: 'light' },
  keep: { type: 'primary', effect: 'light' },
  remove_wrong: { type: 'danger', effect: 'dark' },
  exit_normal: { type: 'success', effect: 'dark' },
  dissolve: { type: 'info', effect: 'dark' },
  reinclude: { type: 'danger', effect: 'light' },
  continue_support: { type: 'warning', effect: 'light' },
  keep_exited: { type: 'success', effect: 'light' },
  needs_review: { type: 'warning', effect: 'dark' },
  invalid: { type: 'danger', effect: 'plain' },
}

export function outcomeStyle(o: string | null | undefined): TagStyle {
  return (o && outcomeStyles[o as Outcome]) || { type: 'info', effect: 'plain' }
}

export type ListName = 'members' | 'vehicles' | 'urban_properties' | 'businesses'

/** One household-v1 path taken apart. */
export interface InputPath {
  /** members, vehicles … for an item of a list */
  list?: ListName
  /** 0-based index in the household-v1 list */
  index?: number
  /** income, housing, findings, region for a nested field */
  object?: string
  /** the field; '' for a whole item or object */
  key: string
}

const itemRe = /^(members|vehicles|urban_properties|businesses)\[(\d+)\](?:\.(\w+))?$/
const nestedRe = /^(income|housing|findings|region)\.(\w+)$/

export function parseInputPath(path: string): InputPath {
  let m = itemRe.exec(path)
  if (m) return { list: m[1] as ListName, index: Number(m[2]), key: m[3] ?? '' }
  m = nestedRe.exec(path)
  if (m) return { object: m[1], key: m[2] }
  return { key: path }
}

type Translate = (key: string, params?: Record<string, unknown>) => string
type Exists = (key: string) => boolean

// i18n prefix of an item's fields (outcome.path.<prefix>.<key>).
const itemPrefix: Record<ListName, string> = {
  members: 'member',
  vehicles: 'vehicle',
  urban_properties: 'property',
  businesses: 'business',
}

/**
 * A path in words, parts joined by "·": income.wage → 收入·工资性收入,
 * members[1].medical_insured → 第2名成员·参加基本医疗保险 (or 成员张三·…
 * when memberName knows the member). A path that cannot be named is given as it is.
 */
export function inputPathLabel(path: string, t: Translate, te: Exists, memberName?: (index: number) => string | undefined): string {
  const p = parseInputPath(path)
  const word = (key: string) => (te(key) ? t(key) : undefined)
  if (p.list !== undefined && p.index !== undefined) {
    const name = p.list === 'members' ? memberName?.(p.index) : undefined
    const item = name ? t('outcome.path.memberNamed', { name }) : t(`outcome.path.item.${p.list}`, { n: p.index + 1 })
    if (!p.key) return item
    return `${item}·${word(`outcome.path.${itemPrefix[p.list]}.${p.key}`) ?? p.key}`
  }
  if (p.object) {
    const head = word(`outcome.path.f.${p.object}`) ?? p.object
    const tail = word(`outcome.path.${p.object}.${p.key}`)
    return tail ? `${head}·${tail}` : path
  }
  return word(`outcome.path.f.${p.key}`) ?? path
}

/** The distinct labels of some paths, in order (a member's several fields may read alike). */
export function inputPathLabels(paths: string[], label: (p: string) => string): string[] {
  return [...new Set(paths.map(label))]
}

// household-v1 → the register's field names (the household form's paths).
const nestedToForm: Record<string, string> = {
  'income.year': 'income_year',
  'income.wage': 'income_wage',
  'income.operating': 'income_operating',
  'income.property': 'income_property',
  'income.transfer': 'income_transfer',
  'income.operating_cost': 'operating_cost',
  'housing.grade': 'housing_grade',
  'housing.area_m2': 'housing_area_m2',
  'findings.split_or_merge_for_benefit': 'finding_split_merge',
  'findings.empty_hung_hukou': 'finding_empty_hung',
  'findings.fraud': 'finding_fraud',
  'region.street': 'village_code',
  'region.village': 'village_code',
  'region.group': 'group_id',
}
const memberToForm: Record<string, string> = { schooling: 'schooling_status' }

/**
 * The household members' positions in household-v1: members who moved out
 * are left out of it, so its index i is the register's index result[i].
 */
export function memberPositions(members: { status: string }[]): number[] {
  const out: number[] = []
  members.forEach((m, i) => {
    if (m.status !== 'moved_out') out.push(i)
  })
  return out
}

/**
 * The field of the household form that holds an input: income.wage →
 * income_wage, members[1].schooling → members[<register index>].schooling_status.
 * positions maps household-v1 member indexes to the register's (memberPositions).
 */
export function formFieldOf(path: string, positions?: number[]): string {
  const p = parseInputPath(path)
  if (p.list !== undefined && p.index !== undefined) {
    const index = p.list === 'members' && positions ? (positions[p.index] ?? p.index) : p.index
    const key = p.list === 'members' ? (memberToForm[p.key] ?? p.key) : p.key
    return key ? `${p.list}[${index}].${key}` : `${p.list}[${index}]`
  }
  if (p.object) return nestedToForm[path] ?? p.object
  return p.key
}
