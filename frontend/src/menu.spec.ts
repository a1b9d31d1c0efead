import { describe, expect, it } from 'vitest'
import { menuFor, allowed } from './menu'
import { roles } from './api/auth'
import { routes } from './router'

describe('menu by role', () => {
  const names = (r: Parameters<typeof menuFor>[0]) => menuFor(r).map((m) => m.name)
  it('gives each role its own pages only', () => {
    expect(names('admin')).toEqual(['home', 'regions', 'users', 'api-clients'])
    expect(names('auditor')).toEqual(['home', 'audit'])
    expect(names('security_admin')).toEqual(['home'])
    expect(names('department')).toEqual(['home', 'department-tasks', 'department-imports', 'village-facts', 'regions'])
    expect(names('village_officer')).toEqual(['home', 'households', 'data-quality', 'outcomes', 'campaigns', 'review', 'village-facts', 'officers', 'regions'])
    expect(names('check_team')).toEqual(['home', 'households', 'data-quality', 'outcomes', 'campaigns', 'review', 'dashboard', 'figures', 'rates', 'inspections', 'what-if', 'discrepancies', 'village-facts', 'officers', 'check-teams', 'regions'])
    expect(names('street')).toEqual(['home', 'households', 'data-quality', 'outcomes', 'campaigns', 'review', 'dashboard', 'figures', 'rates', 'inspections', 'what-if', 'discrepancies', 'village-facts', 'officers', 'check-teams', 'regions'])
    expect(names('supervisor')).toEqual(['home', 'households', 'data-quality', 'outcomes', 'campaigns', 'review', 'dashboard', 'figures', 'rates', 'inspections', 'what-if', 'discrepancies', 'village-facts', 'officers', 'check-teams', 'regions'])
    expect(names('district')).toEqual([
      'home', 'households', 'data-quality', 'outcomes', 'campaigns', 'review', 'dashboard', 'figures', 'rates', 'inspections', 'what-if', 'imports', 'department-tasks', 'department-imports', 'discrepancies', 'village-facts',
      'officers', 'check-teams', 'regions',
    ])
  })
  it('hides the departments’ screens from the roles that would be refused', () => {
    // The inbox and the register import: a liaison and the district only.
    for (const r of ['village_officer', 'check_team', 'street', 'supervisor', 'admin', 'auditor', 'security_admin'] as const) {
      expect(names(r)).not.toContain('department-tasks')
      expect(names(r)).not.toContain('department-imports')
    }
    // Discrepancies go to the check teams, not to the village or the departments.
    for (const r of ['village_officer', 'department', 'admin', 'auditor'] as const) expect(names(r)).not.toContain('discrepancies')
    expect(names('admin')).not.toContain('village-facts')
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
