// Three-valued answers of the survey: 是 / 否 / 未知 ↔ true / false / null.
// A null is "unknown" (rules.md §2), never "no".

export type Tri = boolean | null
export type TriChoice = 'yes' | 'no' | 'unknown'

export const triChoices: TriChoice[] = ['yes', 'no', 'unknown']

export function toChoice(v: Tri | undefined): TriChoice {
  if (v === true) return 'yes'
  if (v === false) return 'no'
  return 'unknown'
}

export function fromChoice(c: TriChoice | string | null | undefined): Tri {
  if (c === 'yes') return true
  if (c === 'no') return false
  return null
}

/** 是 / 否 / 未知 through the common.* messages. */
export function triText(v: Tri | undefined, t: (k: string) => string): string {
  return t('common.' + toChoice(v))
}
