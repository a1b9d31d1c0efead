import { describe, expect, it } from 'vitest'
import zh from './zh-CN'
import en from './en'
import { roles } from '@/api/auth'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe('messages', () => {
  it('English has exactly the keys of Chinese', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
  it('no message is empty', () => {
    const flat = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'object' ? flat(v) : [v as string]))
    expect(flat(zh).filter((s) => !s.trim())).toEqual([])
    expect(flat(en).filter((s) => !s.trim())).toEqual([])
  })
  it('names every role', () => {
    for (const r of roles) expect(zh.role[r]).toBeTruthy()
  })
})
