import { get, patch, post, type Page } from './http'
import type { Role, Scope } from './auth'

export interface User {
  id: number
  username: string
  display_name: string
  role: Role
  scope: Scope
  disabled: boolean
  locked: boolean
  must_change_password: boolean
  created_at: string
  last_login_at: string | null
}

export interface ScopeInput {
  villages?: string[]
  streets?: string[]
  team?: string
  department?: string
}

export interface UserInput {
  username: string
  display_name: string
  role: Role
  scope: ScopeInput
  password: string
}

export interface UserPatch {
  display_name?: string
  role?: Role
  scope?: ScopeInput
  disabled?: boolean
}

export const listUsers = (q: { q?: string; role?: string; page?: number; page_size?: number }) =>
  get<Page<User>>('/users', q)
export const createUser = (u: UserInput) => post<User>('/users', u)
export const updateUser = (id: number, p: UserPatch) => patch<User>(`/users/${id}`, p)
export const resetPassword = (id: number, password: string) => post<void>(`/users/${id}/password-reset`, { password })
