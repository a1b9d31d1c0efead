import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from '@/api/http'
import { clientInput, needsDepartment, type ApiClient } from '@/api/apiClients'
import { bodyText, byTest, click, me, mountView, type } from '@/views/crosscheck/testing'

const api = vi.hoisted(() => ({
  listApiClients: vi.fn(),
  createApiClient: vi.fn(),
  revokeApiClient: vi.fn(),
  rotateApiClientSecret: vi.fn(),
}))
vi.mock('@/api/apiClients', async (orig) => ({ ...(await orig<typeof import('@/api/apiClients')>()), ...api }))
const { default: View } = await import('./ApiClientsView.vue')

const client = (p: Partial<ApiClient> = {}): ApiClient => ({
  id: 1, client_id: 'jzc_abc', name: '省大数据平台', organisation: '省大数据中心', scopes: ['register:read'], department: '',
  rate_per_minute: 60, status: 'active', created_at: '2017-06-01T00:00:00Z', created_by: 'admin', rotated_at: null,
  revoked_at: null, revoked_by: '', revoke_reason: '', last_used_at: null, ...p,
})

/** the read-only input of the secret (el-input puts the data-test on the native input) */
function secretInput(): HTMLInputElement | null {
  const el = byTest('api-client-secret-value')
  if (!el) return null
  return (el.matches('input') ? el : el.querySelector('input')) as HTMLInputElement | null
}

describe('api clients module', () => {
  it('sends the department only with departments:push, scopes in the server’s order', () => {
    expect(needsDepartment(['register:read'])).toBe(false)
    expect(needsDepartment(['register:read', 'departments:push'])).toBe(true)
    expect(clientInput({ name: ' 平台 ', organisation: '省', scopes: ['evaluations:run', 'register:read'], department: 'police', rate_per_minute: 30 }))
      .toEqual({ name: '平台', organisation: '省', scopes: ['register:read', 'evaluations:run'], department: '', rate_per_minute: 30 })
    expect(clientInput({ name: 'x', organisation: 'y', scopes: ['departments:push'], department: 'police', rate_per_minute: 60 }).department).toBe('police')
  })
})

describe('接口客户端', () => {
  beforeEach(() => {
    api.listApiClients.mockResolvedValue({ items: [client(), client({ id: 2, client_id: 'jzc_old', name: '旧平台', status: 'revoked', revoked_at: '2017-07-01T00:00:00Z', revoke_reason: '协议到期' })], total: 2, page: 1, page_size: 20 })
  })
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('lists the clients with their scopes and status, and offers revoke only on active ones', async () => {
    const { w } = await mountView(View, me('admin'), '/admin/api-clients')
    expect(api.listApiClients).toHaveBeenCalledWith({ page: 1, page_size: 20 })
    expect(w.text()).toContain('省大数据平台')
    expect(w.text()).toContain('按身份证号查询户表')
    expect(w.text()).toContain('已吊销')
    expect(w.text()).toContain('从未使用')
    expect(document.body.querySelectorAll('[data-test="api-client-revoke"]').length).toBe(1)
    w.unmount()
  })

  it('shows the new secret once, with a warning, and forgets it on closing', async () => {
    api.createApiClient.mockResolvedValue({ client: client({ id: 3, client_id: 'jzc_new', name: '公安交换' }), client_secret: 'jzs_SECRET_once' })
    const { w } = await mountView(View, me('admin'), '/admin/api-clients')
    await click(byTest('api-client-create'))
    await type(document.body.querySelector('input[name="client-name"]'), '公安交换')
    await type(document.body.querySelector('input[name="client-organisation"]'), '区公安分局')
    await click(byTest('api-client-save'))
    expect(api.createApiClient).toHaveBeenCalledWith({ name: '公安交换', organisation: '区公安分局', scopes: ['register:read'], department: '', rate_per_minute: 60 })
    const secret = secretInput()!
    expect(secret.value).toBe('jzs_SECRET_once')
    expect(bodyText()).toContain('密钥只显示这一次')
    expect(bodyText()).toContain('jzc_new')
    const writeText = vi.fn().mockResolvedValue(undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    await click(byTest('api-client-copy'))
    expect(writeText).toHaveBeenCalledWith('jzs_SECRET_once')
    await click(byTest('api-client-secret-close'))
    await flushPromises()
    expect(secretInput()).toBeNull()
    expect(api.listApiClients).toHaveBeenCalledTimes(2)
    w.unmount()
  })

  it('shows the server’s field errors in the form', async () => {
    api.createApiClient.mockRejectedValue(new ApiError(422, 'validation_failed', '提交的数据有误，请按提示修改', [{ field: 'department', message: '推送部门台账的客户端须指定所代表的部门' }]))
    const { w } = await mountView(View, me('admin'), '/admin/api-clients')
    await click(byTest('api-client-create'))
    await click(byTest('api-client-save'))
    expect(bodyText()).toContain('提交的数据有误')
    expect(secretInput()).toBeNull()
    w.unmount()
  })
})
