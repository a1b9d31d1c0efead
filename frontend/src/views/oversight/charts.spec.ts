import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zh from '@/i18n/zh-CN'
import type { Campaign } from '@/api/campaigns'
import type { OutcomeCount } from '@/api/outcomes'
import type { AreaFigures, AreaRates, Correction, Figures, InspectionRate, Rates, StreetRates } from '@/api/oversight'
import type { Board, VillageList } from '@/api/villageLists'
import {
  causesChart,
  correctionsChart,
  figuresOfArea,
  listsChart,
  outcomesChart,
  percentText,
  percentValue,
  ratesChart,
  tableSheet,
  trendsChart,
  danger,
  type Translate,
} from './charts'
import { listPageOf } from './drill'
import { changedParameters, formOf, outcomesShown } from './whatIf'

// The dashboard's data shaping: what each chart draws, what its table
// shows and exports, and what a click opens.

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
const t: Translate = (k, named) => i18n.global.t(k, named ?? {})

const counts = (m: Record<string, number>): OutcomeCount[] =>
  Object.entries(m).map(([outcome, count]) => ({ outcome: outcome as OutcomeCount['outcome'], label: outcome, count }))

const rate = (num: number, den: number, percent: string | null, above = false): InspectionRate => ({
  numerator: num,
  denominator: den,
  fraction: den ? `${num}/${den}` : null,
  percent: den ? percent : null,
  above,
})
const corr = (kind: Correction['kind'], households: number, people: number, planned: { households: number; people: number } | null = null): Correction => ({
  kind,
  label: kind,
  households,
  people,
  base: 'registered',
  base_label: '批次开始时的建档立卡户',
  base_households: 100,
  base_people: 300,
  share_households: { numerator: households, denominator: 100, fraction: `${households}/100`, percent: `${households}.0` },
  share_people: { numerator: people, denominator: 300, fraction: `${people}/300`, percent: (people / 3).toFixed(1) },
  planned,
})
const area = (code: string, name: string, r: [number, number, number], withPlan = false): AreaFigures => ({
  code,
  name,
  corrections: [
    corr('remove_wrong', r[0], r[0] * 3, withPlan ? { households: 10, people: 30 } : null),
    corr('include', r[1], r[1] * 3, withPlan ? { households: 20, people: 60 } : null),
    corr('reinclude', r[2], r[2] * 2, null),
  ],
})
const figures = (campaignId: number, year: number, scale = 1): Figures => ({
  campaign_id: campaignId,
  campaign_name: `${year}年动态管理`,
  campaign_year: year,
  streets: [
    { ...area('530103012', '阿子营街道', [0, 3 * scale, 2], true), villages: [area('530103012004', '鼠街村委会', [0, 2 * scale, 1]), area('530103012005', '甸尾村委会', [0, scale, 1])] },
    { ...area('530103010', '松华街道', [5, 4, 0], true), villages: [area('530103010001', '小河社区', [5, 4, 0])] },
  ],
  total: area('530103', '盘龙区', [5, 3 * scale + 4, 2], true),
})

describe('outcomes by area', () => {
  const items = [
    { area: { code: '530103012', name: '阿子营街道', scope: { street: '530103012' } }, counts: counts({ include: 52, keep: 84, remove_wrong: 0 }) },
    { area: { code: '530103010', name: '松华街道', scope: { street: '530103010' } }, counts: counts({ include: 37, keep: 30, remove_wrong: 15 }) },
  ]
  it('stacks one series per outcome met, in the rules’ order, with the areas on the axis', () => {
    const d = outcomesChart(items, 1, t)
    const series = d.option.series as { name: string; stack: string; data: number[] }[]
    expect(series.map((s) => s.name)).toEqual(['新识别纳入', '保留', '错评剔除'])
    expect(series.every((s) => s.stack === 'outcomes')).toBe(true)
    expect(series[0].data).toEqual([52, 37])
    expect(series[2].data).toEqual([0, 15])
    expect((d.option.xAxis as { data: string[] }).data).toEqual(['阿子营街道', '松华街道'])
    expect(d.empty).toBe(false)
  })
  it('opens the households of a segment, and nothing for an empty one', () => {
    const d = outcomesChart(items, 1, t)
    expect(d.targets[0][1]).toEqual({ kind: 'outcomes', campaignId: 1, outcome: 'include', street: '530103010', title: '松华街道 · 新识别纳入' })
    expect(d.targets[2][0]).toBeNull()
    expect(listPageOf(d.targets[0][1]!)).toEqual({ path: '/outcomes', query: { campaign: '1', street: '530103010', outcome: 'include' } })
  })
  it('tables every outcome and the total per area', () => {
    const d = outcomesChart(items, 1, t)
    expect(d.columns.map((c) => c.key)).toContain('needs_review')
    expect(d.rows[1].total.value).toBe(82)
    expect(d.rows[1].remove_wrong).toMatchObject({ value: 15, drill: { kind: 'outcomes', outcome: 'remove_wrong', street: '530103010' } })
    expect(d.rows[0].remove_wrong).toEqual({ value: 0, drill: null })
  })
  it('is empty when nothing was computed', () => {
    expect(outcomesChart([{ area: items[0].area, counts: counts({ include: 0 }) }], 2, t).empty).toBe(true)
  })
})

describe('corrections (本次纠正)', () => {
  it('draws each correction of each street with its planned scale beside', () => {
    const d = correctionsChart(figures(1, 2017), {}, 'households', t)
    const series = d.option.series as { name: string; data: (number | null)[] }[]
    expect(series.map((s) => s.name)).toEqual(['错评纠正', '错评纠正（计划）', '漏评纠正', '漏评纠正（计划）', '错退纠正', '错退纠正（计划）'])
    expect(series[2].data).toEqual([3, 4])
    expect(series[3].data).toEqual([20, 20])
    // nothing planned: no bar
    expect(series[5].data).toEqual([null, null])
    // a click on an actual bar opens the campaign's cases of that proposal; a planned bar opens nothing
    expect(d.targets[2][0]).toEqual({ kind: 'cases', campaignId: 1, proposal: 'include', street: '530103012', title: '阿子营街道 · 漏评纠正' })
    expect(d.targets[3][0]).toBeNull()
    expect(d.targets[0][0]).toBeNull() // 0 households
  })
  it('counts people when asked', () => {
    const d = correctionsChart(figures(1, 2017), {}, 'people', t)
    expect((d.option.series as { data: number[] }[])[2].data).toEqual([9, 12])
  })
  it('tables the areas and the total with shares as fraction and percent', () => {
    const d = correctionsChart(figures(1, 2017), {}, 'households', t)
    expect(d.rows.map((r) => r.area.value)).toEqual(['阿子营街道', '松华街道', '合计'])
    const total = d.rows[2]
    expect(total['include.households']).toMatchObject({ value: 7, drill: { kind: 'cases', proposal: 'include', campaignId: 1 } })
    expect(total['include.households'].drill).not.toHaveProperty('street')
    expect(d.rows[0]['include.share'].value).toBe('3.0%（9/300）')
    expect(d.rows[0]['include.planned'].value).toBe('20 户 60 人')
    expect(d.rows[0]['reinclude.planned'].value).toBe('—')
  })
  it('shows the villages of a street (no plan) with the street as total, and one village alone', () => {
    const d = correctionsChart(figures(1, 2017), { street: '530103012' }, 'households', t)
    expect((d.option.xAxis as { data: string[] }).data).toEqual(['鼠街村委会', '甸尾村委会'])
    expect((d.option.series as unknown[]).length).toBe(3)
    expect(d.targets[1][0]).toMatchObject({ kind: 'cases', proposal: 'include', village: '530103012004' })
    expect(d.rows.map((r) => r.area.value)).toEqual(['鼠街村委会', '甸尾村委会', '阿子营街道'])
    expect(d.rows[2]['include.households'].drill).toMatchObject({ street: '530103012' })
    const one = correctionsChart(figures(1, 2017), { street: '530103012', village: '530103012005' }, 'households', t)
    expect(one.rows.map((r) => r.area.value)).toEqual(['甸尾村委会'])
  })
})

describe('inspection rates (检查考核)', () => {
  const village: AreaRates = {
    code: '530103012004',
    name: '鼠街村委会',
    inspected: true,
    sampled: { not_registered: { households: 4, people: 15 }, registered: { households: 0, people: 0 }, exited: { households: 0, people: 0 } },
    found: { missed: { households: 1, people: 3 }, wrong: { households: 0, people: 0 }, wrongly_exited: { households: 0, people: 0 } },
    missed_rate: rate(3, 15, '20.0', true),
    wrong_rate: rate(0, 0, null),
    wrongly_exited_rate: rate(0, 0, null),
  }
  const street = (code: string, name: string, missed: InspectionRate, standing: string, villages: AreaRates[] = []): StreetRates => ({
    ...village,
    code,
    name,
    missed_rate: missed,
    wrong_rate: rate(0, 20, '0.0'),
    wrongly_exited_rate: rate(0, 11, '0.0'),
    commended: standing === '通报表扬',
    flagged: standing === '通报批评',
    standing,
    referrals: [],
    villages,
  })
  const rates: Rates = {
    campaign_id: 1,
    campaign_name: '2017年动态管理',
    campaign_year: 2017,
    threshold: { fraction: '0.02', percent: '2.0' },
    inspections: 2,
    streets: [street('530103012', '阿子营街道', rate(3, 40, '7.5', true), '通报批评', [village]), street('530103010', '松华街道', rate(0, 34, '0.0'), '通报表扬'), street('530103009', '双龙街道', rate(0, 0, null), '未抽查')],
    total: village,
  }
  it('draws the three rates per street against the threshold line, above it in red', () => {
    const d = ratesChart(rates, {}, t)
    const series = d.option.series as { name: string; data: { value: number | null; itemStyle?: { color: string } }[]; markLine?: { data: { yAxis: number }[]; label: { formatter: string } } }[]
    expect(series.map((s) => s.name)).toEqual(['漏评率', '错评率', '错退率'])
    expect(series[0].markLine?.data).toEqual([{ yAxis: 2 }])
    expect(series[0].markLine?.label.formatter).toBe('阈值 2.0%')
    expect(series[0].data[0]).toEqual({ value: 7.5, itemStyle: { color: danger } })
    expect(series[0].data[1]).toEqual({ value: 0 })
    // no base: nothing drawn
    expect(series[0].data[2]).toEqual({ value: null })
    // the axis leaves room above the threshold
    expect((d.option.yAxis as { max: number }).max).toBeGreaterThanOrEqual(7.5)
  })
  it('opens the sampled households of a bar; in the table the found and the sampled', () => {
    const d = ratesChart(rates, {}, t)
    expect(d.targets[0][0]).toEqual({ kind: 'sampled', campaignId: 1, street: '530103012', status: 'not_registered', title: '阿子营街道 · 抽查非建档立卡户' })
    expect(d.targets[0][2]).toBeNull()
    const row = d.rows[0]
    expect(row['missed_rate.found']).toMatchObject({ value: 3, drill: { kind: 'sampled', finding: 'missed', street: '530103012' } })
    expect(row['missed_rate.sampled']).toMatchObject({ value: 40, drill: { status: 'not_registered' } })
    expect(row['missed_rate.rate'].value).toBe('7.5%（3/40）')
    expect(row.standing.value).toBe('通报批评')
    expect(d.rows[2]['missed_rate.rate'].value).toBe('—')
  })
  it('shows the sampled villages of a street, without standings', () => {
    const d = ratesChart(rates, { street: '530103012' }, t)
    expect((d.option.xAxis as { data: string[] }).data).toEqual(['鼠街村委会'])
    expect(d.columns.map((c) => c.key)).not.toContain('standing')
    expect(d.rows[0]['missed_rate.found'].drill).toMatchObject({ village: '530103012004', finding: 'missed' })
  })
  it('writes percents as the server gives them', () => {
    expect(percentText('7.5')).toBe('7.5%')
    expect(percentText(null)).toBe('—')
    expect(percentValue('0.96')).toBe(0.96)
    expect(percentValue(null)).toBeNull()
  })
})

describe('village lists by stage', () => {
  const stages = [
    { stage: 1, key: 'analysis' as const, label: '贫情分析', owner: 'check_team' as const },
    { stage: 2, key: 'survey' as const, label: '实地调查', owner: 'check_team' as const },
  ]
  const list = (id: number, key: 'analysis' | 'survey', overdue: boolean) => ({ id, stage: stages.find((s) => s.key === key)!, overdue }) as unknown as VillageList
  const board: Board = { stages, lists: [list(1, 'survey', true), list(2, 'survey', true), list(3, 'survey', false), list(4, 'analysis', false)] }
  it('counts the lists of each stage, on time and overdue (red)', () => {
    const d = listsChart(board, { street: '530103012' }, 1, t)
    const series = d.option.series as { name: string; data: number[]; itemStyle: { color: string } }[]
    expect(series.map((s) => s.name)).toEqual(['按期', '逾期'])
    expect(series[0].data).toEqual([1, 1])
    expect(series[1].data).toEqual([0, 2])
    expect(series[1].itemStyle.color).toBe(danger)
    expect((d.option.yAxis as { data: string[] }).data).toEqual(['1. 贫情分析', '2. 实地调查'])
    expect(d.targets[1][1]).toEqual({ kind: 'lists', campaignId: 1, stage: 'survey', overdue: true, street: '530103012', title: '2. 实地调查 · 逾期' })
    expect(d.targets[1][0]).toBeNull()
    expect(d.rows[1]).toMatchObject({ onTime: { value: 1 }, overdue: { value: 2 }, total: { value: 3, drill: { stage: 'survey' } } })
  })
})

describe('causes of poverty', () => {
  it('draws a slice per cause and opens its households with the status shown', () => {
    const d = causesChart(
      [
        { cause: 'illness', label: '因病', households: 30, people: 100 },
        { cause: 'lack_funds', label: '缺资金', households: 10, people: 30 },
        { cause: '', label: '未填写', households: 10, people: 20 },
      ],
      { village: '530103012004' },
      'registered',
      t,
    )
    expect((d.option.series as { type: string; data: unknown[] }[])[0]).toMatchObject({ type: 'pie', data: [{ name: '因病', value: 30 }, { name: '缺资金', value: 10 }, { name: '未填写', value: 10 }] })
    expect(d.targets[0][0]).toEqual({ kind: 'households', cause: 'illness', status: 'registered', village: '530103012004', title: '致贫原因 · 因病' })
    // 未填写 cannot be filtered on
    expect(d.targets[0][2]).toBeNull()
    expect(d.rows[0].share.value).toBe('60.0%')
    expect(listPageOf(d.targets[0][0]!)).toEqual({ path: '/households', query: { village: '530103012004', cause: 'illness', status: 'registered' } })
  })
  it('is empty without households', () => {
    expect(causesChart([], {}, 'registered', t).empty).toBe(true)
  })
})

describe('trends across campaigns', () => {
  const items = [
    { campaignId: 1, name: '2017年动态管理', year: 2017, figures: figures(1, 2017, 2) },
    { campaignId: 2, name: '2016年动态管理', year: 2016, figures: figures(2, 2016, 1) },
  ]
  it('puts the campaigns in year order and each correction as a series', () => {
    const d = trendsChart(items, {}, 'households', t)
    expect((d.option.xAxis as { data: string[] }).data).toEqual(['2016年动态管理', '2017年动态管理'])
    const series = d.option.series as { name: string; data: number[] }[]
    expect(series.map((s) => s.name)).toEqual(['错评纠正', '漏评纠正', '错退纠正'])
    expect(series[1].data).toEqual([7, 10])
    expect(d.targets[1][0]).toEqual({ kind: 'cases', campaignId: 2, proposal: 'include', title: '2016年动态管理 · 漏评纠正' })
  })
  it('follows the street and village filter', () => {
    const d = trendsChart(items, { street: '530103012', village: '530103012004' }, 'people', t)
    expect((d.option.series as { data: number[] }[])[1].data).toEqual([6, 12])
    expect(d.targets[1][1]).toMatchObject({ campaignId: 1, street: '530103012', village: '530103012004' })
    expect(figuresOfArea(items[0].figures, { street: '530103099' })).toBeNull()
  })
  it('exports the table as shown', () => {
    const d = trendsChart(items, {}, 'households', t)
    const sheet = tableSheet(d)
    expect(sheet.map((c) => c.label).slice(0, 3)).toEqual(['批次', '错评纠正 · 户', '错评纠正 · 人'])
    expect(sheet[0].value(d.rows[0])).toBe('2016年动态管理')
    expect(sheet[4].value(d.rows[1])).toBe(10)
  })
})

describe('what-if parameters', () => {
  const c = { id: 1, poverty_line: '2952.00', vehicle_value_limit: '30000.00', income_year: 2016, reference_date: '2017-06-30' } as Campaign
  it('sends only what differs from the campaign, and the narrowest scope', () => {
    expect(changedParameters(formOf(c), c)).toEqual({})
    expect(changedParameters({ ...formOf(c), poverty_line: '2952' }, c)).toEqual({})
    expect(changedParameters({ ...formOf(c), poverty_line: '3300' }, c, { street: '530103012' })).toEqual({ street: '530103012', poverty_line: '3300' })
    expect(changedParameters({ ...formOf(c), income_year: 2017, reference_date: '2017-12-31' }, c, { street: '530103012', village: '530103012004' })).toEqual({
      village: '530103012004',
      income_year: 2017,
      reference_date: '2017-12-31',
    })
  })
  it('lists the outcomes any street has now or then', () => {
    expect(
      outcomesShown([
        { street_code: 'a', street_name: 'A', counts_now: { keep: 3, include: 0 }, counts_then: { keep: 2, exit_normal: 1 }, changed: 1 },
      ]),
    ).toEqual(['keep', 'exit_normal'])
  })
})
