import { get } from './http'

export interface Village {
  code: string
  name: string
}
export interface Street {
  code: string
  name: string
  check_team: string
  villages: Village[]
}
export interface Team {
  code: string
  name: string
  streets: string[]
}
export interface Regions {
  district: { code: string; name: string }
  streets: Street[]
  teams: Team[]
}
export interface VillageGroup {
  id: number
  name: string
}

export const getRegions = () => get<Regions>('/regions')
export const villageGroups = (village: string) => get<{ items: VillageGroup[] }>(`/villages/${village}/groups`)

/** Name of a street or village code, or the code itself when unknown. */
export function regionName(r: Regions | null, code: string): string {
  if (!r || !code) return code
  for (const s of r.streets) {
    if (s.code === code) return s.name
    const v = s.villages.find((v) => v.code === code)
    if (v) return v.name
  }
  return code
}
