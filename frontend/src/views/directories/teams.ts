import type { DepartmentCheck, StaffingRule, TeamMember } from '@/api/directories'

// The staffing rule of 三(一) as the check-team page shows it: each named
// department with the officials it must second and has seconded, those short
// first, and the short ones in a line of words.

type Translate = (key: string, params?: Record<string, unknown>) => string

export const metMark = (met: boolean) => (met ? '✓' : '✗')

/** The rule's departments, those short first, each group in the server's order. */
export function ruleRows(rule: StaffingRule): DepartmentCheck[] {
  return [...rule.departments.filter((d) => !d.met), ...rule.departments.filter((d) => d.met)]
}

/**
 * The departments short of officials: the rule's `missing`, or failing that
 * the departments not met (the two say the same; either may be absent).
 */
export function shortDepartments(rule: StaffingRule): DepartmentCheck[] {
  return rule.missing?.length ? rule.missing : rule.departments.filter((d) => !d.met)
}

/** 区经投公司（现有 1 人，至少 2 人）、… */
export function missingText(rule: StaffingRule, t: Translate): string {
  return shortDepartments(rule)
    .map((d) => t('checkTeams.missingItem', { name: d.department_name || d.department, have: d.have, required: d.required }))
    .join(t('checkTeams.listSep'))
}

/** Whether the rule is met: the server's word, and never when a department is short. */
export const ruleMet = (rule: StaffingRule) => rule.met && shortDepartments(rule).length === 0

/** The lead first, then by department and name. */
export function sortMembers(ms: TeamMember[]): TeamMember[] {
  return [...ms].sort((a, b) => (a.role === b.role ? 0 : a.role === 'lead' ? -1 : 1) || a.department.localeCompare(b.department) || a.name.localeCompare(b.name, 'zh-CN'))
}
