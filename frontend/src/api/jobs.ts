import { get } from './http'

// Background jobs (a recomputation of outcomes): followed with GET /jobs/:id
// for a progress bar.

export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

export interface Job {
  id: number
  kind: string
  status: JobStatus
  done: number
  total: number
  /** items (households) per second; 0 until the first is done */
  rate: number
  created_by: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  /** why a failed job failed */
  error: string
  /** what a finished job produced (an import's id and counts), where the kind has one */
  result?: unknown
}

/** A job is over when it is done or has failed. */
export const jobOver = (j: Pick<Job, 'status'>) => j.status === 'done' || j.status === 'failed'

export const getJob = (id: number) => get<Job>(`/jobs/${id}`)
