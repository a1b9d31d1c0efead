import { get, put } from './http'

// The village table (村表) of one administrative village: the facts the
// departments answer for (departments.md). Read by every role that works
// with the register; edited by the village officer, the check team, the
// street and the district, against the version they saw (409 otherwise).
// Amounts are decimal strings (yuan); null is unknown.

export interface VillageFactsValues {
  households: number | null
  population: number | null
  registered_population: number | null
  poor_households: number | null
  poor_people: number | null
  dibao_households: number | null
  disabled_people: number | null

  /** poor_village code: not_poor, poor, exited; '' not known */
  poor_village: string
  poor_village_exit_year: number | null

  collective_income: string | null
  cooperatives: number | null

  road_to_village: boolean | null
  road_to_groups: boolean | null
  bus_service: boolean | null

  drinking_water_project: boolean | null
  irrigation: boolean | null

  power_production: boolean | null
  power_domestic: boolean | null

  broadband: boolean | null
  mobile_internet: boolean | null
  broadcast_tv: boolean | null

  culture_room: boolean | null
  library: boolean | null

  clinic: boolean | null
  village_doctor: boolean | null

  schools: number | null
  kindergartens: number | null

  two_committee_members: number | null
  resident_work_team: string

  dangerous_house_renovations: number | null
  relocation_projects: number | null

  funds_invested: string | null
  interest_subsidies: string | null
}

export interface VillageFacts extends VillageFactsValues {
  village_code: string
  village_name?: string
  street_code?: string
  street_name?: string
  version: number
  updated_at: string | null
  updated_by: string
}

export type VillageFactsInput = VillageFactsValues & { version: number }

export const getVillageFacts = (village: string) => get<VillageFacts>(`/villages/${village}/facts`)
export const putVillageFacts = (village: string, v: VillageFactsInput) => put<VillageFacts>(`/villages/${village}/facts`, v)
