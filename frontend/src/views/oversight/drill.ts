import type { Finding, SampledStatus } from '@/api/oversight'
import type { StageKey } from '@/api/villageLists'

// What lies behind a number of the dashboard: the households (or, for the
// village lists by stage, the lists) a click on a bar, a slice or a table
// cell opens. Each kind is read from the endpoint that made the number, so
// the list always adds up to the figure.

/** The area a number is about: nothing for the caller's whole scope. */
export interface AreaScope {
  street?: string
  village?: string
}

export type DrillTarget = AreaScope & { title: string } & (
    | { kind: 'outcomes'; campaignId: number; outcome: string }
    | { kind: 'cases'; campaignId: number; proposal: string }
    | { kind: 'households'; cause: string; status: string }
    | { kind: 'sampled'; campaignId: number; finding?: Finding; status?: SampledStatus }
    | { kind: 'lists'; campaignId: number; stage: StageKey; overdue?: boolean }
  )

/** The filter of an area, without empty keys. */
export function scopeQuery(s: AreaScope): AreaScope {
  const out: AreaScope = {}
  if (s.street) out.street = s.street
  if (s.village) out.village = s.village
  return out
}

/** The list page where the same households can be worked on (識别测算, 户表), when there is one. */
export function listPageOf(d: DrillTarget): { path: string; query: Record<string, string> } | null {
  if (d.kind === 'outcomes') {
    return { path: '/outcomes', query: { campaign: String(d.campaignId), ...scopeQuery(d), outcome: d.outcome } as Record<string, string> }
  }
  if (d.kind === 'households') {
    return { path: '/households', query: { ...scopeQuery(d), ...(d.cause ? { cause: d.cause } : {}), ...(d.status ? { status: d.status } : {}) } as Record<string, string> }
  }
  return null
}
