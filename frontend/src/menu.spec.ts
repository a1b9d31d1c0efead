import { describe, expect, it } from 'vitest'
import { menuFor, allowed } from './menu'
import { roles } from './api/auth'
import { routes } from './router'

describe('menu by role', () => {
  const names = (r: Parameters<typeof menuFor>[0]) => menuFor(r).map((m) => m.name)
  it('gives each role its own pages only', () => {
    expect(names('admin')).toEqual(['home', 'regions', 'users'])
    expect(names('auditor')).toEqual(['home', 'audit'])
    expect(names('security_admin')).toEqual(['home'])
    expect(names('department')).toEqual(['home', 'regions'])
    for (const r of ['village_officer', 'check_team', 'street', 'district', 'supervisor'] as const) {
      expect(names(r)).toEqual(['home', 'households', 'outcomes', 'campaigns', ...(r === 'district' ? ['imports'] : []), 'regions'])
    }
  })
  it('shows nothing without a role', () => {
    expect(menuFor(undefined)).toEqual([])
    expect(allowed('all', undefined)).toBe(false)
  })
  it('every menu page has a route guarded by the same roles', () => {
    const layout = routes.find((r) => r.path === '/')!
    for (const r of roles) {
      for (const m of menuFor(r)) {
        const route = layout.children!.find((c) => c.name === m.name)
        expect(route, m.name).toBeDefined()
        expect(allowed(route!.meta!.roles!, r)).toBe(true)
      }
    }
  })
})
