import type { TaskState } from '@/api/departments'
import type { DiscrepancyStatus } from '@/api/discrepancies'
import type { DeptImportStatus } from '@/api/departmentImports'

// The colour of each state, the same on every cross-check screen: what
// still needs someone is orange, what is settled green or grey, a dispute or
// a refusal red.

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export function stateTagType(s: TaskState): TagType {
  return s === 'pending' ? 'warning' : s === 'confirmed' ? 'success' : s === 'corrected' ? 'primary' : 'danger'
}

export function discrepancyTagType(s: DiscrepancyStatus): TagType {
  return s === 'open' ? 'warning' : s === 'accepted' ? 'success' : 'info'
}

export function importTagType(s: DeptImportStatus): TagType {
  switch (s) {
    case 'imported':
      return 'success'
    case 'validated':
      return 'primary'
    case 'unchanged':
      return 'info'
    case 'refused':
    case 'failed':
      return 'danger'
    default:
      return 'warning'
  }
}
