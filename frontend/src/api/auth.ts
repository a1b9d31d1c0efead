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
  mfa_enabled: boolean
  /** the role signs in with a second factor that is not set up yet */
  mfa_enrolment_required: boolean
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

/** A sign-in is done, or waits for the second factor's code. */
export type LoginStep = { done: true } | { done: false; mfaToken: string }

export async function login(username: string, password: string): Promise<LoginStep> {
  const t = await request<TokenResponse | { mfa_required: true; mfa_token: string }>('POST', '/auth/login', {
    body: { username, password },
    noRetry: true,
  })
  if ('mfa_required' in t) return { done: false, mfaToken: t.mfa_token }
  setToken(t)
  return { done: true }
}

export async function completeMFA(mfaToken: string, code: string): Promise<void> {
  setToken(await request<TokenResponse>('POST', '/auth/mfa', { body: { mfa_token: mfaToken, code }, noRetry: true }))
}

export const setupMFA = () => request<{ secret: string; otpauth_url: string }>('POST', '/auth/mfa/setup')
export const enableMFA = (code: string) => request<void>('POST', '/auth/mfa/enable', { body: { code } })

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
