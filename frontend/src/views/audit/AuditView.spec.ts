import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuditVerification } from '@/api/audit'
import { byTest, click, me, mountView } from '@/views/crosscheck/testing'

const api = vi.hoisted(() => ({ listAudit: vi.fn(), verifyAudit: vi.fn(), exportAudit: vi.fn() }))
vi.mock('@/api/audit', async (orig) => ({
  ...(await orig<typeof import('@/api/audit')>()),
  listAudit: api.listAudit,
  verifyAudit: api.verifyAudit,
  exportAudit: api.exportAudit,
}))
const { default: View } = await import('./AuditView.vue')

const whole: AuditVerification = {
  ok: true, records: 42, first_seq: 1, last_seq: 42, head_seq: 42, head_hash: 'ab'.repeat(32), anchor_seq: 0, anchors: 0,
  broken_seq: 0, problem: '', detail: '', checked_at: '2018-03-01T09:00:00+08:00',
}

describe('审计日志：校验完整性', () => {
  beforeEach(() => {
    api.listAudit.mockResolvedValue({ items: [], total: 0, page: 1, page_size: 20 })
  })
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('shows a whole chain with its head, and reloads the list (the check is logged)', async () => {
    api.verifyAudit.mockResolvedValue(whole)
    const { w } = await mountView(View, me('auditor'), '/audit')
    expect(api.listAudit).toHaveBeenCalledTimes(1)
    await click(byTest('audit-verify'))
    const result = byTest('audit-verify-result')
    expect(result?.textContent).toContain('审计日志完整：已校验 42 条记录（序号 1–42）')
    expect(result?.textContent).toContain('ab'.repeat(32))
    expect(api.listAudit).toHaveBeenCalledTimes(2)
    w.unmount()
  })

  it('names the first broken record', async () => {
    api.verifyAudit.mockResolvedValue({ ...whole, ok: false, broken_seq: 17, problem: 'missing', detail: 'record seq 17 is missing' })
    const { w } = await mountView(View, me('auditor'), '/audit')
    await click(byTest('audit-verify'))
    const result = byTest('audit-verify-result')
    expect(result?.textContent).toContain('审计日志被篡改：序号 17 处记录缺失（被删除）')
    expect(result?.textContent).not.toContain('审计日志完整')
    w.unmount()
  })
})
