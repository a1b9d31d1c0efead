import type { Role } from '@/api/auth'
import type { Stage, VillageList } from '@/api/villageLists'

// The board's filters, kept apart from the view so that they can be tested
// alone. The work items of the home page link here with mine=1, flagged=1,
// overdue=1 or reports=1; the stage and the street are chosen on the page.

export interface BoardQuery {
  /** lists whose current stage the user's role moves on */
  mine?: boolean
  /** lists with cases whose computed outcome changed under the proposal */
  flagged?: boolean
  /** lists past their stage's deadline */
  overdue?: boolean
  /** lists with reports not yet investigated */
  reports?: boolean
  /** stage key */
  stage?: string
}

export const quickFilters = ['mine', 'flagged', 'overdue', 'reports'] as const
export type QuickFilter = (typeof quickFilters)[number]

/** Reads the quick filters of a route query (…?mine=1&overdue=1). */
export function quickOf(query: Record<string, unknown>): Record<QuickFilter, boolean> {
  const on = (k: string) => {
    const v = query[k]
    return v === '1' || v === 'true' || v === ''
  }
  return { mine: on('mine'), flagged: on('flagged'), overdue: on('overdue'), reports: on('reports') }
}

export function matches(l: VillageList, q: BoardQuery, role: Role | undefined): boolean {
  if (q.mine && l.stage.owner !== role) return false
  if (q.flagged && !(l.counts.flagged > 0)) return false
  if (q.overdue && !l.overdue) return false
  if (q.reports && !((l.counts.open_reports ?? 0) > 0)) return false
  if (q.stage && l.stage.key !== q.stage) return false
  return true
}

/** The lists the filters let through, by stage, then street and village. */
export function filterLists(lists: VillageList[], q: BoardQuery, role: Role | undefined): VillageList[] {
  return lists
    .filter((l) => matches(l, q, role))
    .sort((a, b) => a.stage.stage - b.stage.stage || a.street_code.localeCompare(b.street_code) || a.village_code.localeCompare(b.village_code))
}

export interface StageCount {
  stage: Stage
  count: number
  overdue: number
}

/** How many lists stand at each stage (and how many of them are overdue), every stage listed. */
export function stageSummary(stages: Stage[], lists: VillageList[]): StageCount[] {
  return stages.map((s) => {
    const here = lists.filter((l) => l.stage.key === s.key)
    return { stage: s, count: here.length, overdue: here.filter((l) => l.overdue).length }
  })
}
