import { get, put } from './http'

// The national poverty lines (扶贫标准) by income year. A campaign keeps its
// own line: a changed line reaches a campaign only when the campaign is edited.

export interface PovertyLine {
  income_year: number
  /** yuan per person per year, decimal string */
  line: string
  note: string
  updated_at: string
  updated_by: string
}

export interface PovertyLineInput {
  line: string
  note: string
}

export const listPovertyLines = () => get<PovertyLine[]>('/poverty-lines')
export const setPovertyLine = (year: number, l: PovertyLineInput) => put<PovertyLine>(`/poverty-lines/${year}`, l)
