import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { installGuards, routes } from './index'
import { useSession } from '@/stores/session'
import type { Me } from '@/api/auth'

// The figures and accountability pages take their roles from the menu table:
// the district, the supervisor, the streets and the check teams.
function me(role: Me['role']): Me {
  return { username: 'u', display_name: 'U', role, scope: { streets: [], villages: [], department: null, team: null }, must_change_password: false, mfa_enabled: false, mfa_enrolment_required: false }
}

async function land(to: string, role: Me['role']) {
  setActivePinia(createPinia())
  const session = useSession()
  vi.spyOn(session, 'restore').mockImplementation(async () => {
    session.me = me(role)
    return true
  })
  const router = createRouter({ history: createMemoryHistory(), routes })
  installGuards(router)
  await router.push(to)
  return router.currentRoute.value.name
}

describe('oversight routes', () => {
  beforeEach(() => vi.restoreAllMocks())
  const pages = { '/dashboard': 'dashboard', '/figures': 'figures', '/rates': 'rates', '/inspections': 'inspections', '/what-if': 'what-if' }
  it('let the district, the supervisor, a street and a check team in', async () => {
    for (const role of ['district', 'supervisor', 'street', 'check_team'] as const) {
      for (const [path, name] of Object.entries(pages)) expect(await land(path, role), `${role} ${path}`).toBe(name)
    }
  })
  it('refuse the village, the departments and the administrators', async () => {
    for (const role of ['village_officer', 'department', 'admin', 'auditor'] as const) {
      for (const path of Object.keys(pages)) expect(await land(path, role), `${role} ${path}`).toBe('forbidden')
    }
  })
})
