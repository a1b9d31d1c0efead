import { request, setToken, type TokenResponse } from './http'

export interface Scope {
  streets: string[]
  villages: string[]
  department: string | null
  team: string | null
}

export interface Me {
  username: string
  display_name: string
  role: Role
  scope: Scope
  must_change_password: boolean
}

export type Role =
  | 'village_officer'
  | 'check_team'
  | 'department'
  | 'street'
  | 'district'
  | 'supervisor'
  | 'admin'
  | 'security_admin'
  | 'auditor'

export const roles: Role[] = [
  'village_officer',
  'check_team',
  'department',
  'street',
  'district',
  'supervisor',
  'admin',
  'security_admin',
  'auditor',
]

export interface WorkItem {
  key: string
  count: number
  route: string
}

export async function login(username: string, password: string): Promise<void> {
  const t = await request<TokenResponse>('POST', '/auth/login', { body: { username, password }, noRetry: true })
  setToken(t)
}

export async function logout(): Promise<void> {
  try {
    await request<void>('POST', '/auth/logout', { noRetry: true })
  } finally {
    setToken(null)
  }
}

export const me = () => request<Me>('GET', '/me')
export const work = () => request<{ items: WorkItem[] }>('GET', '/work')
export const changePassword = (old_password: string, new_password: string) =>
  request<void>('POST', '/auth/password', { body: { old_password, new_password } })
