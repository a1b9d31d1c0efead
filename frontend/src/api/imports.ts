import { ApiError, download, request } from './http'

export interface ImportProblem {
  sheet: string
  row: number
  column: string
  value: string
  reason: string
}

export interface ImportReport {
  format: 'json' | 'xlsx'
  households: number
  created: number
  unchanged: number
  problems: ImportProblem[]
}

/** The outcome of an upload: imported, or rejected with every problem. */
export type ImportOutcome = { ok: true; report: ImportReport } | { ok: false; message: string; report: ImportReport }

export async function importRegister(file: File): Promise<ImportOutcome> {
  const form = new FormData()
  form.append('file', file)
  try {
    return { ok: true, report: await request<ImportReport>('POST', '/households/import', { form }) }
  } catch (e) {
    // A rejected import is an answer, not a failure: its report lists what to fix.
    if (e instanceof ApiError && e.status === 422 && e.body && typeof e.body === 'object' && 'report' in e.body) {
      return { ok: false, message: e.message, report: (e.body as { report: ImportReport }).report }
    }
    throw e
  }
}

export const downloadTemplate = () => download('/households/import-template', undefined, '户表导入模板.xlsx')
