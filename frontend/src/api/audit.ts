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
