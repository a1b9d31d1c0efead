import { ApiError } from './http'

// A file refused whole (a department's register, a filled-in confirmation
// sheet) comes back as 422 with every bad cell: row, column, value and
// reason in Chinese. The answer may carry them at the top level, under a
// report, or as the error's details; all three read the same here.

export interface FileProblem {
  /** the sheet, where the file has several */
  sheet?: string
  /** the row of the file (1 is the header row); 0 when the problem is the whole file */
  row: number
  column: string
  value: string
  reason: string
}

type Raw = Partial<FileProblem> & { field?: string; message?: string; col?: string; row_no?: number }

function norm(p: Raw): FileProblem {
  return {
    ...(p.sheet ? { sheet: p.sheet } : {}),
    row: Number(p.row ?? p.row_no ?? 0) || 0,
    column: String(p.column ?? p.col ?? p.field ?? ''),
    value: p.value === undefined || p.value === null ? '' : String(p.value),
    reason: String(p.reason ?? p.message ?? ''),
  }
}

function arrayOf(v: unknown): Raw[] | null {
  return Array.isArray(v) ? (v as Raw[]) : null
}

/** The problems of a refused file, or null when the error is not one. */
export function fileProblemsOf(e: unknown): { message: string; problems: FileProblem[]; total: number } | null {
  if (!(e instanceof ApiError) || e.status !== 422) return null
  const body = (e.body ?? {}) as Record<string, unknown>
  const report = (body.report ?? {}) as Record<string, unknown>
  const err = (body.error ?? {}) as Record<string, unknown>
  const list = arrayOf(body.problems) ?? arrayOf(report.problems) ?? arrayOf(err.problems)
  if (list) {
    const total = Number(body.problem_count ?? report.problem_count ?? err.problem_count ?? list.length) || list.length
    return { message: e.message, problems: list.map(norm), total }
  }
  if (e.details.length) {
    // details: field "row:column" or "column", message the reason
    const problems = e.details.map((d) => {
      const m = /^(\d+):(.*)$/.exec(d.field)
      return norm({ row: m ? Number(m[1]) : 0, column: m ? m[2] : d.field, reason: d.message })
    })
    return { message: e.message, problems, total: problems.length }
  }
  return null
}
