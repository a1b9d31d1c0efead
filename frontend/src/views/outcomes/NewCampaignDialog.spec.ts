import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { defineComponent, h } from 'vue'
import zh from '@/i18n/zh-CN'
import type { Campaign } from '@/api/campaigns'
import { ApiError } from '@/api/http'
import { allStages } from '@/views/review/testing'

const api = vi.hoisted(() => ({ createCampaign: vi.fn() }))
vi.mock('@/api/campaigns', async (orig) => ({ ...(await orig<typeof import('@/api/campaigns')>()), ...api }))
const { default: Dialog } = await import('./NewCampaignDialog.vue')

const base = {
  id: 1, name: '2017年动态管理', campaign_year: 2017, income_year: 2016, poverty_line: '2952.00', vehicle_value_limit: '30000.00',
  reference_date: '2017-06-30', active: true, report_phone: '12317', supervisor_unit: '盘龙区纪委监委、区扶贫办', version: 3, updated_at: '', updated_by: '',
} as Campaign
const q = (t: string) => document.body.querySelector(`[data-test="${t}"]`)
const valueOf = (t: string) => (q(t)?.matches('input') ? (q(t) as HTMLInputElement) : (q(t)?.querySelector('input') as HTMLInputElement)).value

// A plain input stands for each date picker (fourteen calendars are slow to render here).
const DatePicker = defineComponent({
  props: { modelValue: { type: String, default: null } },
  emits: ['update:modelValue'],
  setup: (p, { emit }) => () => h('input', { value: p.modelValue, onInput: (e: Event) => emit('update:modelValue', (e.target as HTMLInputElement).value) }),
})

function open(lines = [{ income_year: 2017, line: '3100.00', note: '', updated_by: '', updated_at: '' }]) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
  return mount(Dialog, { props: { open: true, base, stages: allStages, lines }, attachTo: document.body, global: { plugins: [i18n], stubs: { ElDatePicker: DatePicker } } })
}

describe('新建批次', () => {
  afterEach(() => {
    vi.clearAllMocks()
    document.body.innerHTML = ''
  })

  it('is prefilled a year on from the active campaign and sends every stage’s deadline', async () => {
    api.createCampaign.mockResolvedValue({ campaign: { ...base, id: 2, name: '2018年动态管理' }, job: { id: 9 } })
    const w = open()
    await flushPromises()
    expect(valueOf('new-campaign-name')).toBe('2018年动态管理')
    expect(valueOf('new-campaign-phone')).toBe('12317')
    expect(valueOf('new-campaign-deadline-analysis')).toBe('2018-06-30')
    expect(valueOf('new-campaign-deadline-recorded')).toBe('2018-07-31')
    expect(document.body.textContent).toContain('不填则采用 2017 年度扶贫标准')
    ;(q('new-campaign-save') as HTMLElement).click()
    await flushPromises()
    expect(api.createCampaign).toHaveBeenCalledTimes(1)
    const sent = api.createCampaign.mock.calls[0][0]
    expect(sent).toMatchObject({ name: '2018年动态管理', campaign_year: 2018, income_year: 2017, vehicle_value_limit: '30000.00', reference_date: '2018-06-30', report_phone: '12317' })
    expect(sent).not.toHaveProperty('poverty_line')
    expect(Object.keys(sent.deadlines)).toHaveLength(14)
    expect(sent.deadlines.district_confirm).toBe('2018-07-15')
    expect(w.emitted('created')?.[0]?.[0]).toMatchObject({ campaign: { id: 2 } })
    w.unmount()
  })

  it('asks for a poverty line when none is recorded for the income year, and shows the server’s refusal', async () => {
    const w = open([])
    await flushPromises()
    ;(q('new-campaign-save') as HTMLElement).click()
    await flushPromises()
    expect(api.createCampaign).not.toHaveBeenCalled()
    expect(q('new-campaign-line')?.closest('.el-form-item')?.classList.contains('is-error')).toBe(true)
    const input = q('new-campaign-line')?.matches('input') ? (q('new-campaign-line') as HTMLInputElement) : (q('new-campaign-line')!.querySelector('input') as HTMLInputElement)
    input.value = '3100'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    await flushPromises()
    api.createCampaign.mockRejectedValueOnce(new ApiError(422, 'validation_failed', '请检查填写的内容', [{ field: 'name', message: '已有同名的同年度批次' }]))
    ;(q('new-campaign-save') as HTMLElement).click()
    await flushPromises()
    expect(api.createCampaign.mock.calls[0][0].poverty_line).toBe('3100')
    expect(q('new-campaign-error')?.textContent).toContain('已有同名的同年度批次')
    w.unmount()
  })
})
