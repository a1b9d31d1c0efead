import { download, get, request, type Page } from './http'
import type { FileProblem } from './problems'

// A department's register uploads (行业数据比对导入). An upload starts a
// background job (GET /jobs/:id for the progress bar); the import itself
// says how it ended and lists the first problems, the report all of them.

export type DeptImportStatus = 'queued' | 'running' | 'refused' | 'validated' | 'imported' | 'unchanged' | 'failed'

/** An import is over when it no longer runs. */
export const importOver = (s: DeptImportStatus | string) => s !== 'queued' && s !== 'running'

export interface UnmatchedPerson {
  row: number
  /** masked */
  id_number: string
  name: string
}

export interface DeptImport {
  id: number
  department: string
  dataset: string
  dataset_name: string
  campaign_id?: number
  file_name: string
  file_size?: number
  rows: number
  status: DeptImportStatus
  /** why, in Chinese (the same file imported before, a stop mid-way) */
  message?: string
  problem_count: number
  matched?: number
  unmatched: number
  discrepancies: number
  dry_run: boolean
  created_by: string
  created_at: string
  finished_at?: string | null
  job_id?: number | null
  /** the earlier import of the same file, for an unchanged one */
  same_as?: number | null
  /** the first problems (200 at most) of a refused file (GET /department-imports/:id) */
  problems?: FileProblem[]
  /** the first people of the file who match no member of the register (GET /department-imports/:id) */
  unmatched_people?: UnmatchedPerson[]
}

type RawImport = Omit<DeptImport, 'unmatched'> & { unmatched: number | UnmatchedPerson[] }

/** One reading whatever the answer calls the list of unmatched people (unmatched_people, or unmatched beside the count). */
function normalize(r: RawImport): DeptImport {
  if (Array.isArray(r.unmatched)) {
    const people = r.unmatched
    return { ...r, unmatched: Math.max(people.length, r.unmatched_people?.length ?? 0), unmatched_people: r.unmatched_people ?? people }
  }
  return r as DeptImport
}

/** Uploads a register; 202 with the import and the job that imports (or, dry, only checks) it. */
export function startImport(department: string, dataset: string, file: File, dryRun: boolean) {
  const form = new FormData()
  form.append('dataset', dataset)
  form.append('file', file)
  return request<RawImport>('POST', `/departments/${department}/imports`, { form, query: dryRun ? { dry_run: true } : undefined }).then(normalize)
}

export async function listImports(department: string, q: { page?: number; page_size?: number } = {}): Promise<Page<DeptImport>> {
  const r = await get<RawImport[] | Page<RawImport>>(`/departments/${department}/imports`, q)
  return Array.isArray(r) ? { items: r.map(normalize), total: r.length, page: 1, page_size: r.length } : { ...r, items: r.items.map(normalize) }
}

/** One import; when it was read before (the list, the upload) its counts are kept where the detail lacks them. */
export async function getImport(id: number, known?: DeptImport | null): Promise<DeptImport> {
  const raw = await get<RawImport>(`/department-imports/${id}`)
  const d = normalize(raw)
  if (Array.isArray(raw.unmatched) && known?.id === id && typeof known.unmatched === 'number') d.unmatched = Math.max(d.unmatched, known.unmatched)
  return d
}
export const downloadImportReport = (id: number) => download(`/department-imports/${id}/report`, undefined, `import-${id}-problems.xlsx`)
