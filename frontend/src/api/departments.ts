import { download, get, post, request, type Page, type Query } from './http'
import { fileProblemsOf, type FileProblem } from './problems'

// The departments (附件：相关部门职责), the fields each answers for, their
// confirmation inbox and the registers they can upload (departments.md).
// Field values travel as text in one canonical form: a bool is "true" or
// "false", an amount "45000.00", a date YYYY-MM-DD, a code the code, a list
// a JSON array of its items; null is unknown.

export interface Department {
  code: string
  name: string
}

export const listDepartments = () => get<{ items: Department[] }>('/departments')

// ---- responsibilities ----

export type FieldKind = 'bool' | 'decimal' | 'int' | 'date' | 'text' | 'enum' | 'list'
export type FieldTable = 'household' | 'member' | 'village'

export interface Choice {
  code: string
  label: string
}

export interface ResponsibleField {
  /** dibao, members.health, village.collective_income */
  key: string
  table: FieldTable
  label: string
  kind: FieldKind
  choices?: Choice[] | null
}

export interface Responsibilities {
  code: string
  name: string
  fields: ResponsibleField[]
}

export const responsibilities = (code: string) => get<Responsibilities>(`/departments/${code}/responsibilities`)

// ---- confirmation tasks ----

export type TaskKind = 'household' | 'village'
export type TaskState = 'pending' | 'confirmed' | 'corrected' | 'disputed'
export const taskStates: TaskState[] = ['pending', 'confirmed', 'corrected', 'disputed']

export interface TaskField {
  key: string
  label: string
  kind?: FieldKind
  /** 0 for a household's (or village's) own field */
  member_id: number
  member_name: string
  value: string | null
  /** the value in words, as the server shows it (长期慢性病, 是, 45,000.00 元) */
  display?: string
  state: TaskState
  note: string
  by: string
  at: string | null
}

export interface TaskMember {
  id: number
  name: string
  /** in full: the liaison matches the department's records by it (minimum necessary) */
  id_number: string
}

export interface HouseholdTask {
  household_id: number
  code: string
  version: number
  street_code: string
  street_name: string
  village_code: string
  village_name: string
  members: TaskMember[]
  fields: TaskField[]
}

export interface VillageTask {
  village_code: string
  village_name: string
  street_code: string
  street_name: string
  version: number
  fields: TaskField[]
}

export type TaskCounts = Record<TaskState, number>

export interface TaskPage<T> extends Page<T> {
  /** the campaign the states belong to (the newest when none was asked for) */
  campaign_id?: number
  counts: TaskCounts
}

export interface TaskFilter {
  campaign_id?: number
  state?: TaskState | 'all'
  street?: string
  village?: string
  /** part of a household code or a member's name (villages: of the name or code) */
  q?: string
  /** a member's full ID number (exact) */
  id_number?: string
}

/** Which field of which household (or village) a confirmation is about. */
export interface TaskRef {
  household_id?: number
  village_code?: string
  field: string
  member_id: number
}

export type ConfirmRequest =
  | { campaign_id?: number; kind: TaskKind; items: TaskRef[] }
  | { campaign_id?: number; kind: TaskKind; all: true; street?: string; village?: string; q?: string }

export interface CorrectRequest extends TaskRef {
  campaign_id?: number
  kind: TaskKind
  value: string | null
  note: string
  /** the household's (or village's) version the liaison saw */
  version: number
}

export interface DisputeRequest extends TaskRef {
  campaign_id?: number
  kind: TaskKind
  note: string
}

export interface TaskImportResult {
  confirmed: number
  corrected: number
  disputed: number
}

export type TaskImportOutcome = { ok: true; result: TaskImportResult } | { ok: false; message: string; problems: FileProblem[]; total: number }

export function listHouseholdTasks(code: string, f: TaskFilter & { page?: number; page_size?: number }) {
  return get<TaskPage<HouseholdTask>>(`/departments/${code}/tasks`, { ...f, kind: 'household' } as Query)
}

export function listVillageTasks(code: string, f: TaskFilter & { page?: number; page_size?: number }) {
  return get<TaskPage<VillageTask>>(`/departments/${code}/tasks`, { ...f, kind: 'village' } as Query)
}

export const confirmTasks = (code: string, r: ConfirmRequest) => post<{ confirmed: number }>(`/departments/${code}/tasks/confirm`, r)
export const correctTask = (code: string, r: CorrectRequest) => post<HouseholdTask | VillageTask>(`/departments/${code}/tasks/correct`, r)
export const disputeTask = (code: string, r: DisputeRequest) => post<HouseholdTask | VillageTask>(`/departments/${code}/tasks/dispute`, r)

export const exportTasks = (code: string, kind: TaskKind, f: TaskFilter) =>
  download(`/departments/${code}/tasks/export`, { ...f, kind } as Query, `${code}-${kind}-tasks.xlsx`)

/** Uploads a filled-in confirmation sheet: all of it, or nothing and every problem. */
export async function importTasks(code: string, file: File, campaignId?: number): Promise<TaskImportOutcome> {
  const form = new FormData()
  form.append('file', file)
  if (campaignId) form.append('campaign_id', String(campaignId))
  try {
    return { ok: true, result: await request<TaskImportResult>('POST', `/departments/${code}/tasks/import`, { form }) }
  } catch (e) {
    const p = fileProblemsOf(e)
    if (p) return { ok: false, ...p }
    throw e
  }
}

// ---- registers (行业数据比对) ----

export interface DatasetColumn {
  key: string
  /** the Chinese header of the template */
  header: string
  kind: string
  required: boolean
  choices?: Choice[] | string[] | null
  example?: string
  /** how to fill it in, in Chinese */
  help?: string
}

export interface Dataset {
  code: string
  name: string
  department: string
  /** the rule the dataset bears on: EX-03 */
  rule: string
  columns: DatasetColumn[]
}

export async function listDatasets(code: string): Promise<Dataset[]> {
  const r = await get<Dataset[] | { items: Dataset[] }>(`/departments/${code}/datasets`)
  return Array.isArray(r) ? r : r.items
}

export const downloadDatasetTemplate = (code: string, dataset: string) =>
  download(`/departments/${code}/datasets/${dataset}/template`, undefined, `${dataset}-template.xlsx`)
