import type { ListRecord, RecordBody, RecordKind } from '@/api/villageLists'

// What each kind of record asks (service/listrecords.go): the fields of its
// body, which are required, and how a record reads in the list. Labels are
// review.body.<key> in the messages.

export type BodyFieldKind = 'text' | 'textarea' | 'number' | 'cause'

export interface BodyField {
  key: string
  kind: BodyFieldKind
  required?: boolean
  /** numbers: the least value allowed */
  min?: number
}

const meeting: BodyField[] = [
  { key: 'place', kind: 'text' },
  { key: 'attendance', kind: 'number', required: true, min: 1 },
  { key: 'summary', kind: 'textarea', required: true },
]
const decision: BodyField[] = [
  { key: 'attendance', kind: 'number', min: 0 },
  { key: 'decision', kind: 'textarea', required: true },
]

export const bodyFields: Record<RecordKind, BodyField[]> = {
  analysis_meeting: [
    { key: 'chair', kind: 'text', required: true },
    { key: 'attendees', kind: 'textarea', required: true },
    { key: 'key_households', kind: 'textarea' },
    { key: 'work_plan', kind: 'textarea', required: true },
    { key: 'responsibilities', kind: 'textarea' },
  ],
  survey: [
    { key: 'surveyors', kind: 'text', required: true },
    { key: 'main_cause', kind: 'cause' },
    { key: 'note', kind: 'textarea' },
  ],
  party_meeting: meeting,
  villagers_meeting: meeting,
  two_committee: decision,
  representatives: decision,
  street_approval: decision,
  district_decision: decision,
  announcement: [
    { key: 'place', kind: 'text', required: true },
    { key: 'note', kind: 'textarea' },
  ],
}

/** Meetings that record the opinions raised (公开评议). */
export const withOpinions = (k: RecordKind) => k === 'party_meeting' || k === 'villagers_meeting'

export type BodyValues = Record<string, string | number | null | undefined>

export function emptyBody(kind: RecordKind): BodyValues {
  return Object.fromEntries(bodyFields[kind].map((f) => [f.key, f.kind === 'number' ? null : '']))
}

/**
 * The body to send, trimmed, with empty optional fields left out, and the
 * keys of the fields still missing or wrong.
 */
export function buildBody(kind: RecordKind, values: BodyValues): { body: RecordBody; missing: string[] } {
  const body: Record<string, string | number> = {}
  const missing: string[] = []
  for (const f of bodyFields[kind]) {
    const v = values[f.key]
    if (f.kind === 'number') {
      const n = v === null || v === undefined || v === '' ? null : Number(v)
      if (n === null || !Number.isFinite(n)) {
        if (f.required) missing.push(f.key)
        continue
      }
      if (!Number.isInteger(n) || (f.min !== undefined && n < f.min)) missing.push(f.key)
      else body[f.key] = n
      continue
    }
    const s = typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : String(v)
    if (!s) {
      if (f.required) missing.push(f.key)
      continue
    }
    body[f.key] = s
  }
  return { body: body as unknown as RecordBody, missing }
}

type Translate = (key: string, params?: Record<string, unknown>) => string

/** A record's body in one line: 主持人：王明；参会人员：… (fields in the kind's order). */
export function bodySummary(r: Pick<ListRecord, 'kind' | 'body'>, t: Translate, causeLabel: (code: string) => string = (c) => c): string {
  const fields = bodyFields[r.kind] ?? []
  return fields
    .map((f) => {
      const v = r.body?.[f.key]
      if (v === undefined || v === null || v === '' || (f.kind === 'number' && v === 0 && !f.required)) return ''
      const text = f.kind === 'cause' ? causeLabel(String(v)) : String(v)
      return `${t('review.body.' + f.key)}${t('household.colon')}${text}`
    })
    .filter(Boolean)
    .join('；')
}
