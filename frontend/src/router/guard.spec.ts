import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { installGuards, routes } from './index'
import { useSession } from '@/stores/session'
import type { Me } from '@/api/auth'

function me(role: Me['role'], must = false): Me {
  return { username: 'u', display_name: 'U', role, scope: { streets: [], villages: [], department: null, team: null }, must_change_password: must, mfa_enabled: false, mfa_enrolment_required: false }
}

async function navigate(to: string, who: Me | null) {
  setActivePinia(createPinia())
  const session = useSession()
  vi.spyOn(session, 'restore').mockImplementation(async () => {
    session.me = who
    session.mustChange = who?.must_change_password ?? false
    session.mustEnrol = who?.mfa_enrolment_required ?? false
    return who !== null
  })
  const router = createRouter({ history: createMemoryHistory(), routes })
  installGuards(router)
  await router.push(to)
  return router.currentRoute.value
}

describe('route guards', () => {
  beforeEach(() => vi.restoreAllMocks())
  it('sends a visitor without a session to login, remembering the page', async () => {
    const r = await navigate('/audit', null)
    expect(r.name).toBe('login')
    expect(r.query.redirect).toBe('/audit')
  })
  it('refuses a page outside the role with 403', async () => {
    expect((await navigate('/admin/users', me('district'))).name).toBe('forbidden')
    expect((await navigate('/households', me('admin'))).name).toBe('forbidden')
  })
  it('lets the role in', async () => {
    expect((await navigate('/admin/users', me('admin'))).name).toBe('users')
    expect((await navigate('/audit', me('auditor'))).name).toBe('audit')
  })
  it('guards the departments’ pages by the menu’s roles', async () => {
    expect((await navigate('/department-tasks', me('department'))).name).toBe('department-tasks')
    expect((await navigate('/department-tasks', me('check_team'))).name).toBe('forbidden')
    expect((await navigate('/discrepancies', me('check_team'))).name).toBe('discrepancies')
    expect((await navigate('/discrepancies', me('department'))).name).toBe('forbidden')
    expect((await navigate('/villages/530103012004/facts', me('department'))).name).toBe('village-facts-of')
    expect((await navigate('/villages/530103012004/facts', me('admin'))).name).toBe('forbidden')
  })
  it('holds a user who must change the password on the password page', async () => {
    expect((await navigate('/households', me('district', true))).name).toBe('password')
  })
  it('holds a user who must set up a second factor on the security page', async () => {
    const who = { ...me('district'), mfa_enrolment_required: true }
    expect((await navigate('/households', who)).name).toBe('security')
    expect((await navigate('/security', who)).name).toBe('security')
  })
  it('answers 404 for unknown paths', async () => {
    expect((await navigate('/no/such', me('district'))).name).toBe('not-found')
  })
})
