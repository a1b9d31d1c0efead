import { describe, expect, it } from 'vitest'
import { routes } from '@/router'
import { allowed, householdEditors, householdReaders } from '@/menu'
import { roles } from '@/api/auth'

describe('household routes', () => {
  const layout = routes.find((r) => r.path === '/')!
  const child = (name: string) => layout.children!.find((c) => c.name === name)
  it('lets readers see a household and editors change it', () => {
    expect(child('household')!.meta!.roles).toEqual(householdReaders)
    expect(child('household-new')!.meta!.roles).toEqual(householdEditors)
    expect(child('household-edit')!.meta!.roles).toEqual(householdEditors)
  })
  it('keeps the supervisor to reading', () => {
    expect(allowed(householdReaders, 'supervisor')).toBe(true)
    expect(allowed(householdEditors, 'supervisor')).toBe(false)
    for (const r of roles) if (allowed(householdEditors, r)) expect(allowed(householdReaders, r), r).toBe(true)
  })
  it('prints outside the layout, still guarded', () => {
    const print = routes.find((r) => r.name === 'household-print')!
    expect(print.path).toBe('/households/:id(\\d+)/print')
    expect(print.meta!.public).toBeUndefined()
    expect(print.meta!.roles).toEqual(householdReaders)
    expect(child('household-print')).toBeUndefined()
  })
})
