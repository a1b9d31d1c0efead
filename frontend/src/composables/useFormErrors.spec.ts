import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/http'
import { useFormErrors } from './useFormErrors'

describe('useFormErrors', () => {
  const make = () => useFormErrors(() => '请按提示修改', () => '网络错误')

  it('puts the server’s details under their fields and one line above', () => {
    const f = make()
    f.show(new ApiError(422, 'validation_failed', '提交的数据有误', [{ field: 'name', message: '请填写姓名' }, { field: 'phone', message: '手机号不正确' }]))
    expect(f.fieldErrors.value).toEqual({ name: '请填写姓名', phone: '手机号不正确' })
    expect(f.formError.value).toBe('请按提示修改')
  })

  it('shows the server’s message when no field is named, and clears', () => {
    const f = make()
    f.show(new ApiError(409, 'conflict', '该村已有信息员', []))
    expect(f.fieldErrors.value).toEqual({})
    expect(f.formError.value).toBe('该村已有信息员')
    f.clear()
    expect(f.formError.value).toBe('')
  })

  it('falls back to the network line for anything else', () => {
    const f = make()
    f.show(new TypeError('Failed to fetch'))
    expect(f.formError.value).not.toBe('')
  })
})
