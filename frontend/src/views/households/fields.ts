// The household record's fields, declared once: the detail page, the form,
// the print form and the change history all read this catalogue, so a field
// has one label and one way of being shown everywhere. Labels are the i18n
// keys household.f.<key> (household), household.m.<key> (member),
// household.vehicle.<key>, household.property.<key>, household.business.<key>
// and household.help.<key>.

export type Kind =
  | 'text' // free text
  | 'note' // longer free text
  | 'code' // one code of a code list
  | 'codes' // several codes of a code list
  | 'tri' // 是 / 否 / 未知
  | 'bool' // 是 / 否
  | 'money' // yuan, decimal string
  | 'decimal' // area or distance, decimal string
  | 'int'
  | 'year'
  | 'date'
  | 'village'
  | 'group'

export type Unit = 'yuan' | 'mu' | 'm2' | 'km' | 'head' | 'month'

export interface FieldDef {
  key: string
  kind: Kind
  list?: string
  unit?: Unit
  required?: boolean
  /** longest text (characters), as the server or the database allows */
  max?: number
  /** most digits before the point, as the database column allows */
  digits?: number
  /** read only on the form (read from another field) */
  readonly?: boolean
}

const money = (key: string): FieldDef => ({ key, kind: 'money', unit: 'yuan', digits: 12 })
const area = (key: string): FieldDef => ({ key, kind: 'decimal', unit: 'mu', digits: 8 })
const tri = (key: string): FieldDef => ({ key, kind: 'tri' })

export interface Group {
  key: string // household.groups.<key>
  fields: FieldDef[]
}

export const groups: Record<string, Group> = {
  identity: {
    key: 'identity',
    fields: [
      { key: 'code', kind: 'text', required: true, max: 64 },
      { key: 'village_code', kind: 'village', required: true },
      { key: 'group_id', kind: 'group' },
      { key: 'address', kind: 'text', max: 200 },
      { key: 'phone', kind: 'text', max: 32 },
    ],
  },
  registration: {
    key: 'registration',
    fields: [
      { key: 'status', kind: 'code', list: 'status', required: true },
      { key: 'registered_on', kind: 'date' },
      { key: 'exited_year', kind: 'year' },
      { key: 'ident_standard', kind: 'code', list: 'ident_standard' },
      { key: 'poverty_attribute', kind: 'code', list: 'poverty_attribute' },
      { key: 'main_cause', kind: 'code', list: 'cause' },
      { key: 'other_causes', kind: 'codes', list: 'cause' },
    ],
  },
  policy: {
    key: 'policy',
    fields: [
      { key: 'hukou', kind: 'code', list: 'hukou', required: true },
      { key: 'rural_resident', kind: 'bool' },
      tri('dibao'),
      tri('tekun'),
      tri('military_family'),
      tri('only_child'),
      tri('two_daughters'),
    ],
  },
  survey: {
    key: 'survey',
    fields: [
      { key: 'surveyors', kind: 'text', max: 200 },
      { key: 'survey_date', kind: 'date' },
    ],
  },
  findings: {
    key: 'findings',
    fields: [
      tri('employs_others_long_term'),
      tri('education_burden_heavy'),
      { key: 'finding_split_merge', kind: 'bool' },
      { key: 'finding_split_merge_note', kind: 'note', max: 500 },
      { key: 'finding_empty_hung', kind: 'bool' },
      { key: 'finding_empty_hung_note', kind: 'note', max: 500 },
      { key: 'finding_fraud', kind: 'bool' },
      { key: 'finding_fraud_note', kind: 'note', max: 500 },
    ],
  },
  income: {
    key: 'income',
    fields: [
      { key: 'income_year', kind: 'year', required: true },
      money('income_wage'),
      money('income_operating'),
      money('income_property'),
      money('income_transfer'),
      money('operating_cost'),
    ],
  },
  transferDetail: {
    key: 'transferDetail',
    fields: [
      money('transfer_family_plan'),
      money('transfer_dibao'),
      money('transfer_wubao'),
      money('transfer_pension'),
      money('transfer_eco_comp'),
      money('transfer_other'),
    ],
  },
  housing: {
    key: 'housing',
    fields: [
      { key: 'housing_grade', kind: 'code', list: 'housing_grade' },
      { key: 'housing_area_m2', kind: 'decimal', unit: 'm2', digits: 8 },
      { key: 'housing_structure', kind: 'code', list: 'housing_structure' },
      { key: 'housing_built_year', kind: 'year' },
    ],
  },
  living: {
    key: 'living',
    fields: [
      tri('food_secure'),
      tri('clothing_secure'),
      tri('safe_drinking_water'),
      tri('drinking_difficulty'),
      tri('power_living'),
      tri('power_production'),
      { key: 'road_type', kind: 'code', list: 'road_type' },
      { key: 'road_distance_km', kind: 'decimal', unit: 'km', digits: 6 },
      tri('sanitary_toilet'),
      { key: 'cooking_fuel', kind: 'code', list: 'cooking_fuel' },
      tri('tv_reception'),
      tri('broadband'),
    ],
  },
  relocation: {
    key: 'relocation',
    fields: [
      tri('relocated'),
      { key: 'relocation_mode', kind: 'code', list: 'relocation_mode' },
      { key: 'resettlement_site', kind: 'text', max: 200 },
    ],
  },
  land: {
    key: 'land',
    fields: [
      area('land_cultivated'),
      area('land_irrigated'),
      area('land_forest'),
      area('land_returned'),
      area('land_orchard'),
      area('land_grass'),
      area('land_water'),
      { key: 'livestock', kind: 'int', unit: 'head' },
      { key: 'main_crops', kind: 'text', max: 200 },
      { key: 'durable_goods', kind: 'text', max: 200 },
      tri('coop_member'),
      money('eco_compensation'),
      money('ranger_income'),
    ],
  },
}

/** Sections of the form and of the detail page (household.sections.<key>). */
export const sections: { key: string; groups: Group[] }[] = [
  { key: 'basic', groups: [groups.identity, groups.registration, groups.policy, groups.survey] },
  { key: 'findings', groups: [groups.findings] },
  { key: 'income', groups: [groups.income, groups.transferDetail] },
  { key: 'housing', groups: [groups.housing, groups.living, groups.relocation] },
  { key: 'assets', groups: [groups.land] },
]

export const householdFields: FieldDef[] = Object.values(groups).flatMap((g) => g.fields)

export const memberFields: FieldDef[] = [
  { key: 'name', kind: 'text', required: true, max: 50 },
  { key: 'id_number', kind: 'text', required: true },
  { key: 'gender', kind: 'code', list: 'gender', readonly: true },
  { key: 'birth_date', kind: 'date', readonly: true },
  { key: 'relation', kind: 'code', list: 'relation', required: true },
  { key: 'status', kind: 'code', list: 'member_status', required: true },
  { key: 'shares_income', kind: 'bool' },
  { key: 'ethnicity', kind: 'text', max: 16 },
  { key: 'political_status', kind: 'code', list: 'political_status' },
  { key: 'education_level', kind: 'code', list: 'education_level' },
  { key: 'schooling_status', kind: 'code', list: 'schooling_status' },
  tri('dropout'),
  { key: 'health', kind: 'code', list: 'health' },
  { key: 'disease', kind: 'text', max: 100 },
  { key: 'disability_category', kind: 'code', list: 'disability_category' },
  { key: 'disability_grade', kind: 'int' },
  { key: 'disability_cert', kind: 'text', max: 64 },
  { key: 'labour_ability', kind: 'code', list: 'labour_ability' },
  { key: 'migrant_place', kind: 'code', list: 'migrant_place' },
  { key: 'migrant_months', kind: 'int', unit: 'month' },
  tri('medical_insured'),
  tri('pension_insured'),
  tri('serious_illness_insured'),
  tri('active_military'),
  { key: 'fiscal_staff_since', kind: 'date' },
  { key: 'village_cadre_since', kind: 'date' },
]

export const vehicleFields: FieldDef[] = [
  { key: 'value', kind: 'money', unit: 'yuan', required: true, digits: 12 },
  { key: 'acquired_on', kind: 'date', required: true },
  { key: 'exit_measure', kind: 'bool' },
  { key: 'plate', kind: 'text', max: 16 },
]

export const propertyFields: FieldDef[] = [
  { key: 'kind', kind: 'code', list: 'property_kind', required: true },
  { key: 'acquired_on', kind: 'date', required: true },
  { key: 'exit_measure', kind: 'bool' },
  { key: 'relocation', kind: 'bool' },
  { key: 'address', kind: 'text', max: 200 },
]

export const businessFields: FieldDef[] = [
  { key: 'name', kind: 'text', max: 100 },
  { key: 'reg_no', kind: 'text', max: 32 },
  { key: 'registered_on', kind: 'date', required: true },
  { key: 'operating', kind: 'bool' },
  { key: 'exit_measure', kind: 'bool' },
]

export const helpFields: FieldDef[] = [
  { key: 'measure', kind: 'text', required: true, max: 200 },
  { key: 'helper', kind: 'text', max: 64 },
  { key: 'helper_unit', kind: 'text', max: 100 },
  { key: 'since', kind: 'date' },
]

/** The lists of a household, their item fields and their i18n prefix. */
export const lists = {
  members: { fields: memberFields, prefix: 'household.m' },
  vehicles: { fields: vehicleFields, prefix: 'household.vehicle' },
  urban_properties: { fields: propertyFields, prefix: 'household.property' },
  businesses: { fields: businessFields, prefix: 'household.business' },
  help_measures: { fields: helpFields, prefix: 'household.help' },
} as const
export type ListName = keyof typeof lists

const itemPath = /^(members|vehicles|urban_properties|businesses|help_measures)\[(\d+)\](?:\.(\w+))?$/

/** Splits an API field path: members[2].id_number → list members, index 2, key id_number. */
export function parsePath(path: string): { list?: ListName; index?: number; key: string } {
  const m = itemPath.exec(path)
  if (m) return { list: m[1] as ListName, index: Number(m[2]), key: m[3] ?? '' }
  return { key: path }
}

/** The definition of the field an API path names, if any. */
export function fieldOf(path: string): FieldDef | undefined {
  const p = parsePath(path)
  if (p.list) return lists[p.list].fields.find((f) => f.key === p.key)
  return householdFields.find((f) => f.key === p.key)
}

/** Which form section holds a field (for opening it when the field is at fault). */
export function sectionOf(path: string): string {
  const p = parsePath(path)
  if (p.list === 'members' || p.key === 'members') return 'members'
  if (p.list === 'help_measures' || p.key === 'help_measures') return 'help'
  if (p.list) return 'assets'
  for (const s of sections) if (s.groups.some((g) => g.fields.some((f) => f.key === p.key))) return s.key
  return 'basic'
}

type Translate = (key: string, params?: Record<string, unknown>) => string

/** A field path in words: members[1].id_number → 第2名成员 · 身份证号码. */
export function fieldLabel(path: string, t: Translate, te: (key: string) => boolean): string {
  const p = parsePath(path)
  if (p.list) {
    const item = t(`household.item.${p.list}`, { n: (p.index ?? 0) + 1 })
    const key = `${lists[p.list].prefix}.${p.key}`
    return p.key ? `${item} · ${te(key) ? t(key) : p.key}` : item
  }
  for (const key of [`household.f.${p.key}`, `household.lists.${p.key}`, `household.history.f.${p.key}`]) if (te(key)) return t(key)
  return path
}
