import type { LocationQuery } from 'vue-router'

// Opening the household form at one field (a data-quality finding's "去修改"
// link): ?field=registered_on for a household field,
// ?field=members.labour_ability&member=<member id> for a member's. The form
// turns it into its own path (members[2].labour_ability) and scrolls to it.

/** The field and member the query names, or null when it names none. */
export function focusOf(q: LocationQuery): { field: string; member: number | null } | null {
  const field = typeof q.field === 'string' ? q.field.trim() : ''
  if (!/^[a-z_]+(\.[a-z_]+)?$/.test(field)) return null
  const m = typeof q.member === 'string' ? Number(q.member) : NaN
  return { field, member: Number.isInteger(m) && m > 0 ? m : null }
}

/**
 * The form path of a field: `members.x` of the member with that id becomes
 * members[i].x; a member's field without a member found (or none named) is
 * the member list itself, `members`; a household field is its own key.
 */
export function focusPath(field: string, member: number | null, members: { id?: number | null }[]): string {
  if (!field.startsWith('members.')) return field
  const i = member === null ? -1 : members.findIndex((m) => m.id === member)
  return i < 0 ? 'members' : `members[${i}].${field.slice('members.'.length)}`
}
