import type { Campaign } from '@/api/campaigns'
import type { WhatIfRequest, WhatIfStreet } from '@/api/oversight'
import { outcomeCodes, type Outcome } from '@/api/outcomes'

// The what-if's form against the campaign: only what the user changed is
// sent (the server keeps the campaign's value of anything absent, and takes
// the line recorded for a changed income year when no line is given).

export interface WhatIfForm {
  poverty_line: string
  vehicle_value_limit: string
  income_year: number | undefined
  reference_date: string
}

export const formOf = (c: Campaign): WhatIfForm => ({
  poverty_line: c.poverty_line,
  vehicle_value_limit: c.vehicle_value_limit,
  income_year: c.income_year,
  reference_date: c.reference_date,
})

const sameMoney = (a: string, b: string) => a.trim() !== '' && Number(a) === Number(b)

/** The parameters that differ from the campaign's, and the scope. */
export function changedParameters(f: WhatIfForm, c: Campaign, scope: { street?: string; village?: string } = {}): WhatIfRequest {
  const out: WhatIfRequest = {}
  if (scope.village) out.village = scope.village
  else if (scope.street) out.street = scope.street
  if (f.poverty_line.trim() && !sameMoney(f.poverty_line, c.poverty_line)) out.poverty_line = f.poverty_line.trim()
  if (f.vehicle_value_limit.trim() && !sameMoney(f.vehicle_value_limit, c.vehicle_value_limit)) out.vehicle_value_limit = f.vehicle_value_limit.trim()
  if (f.income_year && f.income_year !== c.income_year) out.income_year = f.income_year
  if (f.reference_date && f.reference_date !== c.reference_date) out.reference_date = f.reference_date
  return out
}

/** The outcomes any street has now or then, in the rules' order. */
export function outcomesShown(streets: WhatIfStreet[]): Outcome[] {
  return outcomeCodes.filter((o) => streets.some((s) => (s.counts_now[o] ?? 0) > 0 || (s.counts_then[o] ?? 0) > 0))
}
