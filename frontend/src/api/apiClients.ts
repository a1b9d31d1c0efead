// API clients of third parties (信息共享): the admin registers them, revokes
// them and gives them new secrets. The secret is in the answer of a creation
// or rotation only; the server keeps its hash and never shows it again.
import { get, post, type Page } from './http'

export type ClientScope = 'register:read' | 'departments:push' | 'evaluations:run'

/** every scope, in the server's order */
export const clientScopes: ClientScope[] = ['register:read', 'departments:push', 'evaluations:run']

export interface ApiClient {
  id: number
  client_id: string
  name: string
  organisation: string
  scopes: ClientScope[]
  /** the department a departments:push client pushes for, '' otherwise */
  department: string
  rate_per_minute: number
  status: 'active' | 'revoked'
  created_at: string
  created_by: string
  rotated_at: string | null
  revoked_at: string | null
  revoked_by: string
  revoke_reason: string
  last_used_at: string | null
}

export interface ApiClientInput {
  name: string
  organisation: string
  scopes: ClientScope[]
  department: string
  rate_per_minute: number
}

/** a client with its secret: shown once */
export interface ApiClientSecret {
  client: ApiClient
  client_secret: string
}

/** the token endpoint, for the hint shown with a new secret */
export const tokenUrl = '/api/v1/oauth/token'

export const listApiClients = (q: { page?: number; page_size?: number }) => get<Page<ApiClient>>('/api-clients', q)
export const createApiClient = (c: ApiClientInput) => post<ApiClientSecret>('/api-clients', clientInput(c))
export const revokeApiClient = (id: number, reason: string) => post<ApiClient>(`/api-clients/${id}/revoke`, { reason })
export const rotateApiClientSecret = (id: number) => post<ApiClientSecret>(`/api-clients/${id}/rotate-secret`)

/** whether the scopes need a department (departments:push pushes for one department only) */
export function needsDepartment(scopes: ClientScope[]): boolean {
  return scopes.includes('departments:push')
}

/** the request the form makes: scopes in the server's order, the department only with departments:push */
export function clientInput(c: ApiClientInput): ApiClientInput {
  const scopes = clientScopes.filter((s) => c.scopes.includes(s))
  return {
    name: c.name.trim(),
    organisation: c.organisation.trim(),
    scopes,
    department: needsDepartment(scopes) ? c.department : '',
    rate_per_minute: c.rate_per_minute,
  }
}
