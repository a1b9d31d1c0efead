import type { Role, Scope } from '@/api/auth'
import { regionName, type Regions } from '@/api/regions'
import type { Department } from '@/api/departments'

// What an account may see, in words: the department for a liaison, the
// team for a check team, the villages or street for officers and streets,
// the whole district for district-level roles. (The server expands a scope
// to streets for its queries; people think of it by what was granted.)
export function scopeLabel(
  role: Role,
  scope: Scope,
  regions: Regions | null,
  departments: Department[],
  t: (k: string) => string,
): string {
  switch (role) {
    case 'department':
      return scope.department ? (departments.find((d) => d.code === scope.department)?.name ?? scope.department) : ''
    case 'check_team': {
      const team = regions?.teams.find((tm) => tm.code === scope.team)
      return team ? team.name : scope.team ? `${t('role.check_team')} ${scope.team}` : ''
    }
    case 'village_officer':
      return scope.villages.map((v) => regionName(regions, v)).join('、')
    case 'street':
      return scope.streets.map((s) => regionName(regions, s)).join('、')
    case 'district':
    case 'supervisor':
      return t('home.wholeDistrict')
    default:
      return ''
  }
}
