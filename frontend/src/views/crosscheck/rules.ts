// The rules a discrepancy or a dataset bears on (rules.md §4), by code, in
// words: the i18n keys rules.<code with _ for ->, e.g. rules.EX_03.

type Translate = (key: string, params?: Record<string, unknown>) => string

export const ruleCodes = ['PRE-01', 'PRE-02', 'ID-01', 'ID-02', 'EX-01', 'EX-02', 'EX-03', 'EX-04', 'EX-05', 'EX-06', 'EX-07', 'EX-08', 'EX-09', 'EX-10', 'EXIT-STD', 'RE-01', 'RE-02']

/** The rules the departments' registers bear on (the discrepancy filter). */
export const crosscheckRules = ['EX-01', 'EX-02', 'EX-03', 'EX-04', 'EX-06', 'EX-09', 'EX-10', 'ID-01', 'ID-02', 'RE-01', 'DQ-08', 'DQ-10', 'DQ-12']

export const ruleKey = (code: string) => `rules.${code.replace(/-/g, '_')}`

/** The rule's Chinese (or English) name; '' when the SPA does not know it. */
export function ruleName(code: string, t: Translate, te: (key: string) => boolean): string {
  if (!code) return ''
  const k = ruleKey(code)
  return te(k) ? t(k) : ''
}
