import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http'
import type { VillageFacts } from '@/api/villageFacts'
import { click, me, mountView, type } from './testing'
import { valuesOf } from './villageFields'

const api = vi.hoisted(() => ({ getVillageFacts: vi.fn(), putVillageFacts: vi.fn() }))
vi.mock('@/api/villageFacts', async (orig) => ({ ...(await orig<typeof import('@/api/villageFacts')>()), ...api }))
const { default: View } = await import('./VillageFactsView.vue')

const facts = (over: Partial<VillageFacts> = {}): VillageFacts => ({
  ...valuesOf({}),
  village_code: '530103012004',
  village_name: '鼠街村委会',
  street_code: '530103012',
  street_name: '滇源街道',
  collective_income: '52000.00',
  road_to_village: true,
  households: 320,
  version: 3,
  updated_at: '2017-06-30T02:00:00Z',
  updated_by: 'officer-530103012004',
  ...over,
})

describe('村表', () => {
  beforeEach(() => api.getVillageFacts.mockResolvedValue(facts()))
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('shows a village’s facts read-only to a department', async () => {
    const { w } = await mountView(View, me('department', { department: 'agri' }), '/villages/530103012004/facts')
    expect(api.getVillageFacts).toHaveBeenCalledWith('530103012004')
    expect(w.find('[data-test="vf-v-collective_income"]').text()).toBe('52,000.00 元')
    expect(w.find('[data-test="vf-v-road_to_village"]').text()).toBe('是')
    expect(w.find('[data-test="vf-v-broadband"]').text()).toBe('未知')
    expect(w.find('[data-test="vf-edit"]').exists()).toBe(false)
    expect(w.text()).toContain('您可以查看，不能修改')
    w.unmount()
  })

  it('takes a village officer straight to the one village', async () => {
    const { router } = await mountView(View, me('village_officer', { streets: [], villages: ['530103012004'] }), '/village-facts')
    expect(router.currentRoute.value.params.code).toBe('530103012004')
  })

  it('saves with the version seen; a conflict keeps the clerk’s values and saves them on the latest', async () => {
    api.putVillageFacts.mockRejectedValueOnce(new ApiError(409, 'version_conflict', '数据已被他人修改'))
    const { w } = await mountView(View, me('check_team', { team: 'A' }), '/villages/530103012004/facts')
    await click(w.find('[data-test="vf-edit"]').element)
    await type(w.find('[data-test="vf-collective_income"]').element, '60000')

    // Someone saved version 4 meanwhile (households changed, not the income).
    api.getVillageFacts.mockResolvedValue(facts({ version: 4, households: 330, updated_by: 'street-530103012' }))
    await click(w.find('[data-test="vf-save"]').element)
    expect(api.putVillageFacts).toHaveBeenCalledWith('530103012004', expect.objectContaining({ version: 3, collective_income: '60000', households: 320 }))
    const conflict = w.find('[data-test="vf-conflict"]')
    expect(conflict.text()).toContain('street-530103012')
    expect(conflict.text()).toContain('第 4 版')
    expect(conflict.text()).toContain('村集体经济收入')
    expect(conflict.text()).toContain('60,000.00 元')
    expect((w.find('[data-test="vf-collective_income"]').element as HTMLInputElement).value).toBe('60000')

    await click(w.find('[data-test="vf-keep-mine"]').element)
    api.putVillageFacts.mockResolvedValueOnce(facts({ version: 5, households: 330, collective_income: '60000.00' }))
    await click(w.find('[data-test="vf-save"]').element)
    expect(api.putVillageFacts).toHaveBeenLastCalledWith('530103012004', expect.objectContaining({ version: 4, collective_income: '60000', households: 330 }))
    expect(w.find('[data-test="vf-conflict"]').exists()).toBe(false)
    expect(w.find('[data-test="vf-v-collective_income"]').text()).toBe('60,000.00 元')
    w.unmount()
  })

  it('names each field the server refuses', async () => {
    api.putVillageFacts.mockRejectedValueOnce(new ApiError(422, 'validation_failed', '数据有误', [{ field: 'poor_households', message: '贫困户数不能多于总户数' }]))
    const { w } = await mountView(View, me('district'), '/villages/530103012004/facts')
    await click(w.find('[data-test="vf-edit"]').element)
    await type(w.find('[data-test="vf-poor_households"]').element, '400')
    await click(w.find('[data-test="vf-save"]').element)
    expect(api.putVillageFacts).toHaveBeenCalledWith('530103012004', expect.objectContaining({ poor_households: 400 }))
    expect(w.find('[data-test="vf-problems"]').text()).toContain('建档立卡贫困户数：贫困户数不能多于总户数')
    w.unmount()
  })
})
