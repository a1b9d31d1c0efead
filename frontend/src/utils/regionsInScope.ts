import type { Scope } from '@/api/auth'
import type { Regions, Street, Village } from '@/api/regions'

// The streets and villages a user works in. /regions answers the whole
// district's tree to every role; /me gives the scope fully expanded (every
// village of a covered street, every street for district-wide roles), so the
// choices offered are the tree filtered by the scope.

export interface ScopedVillage extends Village {
  street_code: string
  street_name: string
}

export function streetsInScope(regions: Regions | null, scope: Scope | null | undefined): Street[] {
  const all = regions?.streets ?? []
  if (!scope) return all
  return all
    .map((s) => ({ ...s, villages: s.villages.filter((v) => scope.villages.includes(v.code)) }))
    .filter((s) => scope.streets.includes(s.code) || s.villages.length > 0)
}

export function villagesInScope(regions: Regions | null, scope: Scope | null | undefined, street = ''): ScopedVillage[] {
  return streetsInScope(regions, scope)
    .filter((s) => !street || s.code === street)
    .flatMap((s) => s.villages.map((v) => ({ ...v, street_code: s.code, street_name: s.name })))
}
