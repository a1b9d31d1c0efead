import type { FieldDef } from '@/views/households/fields'
import type { VillageFactsValues } from '@/api/villageFacts'
import { formatDecimal2, isDecimal2, normalizeDecimal } from '@/utils/money'

// The village table's fields (村表, register.VillageFacts), in groups as the
// page shows them. Labels are the i18n keys villageFacts.f.<key>.

export interface VillageGroup {
  key: string // villageFacts.groups.<key>
  fields: (FieldDef & { key: keyof VillageFactsValues })[]
}

const int = (key: keyof VillageFactsValues): VillageGroup['fields'][number] => ({ key, kind: 'int' })
const tri = (key: keyof VillageFactsValues): VillageGroup['fields'][number] => ({ key, kind: 'tri' })
const money = (key: keyof VillageFactsValues): VillageGroup['fields'][number] => ({ key, kind: 'money', unit: 'yuan', digits: 12 })

export const villageGroups: VillageGroup[] = [
  {
    key: 'population',
    fields: [int('households'), int('population'), int('registered_population'), int('poor_households'), int('poor_people'), int('dibao_households'), int('disabled_people')],
  },
  { key: 'status', fields: [{ key: 'poor_village', kind: 'code', list: 'poor_village' }, { key: 'poor_village_exit_year', kind: 'year' }] },
  { key: 'economy', fields: [money('collective_income'), int('cooperatives'), money('funds_invested'), money('interest_subsidies')] },
  {
    key: 'infrastructure',
    fields: [
      tri('road_to_village'),
      tri('road_to_groups'),
      tri('bus_service'),
      tri('drinking_water_project'),
      tri('irrigation'),
      tri('power_production'),
      tri('power_domestic'),
      tri('broadband'),
      tri('mobile_internet'),
      tri('broadcast_tv'),
    ],
  },
  { key: 'services', fields: [tri('culture_room'), tri('library'), tri('clinic'), tri('village_doctor'), int('schools'), int('kindergartens')] },
  {
    key: 'governance',
    fields: [int('two_committee_members'), { key: 'resident_work_team', kind: 'text', max: 200 }, int('dangerous_house_renovations'), int('relocation_projects')],
  },
]

export const villageFieldKeys = villageGroups.flatMap((g) => g.fields.map((f) => f.key))

/** The values of a record (whatever else it carries), as the form holds them. */
export function valuesOf(v: Partial<VillageFactsValues>): VillageFactsValues {
  const out: Record<string, unknown> = {}
  for (const g of villageGroups)
    for (const f of g.fields) {
      const x = v[f.key]
      out[f.key] = f.kind === 'text' || f.kind === 'code' ? (x ?? '') : (x ?? null)
    }
  return out as unknown as VillageFactsValues
}

/** Equal as the server would store them (45000 = 45000.00). */
export function sameValue(a: unknown, b: unknown): boolean {
  const norm = (x: unknown) => {
    if (x === '' || x === undefined) return null
    if (typeof x === 'string' && isDecimal2(x)) return formatDecimal2(normalizeDecimal(x))
    return x
  }
  return norm(a) === norm(b)
}

/** The fields whose value differs between two records. */
export function changedKeys(from: VillageFactsValues, to: VillageFactsValues): (keyof VillageFactsValues)[] {
  return villageFieldKeys.filter((k) => !sameValue(from[k], to[k]))
}
