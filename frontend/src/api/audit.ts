import { download, get, type Page } from './http'

export interface AuditChange {
  field: string
  before: unknown
  after: unknown
}

export interface AuditEvent {
  id: number
  time: string
  username: string
  role: string
  action: string
  object_type: string
  object_id: string
  changes: AuditChange[]
  result: 'ok' | 'denied' | 'failed'
  reason: string
  request_id: string
  client_ip: string
  /** place in the hash chain; 0 for a record outside it */
  seq: number
  prev_hash: string
  hash: string
}

export type AuditProblem =
  | 'altered'
  | 'unlinked'
  | 'missing'
  | 'missing_newest'
  | 'beyond_head'
  | 'unchained'
  | 'before_anchor'
  | 'anchor_forged'
  | 'head_mismatch'
  | 'not_chained'

/** The result of walking the audit log's hash chain. */
export interface AuditVerification {
  ok: boolean
  records: number
  first_seq: number
  last_seq: number
  head_seq: number
  head_hash: string
  anchor_seq: number
  anchors: number
  broken_seq: number
  problem: AuditProblem | ''
  detail: string
  checked_at: string
}

export interface AuditFilter {
  from?: string
  to?: string
  username?: string
  action?: string
  result?: string
}

export const listAudit = (f: AuditFilter & { page?: number; page_size?: number }) =>
  get<Page<AuditEvent>>('/audit-events', { ...f })
export const exportAudit = (f: AuditFilter) => download('/audit-events/export', { ...f }, 'audit.xlsx')
export const verifyAudit = () => get<AuditVerification>('/audit-events/verify')
