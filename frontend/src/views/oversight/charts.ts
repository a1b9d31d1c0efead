import type { EChartsOption } from 'echarts'
import { outcomeCodes, type OutcomeCount } from '@/api/outcomes'
import {
  correctionKinds,
  findingOfRate,
  rateKeys,
  statusOfRate,
  type AreaFigures,
  type AreaRates,
  type CauseCount,
  type Figures,
  type RateKey,
  type Rates,
  type StreetRates,
} from '@/api/oversight'
import type { Board } from '@/api/villageLists'
import { scopeQuery, type AreaScope, type DrillTarget } from './drill'

// The dashboard's charts as pure functions of the API's answers: each gives
// the ECharts option, the same numbers as a table (what "表格" shows and
// "导出Excel" writes) and, for every bar or slice, what a click opens. The
// view only fetches and renders.

export type Translate = (key: string, named?: Record<string, unknown>) => string

/** A cell of a chart's table: its value and, for a count, the households behind it. */
export interface Cell {
  value: string | number | null
  drill?: DrillTarget | null
}
export interface TableColumn {
  key: string
  label: string
  /** right-aligned, a number */
  numeric?: boolean
  minWidth?: number
}
export type Row = Record<string, Cell>

export interface ChartData {
  option: EChartsOption
  columns: TableColumn[]
  rows: Row[]
  /** what a click on series s, item i opens: targets[s][i] */
  targets: (DrillTarget | null)[][]
  /** nothing to draw */
  empty: boolean
}

/** A street or village, and the filter that selects it. */
export interface Area {
  code: string
  name: string
  scope: AreaScope
}

export type Unit = 'households' | 'people'

/** The colour of each outcome, after the tags of the outcome screens (utils/outcomes.ts). */
export const outcomeColors: Record<string, string> = {
  include: '#409eff',
  not_eligible: '#c8c9cc',
  keep: '#79bbff',
  remove_wrong: '#f56c6c',
  exit_normal: '#67c23a',
  dissolve: '#909399',
  reinclude: '#f89898',
  continue_support: '#e6a23c',
  keep_exited: '#b3e19d',
  needs_review: '#eebe77',
  invalid: '#8d4b4b',
}
export const kindColors: Record<string, { actual: string; planned: string }> = {
  remove_wrong: { actual: '#f56c6c', planned: '#fbc4c4' },
  include: { actual: '#409eff', planned: '#b3d8ff' },
  reinclude: { actual: '#e6a23c', planned: '#f5dab1' },
}
export const danger = '#f56c6c'
export const rateColors: Record<RateKey, string> = { missed_rate: '#409eff', wrong_rate: '#9b59b6', wrongly_exited_rate: '#e6a23c' }

const grid = { left: 48, right: 24, top: 56, bottom: 64, containLabel: true }
const legend = (names: string[]) => ({ top: 0, type: 'scroll' as const, data: names })
const axisLabels = { interval: 0, rotate: 0, hideOverlap: false, width: 80, overflow: 'break' as const }
const xAxisOf = (names: string[]) => ({ type: 'category' as const, data: names, axisLabel: names.length > 6 ? { ...axisLabels, rotate: 40 } : axisLabels })

/** "7.5%" of a rate's percent; '—' without a base. */
export function percentText(p: string | null | undefined): string {
  return p === null || p === undefined ? '—' : `${p}%`
}

/** A rate's percent as a number for a bar (null: no base, nothing drawn). */
export function percentValue(p: string | null | undefined): number | null {
  if (p === null || p === undefined) return null
  const v = Number(p)
  return Number.isFinite(v) ? v : null
}

// ---- 识别测算结果 by area (stacked) ----------------------------------------

export interface AreaOutcomes {
  area: Area
  counts: OutcomeCount[]
}

export function outcomesChart(items: AreaOutcomes[], campaignId: number, t: Translate): ChartData {
  const names = items.map((i) => i.area.name)
  const label = (o: string) => t(`outcome.o.${o}`)
  const countOf = (i: AreaOutcomes, o: string) => i.counts.find((c) => c.outcome === o)?.count ?? 0
  const target = (i: AreaOutcomes, o: string): DrillTarget => ({
    kind: 'outcomes',
    campaignId,
    outcome: o,
    ...scopeQuery(i.area.scope),
    title: `${i.area.name} · ${label(o)}`,
  })
  const shown = outcomeCodes.filter((o) => items.some((i) => countOf(i, o) > 0))
  const series = shown.map((o) => ({
    name: label(o),
    type: 'bar' as const,
    stack: 'outcomes',
    barMaxWidth: 48,
    itemStyle: { color: outcomeColors[o] },
    emphasis: { focus: 'series' as const },
    data: items.map((i) => countOf(i, o)),
  }))
  const columns: TableColumn[] = [
    { key: 'area', label: t('oversight.col.area'), minWidth: 120 },
    ...outcomeCodes.map((o) => ({ key: o, label: label(o), numeric: true, minWidth: 90 })),
    { key: 'total', label: t('oversight.col.total'), numeric: true, minWidth: 80 },
  ]
  const rows: Row[] = items.map((i) => {
    const r: Row = { area: { value: i.area.name } }
    for (const o of outcomeCodes) r[o] = { value: countOf(i, o), drill: countOf(i, o) ? target(i, o) : null }
    r.total = { value: i.counts.reduce((s, c) => s + c.count, 0) }
    return r
  })
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: legend(series.map((s) => s.name)),
      grid,
      xAxis: xAxisOf(names),
      yAxis: { type: 'value', name: t('oversight.unit.households'), minInterval: 1 },
      series,
    },
    columns,
    rows,
    targets: shown.map((o) => items.map((i) => (countOf(i, o) ? target(i, o) : null))),
    empty: !items.some((i) => i.counts.some((c) => c.count > 0)),
  }
}

// ---- 本次纠正 by area, planned beside --------------------------------------

export interface AreaFigure {
  area: Area
  fig: AreaFigures
  /** streets carry a plan; villages do not */
  planned: boolean
}

/**
 * The areas the corrections are shown for: the streets; the villages of the
 * street chosen; the village chosen. `total` is the row that sums them.
 */
export function figureAreas(f: Figures, scope: AreaScope, totalName: string): { areas: AreaFigure[]; total: AreaFigure | null } {
  const street = scope.street ? f.streets.find((s) => s.code === scope.street) : undefined
  if (scope.street && !street) return { areas: [], total: null }
  if (street) {
    const streetRow: AreaFigure = { area: { code: street.code, name: street.name, scope: { street: street.code } }, fig: street, planned: true }
    const villages = street.villages
      .filter((v) => !scope.village || v.code === scope.village)
      .map((v) => ({ area: { code: v.code, name: v.name, scope: { village: v.code } }, fig: v, planned: false }))
    return { areas: villages, total: scope.village ? null : streetRow }
  }
  return {
    areas: f.streets.map((s) => ({ area: { code: s.code, name: s.name, scope: { street: s.code } }, fig: s, planned: true })),
    total: { area: { code: f.total.code, name: totalName, scope: {} }, fig: f.total, planned: true },
  }
}

export function correctionsChart(f: Figures, scope: AreaScope, unit: Unit, t: Translate): ChartData {
  const { areas, total } = figureAreas(f, scope, t('oversight.col.total'))
  const withPlan = areas.some((a) => a.planned)
  const names = areas.map((a) => a.area.name)
  const kindLabel = (k: string) => t(`oversight.kind.${k}`)
  const target = (a: AreaFigure, k: string): DrillTarget => ({
    kind: 'cases',
    campaignId: f.campaign_id,
    proposal: k,
    ...scopeQuery(a.area.scope),
    title: `${a.area.name} · ${kindLabel(k)}`,
  })
  const corr = (a: AreaFigure, k: string) => a.fig.corrections.find((c) => c.kind === k)
  const series: { name: string; [k: string]: unknown }[] = []
  const targets: (DrillTarget | null)[][] = []
  for (const k of correctionKinds) {
    series.push({
      name: kindLabel(k),
      type: 'bar',
      barMaxWidth: 28,
      itemStyle: { color: kindColors[k].actual },
      label: { show: true, position: 'top', fontSize: 10 },
      data: areas.map((a) => corr(a, k)?.[unit] ?? 0),
    })
    targets.push(areas.map((a) => ((corr(a, k)?.households ?? 0) > 0 ? target(a, k) : null)))
    if (withPlan) {
      series.push({
        name: t('oversight.plannedOf', { kind: kindLabel(k) }),
        type: 'bar',
        barMaxWidth: 28,
        itemStyle: { color: kindColors[k].planned, borderColor: kindColors[k].actual, borderType: 'dashed', borderWidth: 1 },
        label: { show: true, position: 'top', fontSize: 10, color: '#8492a6' },
        data: areas.map((a) => corr(a, k)?.planned?.[unit] ?? null),
      })
      targets.push(areas.map(() => null))
    }
  }
  const columns: TableColumn[] = [{ key: 'area', label: t('oversight.col.area'), minWidth: 120 }]
  for (const k of correctionKinds) {
    columns.push(
      { key: `${k}.households`, label: `${kindLabel(k)} · ${t('oversight.unit.households')}`, numeric: true, minWidth: 100 },
      { key: `${k}.people`, label: `${kindLabel(k)} · ${t('oversight.unit.people')}`, numeric: true, minWidth: 100 },
      { key: `${k}.share`, label: `${kindLabel(k)} · ${t('oversight.col.sharePeople')}`, numeric: true, minWidth: 140 },
    )
    if (withPlan) columns.push({ key: `${k}.planned`, label: `${kindLabel(k)} · ${t('oversight.col.planned')}`, numeric: true, minWidth: 120 })
  }
  const rowOf = (a: AreaFigure): Row => {
    const r: Row = { area: { value: a.area.name } }
    for (const k of correctionKinds) {
      const c = corr(a, k)
      const d = c && c.households > 0 ? target(a, k) : null
      r[`${k}.households`] = { value: c?.households ?? 0, drill: d }
      r[`${k}.people`] = { value: c?.people ?? 0, drill: d }
      r[`${k}.share`] = { value: c?.share_people.fraction ? `${percentText(c.share_people.percent)}（${c.share_people.fraction}）` : '—' }
      if (withPlan) r[`${k}.planned`] = { value: c?.planned ? t('oversight.countText', { h: c.planned.households, p: c.planned.people }) : '—' }
    }
    return r
  }
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: legend(series.map((s) => s.name)),
      grid,
      xAxis: xAxisOf(names),
      yAxis: { type: 'value', name: t(`oversight.unit.${unit}`), minInterval: 1 },
      series: series as EChartsOption['series'],
    },
    columns,
    rows: [...areas.map(rowOf), ...(total ? [rowOf(total)] : [])],
    targets,
    empty: areas.length === 0,
  }
}

// ---- 检查考核 rates by area against the threshold ----------------------------

export function rateAreas(r: Rates, scope: AreaScope): { area: Area; rates: AreaRates; street?: StreetRates }[] {
  if (scope.street) {
    const s = r.streets.find((x) => x.code === scope.street)
    if (!s) return []
    return s.villages
      .filter((v) => !scope.village || v.code === scope.village)
      .map((v) => ({ area: { code: v.code, name: v.name, scope: { village: v.code } }, rates: v }))
  }
  return r.streets.map((s) => ({ area: { code: s.code, name: s.name, scope: { street: s.code } }, rates: s, street: s }))
}

export function ratesChart(r: Rates, scope: AreaScope, t: Translate): ChartData {
  const areas = rateAreas(r, scope)
  const threshold = Number(r.threshold.percent)
  const rateLabel = (k: RateKey) => t(`oversight.rate.${k}`)
  const sampledTarget = (a: Area, k: RateKey, found: boolean): DrillTarget => ({
    kind: 'sampled',
    campaignId: r.campaign_id,
    ...scopeQuery(a.scope),
    ...(found ? { finding: findingOfRate[k] } : { status: statusOfRate[k] }),
    title: `${a.name} · ${found ? t(`oversight.finding.${findingOfRate[k]}`) : t('oversight.sampledOf', { status: t(`oversight.status.${statusOfRate[k]}`) })}`,
  })
  const series = rateKeys.map((k, i) => ({
    name: rateLabel(k),
    type: 'bar' as const,
    barMaxWidth: 28,
    itemStyle: { color: rateColors[k] },
    label: { show: true, position: 'top' as const, fontSize: 10, formatter: '{c}%' },
    data: areas.map((a) => {
      const v = percentValue(a.rates[k].percent)
      return a.rates[k].above ? { value: v, itemStyle: { color: danger } } : { value: v }
    }),
    ...(i === 0
      ? {
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { color: danger, type: 'dashed' as const, width: 2 },
            label: { formatter: t('oversight.thresholdLine', { p: r.threshold.percent }), position: 'insideEndTop' as const, color: danger },
            data: [{ yAxis: threshold }],
          },
        }
      : {}),
  }))
  const maxValue = Math.max(threshold * 1.5, ...areas.flatMap((a) => rateKeys.map((k) => percentValue(a.rates[k].percent) ?? 0)))
  const columns: TableColumn[] = [{ key: 'area', label: t('oversight.col.area'), minWidth: 120 }]
  for (const k of rateKeys) {
    columns.push(
      { key: `${k}.found`, label: `${t(`oversight.finding.${findingOfRate[k]}`)} · ${t('oversight.unit.people')}`, numeric: true, minWidth: 90 },
      { key: `${k}.sampled`, label: `${t('oversight.sampledOf', { status: t(`oversight.status.${statusOfRate[k]}`) })} · ${t('oversight.unit.people')}`, numeric: true, minWidth: 130 },
      { key: `${k}.rate`, label: rateLabel(k), numeric: true, minWidth: 120 },
    )
  }
  if (!scope.street) columns.push({ key: 'standing', label: t('oversight.col.standing'), minWidth: 100 })
  const rows: Row[] = areas.map((a) => {
    const row: Row = { area: { value: a.area.name } }
    for (const k of rateKeys) {
      const rate = a.rates[k]
      row[`${k}.found`] = { value: rate.numerator, drill: rate.numerator ? sampledTarget(a.area, k, true) : null }
      row[`${k}.sampled`] = { value: rate.denominator, drill: rate.denominator ? sampledTarget(a.area, k, false) : null }
      row[`${k}.rate`] = { value: rate.fraction ? `${percentText(rate.percent)}（${rate.fraction}）` : '—' }
    }
    if (!scope.street) row.standing = { value: a.street?.standing ?? '' }
    return row
  })
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
      legend: legend(series.map((s) => s.name)),
      grid,
      xAxis: xAxisOf(areas.map((a) => a.area.name)),
      yAxis: { type: 'value', name: '%', max: Math.ceil(maxValue), axisLabel: { formatter: '{value}%' } },
      series,
    },
    columns,
    rows,
    targets: rateKeys.map((k) => areas.map((a) => (a.rates[k].denominator ? sampledTarget(a.area, k, false) : null))),
    empty: areas.length === 0,
  }
}

// ---- 村级名单 by stage -------------------------------------------------------

export function listsChart(b: Board, scope: AreaScope, campaignId: number, t: Translate): ChartData {
  const count = (stage: string, overdue: boolean) => b.lists.filter((l) => l.stage.key === stage && l.overdue === overdue).length
  const target = (stage: Board['stages'][number], overdue?: boolean): DrillTarget => ({
    kind: 'lists',
    campaignId,
    stage: stage.key,
    ...(overdue === undefined ? {} : { overdue }),
    ...scopeQuery(scope),
    title: `${stage.stage}. ${stage.label}${overdue ? ` · ${t('oversight.overdue')}` : overdue === false ? ` · ${t('oversight.onTime')}` : ''}`,
  })
  const names = b.stages.map((s) => `${s.stage}. ${s.label}`)
  const series = [
    { name: t('oversight.onTime'), type: 'bar' as const, stack: 'lists', barMaxWidth: 18, itemStyle: { color: '#409eff' }, data: b.stages.map((s) => count(s.key, false)) },
    {
      name: t('oversight.overdue'),
      type: 'bar' as const,
      stack: 'lists',
      barMaxWidth: 18,
      itemStyle: { color: danger },
      data: b.stages.map((s) => count(s.key, true)),
    },
  ]
  const columns: TableColumn[] = [
    { key: 'stage', label: t('oversight.col.stage'), minWidth: 150 },
    { key: 'onTime', label: t('oversight.onTime'), numeric: true, minWidth: 80 },
    { key: 'overdue', label: t('oversight.overdue'), numeric: true, minWidth: 80 },
    { key: 'total', label: t('oversight.col.total'), numeric: true, minWidth: 80 },
  ]
  const rows: Row[] = b.stages.map((s) => {
    const on = count(s.key, false)
    const late = count(s.key, true)
    return {
      stage: { value: `${s.stage}. ${s.label}` },
      onTime: { value: on, drill: on ? target(s, false) : null },
      overdue: { value: late, drill: late ? target(s, true) : null },
      total: { value: on + late, drill: on + late ? target(s) : null },
    }
  })
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: legend(series.map((s) => s.name)),
      grid: { left: 16, right: 32, top: 40, bottom: 8, containLabel: true },
      // the stages down the side, the first on top: their names stay readable
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { interval: 0 } },
      xAxis: { type: 'value', name: t('oversight.unit.lists'), minInterval: 1 },
      series,
    },
    columns,
    rows,
    targets: [b.stages.map((s) => (count(s.key, false) ? target(s, false) : null)), b.stages.map((s) => (count(s.key, true) ? target(s, true) : null))],
    empty: b.lists.length === 0,
  }
}

// ---- 致贫原因 (pie) ------------------------------------------------------------

export function causesChart(causes: CauseCount[], scope: AreaScope, status: string, t: Translate): ChartData {
  const all = causes.reduce((s, c) => s + c.households, 0)
  const target = (c: CauseCount): DrillTarget | null =>
    c.cause && c.households ? { kind: 'households', cause: c.cause, status, ...scopeQuery(scope), title: `${t('oversight.chart.causes')} · ${c.label}` } : null
  const share = (v: number) => (all ? `${((v * 100) / all).toFixed(1)}%` : '—')
  return {
    option: {
      tooltip: { trigger: 'item', formatter: '{b}：{c} 户（{d}%）' },
      series: [
        {
          name: t('oversight.chart.causes'),
          type: 'pie',
          radius: ['28%', '62%'],
          center: ['50%', '52%'],
          label: { formatter: '{b} {d}%' },
          data: causes.map((c) => ({ name: c.label, value: c.households })),
        },
      ],
    },
    columns: [
      { key: 'cause', label: t('oversight.col.cause'), minWidth: 120 },
      { key: 'households', label: t('oversight.unit.households'), numeric: true, minWidth: 80 },
      { key: 'people', label: t('oversight.unit.people'), numeric: true, minWidth: 80 },
      { key: 'share', label: t('oversight.col.shareHouseholds'), numeric: true, minWidth: 90 },
    ],
    rows: causes.map((c) => ({
      cause: { value: c.label },
      households: { value: c.households, drill: target(c) },
      people: { value: c.people, drill: target(c) },
      share: { value: share(c.households) },
    })),
    targets: [causes.map(target)],
    empty: all === 0,
  }
}

// ---- Trends across campaigns ---------------------------------------------------

export interface CampaignFigures {
  campaignId: number
  name: string
  year: number
  figures: Figures
}

/** One campaign's corrections of the area chosen (the whole scope, a street, a village), null when the area is not in it. */
export function figuresOfArea(f: Figures, scope: AreaScope): AreaFigures | null {
  if (!scope.street) return f.total
  const s = f.streets.find((x) => x.code === scope.street)
  if (!s) return null
  if (!scope.village) return s
  return s.villages.find((v) => v.code === scope.village) ?? null
}

export function trendsChart(items: CampaignFigures[], scope: AreaScope, unit: Unit, t: Translate): ChartData {
  const sorted = [...items].sort((a, b) => a.year - b.year || a.campaignId - b.campaignId)
  const kindLabel = (k: string) => t(`oversight.kind.${k}`)
  const of = (c: CampaignFigures, k: string) => figuresOfArea(c.figures, scope)?.corrections.find((x) => x.kind === k)
  const target = (c: CampaignFigures, k: string): DrillTarget | null =>
    (of(c, k)?.households ?? 0) > 0 ? { kind: 'cases', campaignId: c.campaignId, proposal: k, ...scopeQuery(scope), title: `${c.name} · ${kindLabel(k)}` } : null
  const series = correctionKinds.map((k) => ({
    name: kindLabel(k),
    type: 'bar' as const,
    barMaxWidth: 36,
    itemStyle: { color: kindColors[k].actual },
    label: { show: true, position: 'top' as const, fontSize: 10 },
    data: sorted.map((c) => of(c, k)?.[unit] ?? 0),
  }))
  const columns: TableColumn[] = [{ key: 'campaign', label: t('oversight.col.campaign'), minWidth: 140 }]
  for (const k of correctionKinds) {
    columns.push(
      { key: `${k}.households`, label: `${kindLabel(k)} · ${t('oversight.unit.households')}`, numeric: true, minWidth: 100 },
      { key: `${k}.people`, label: `${kindLabel(k)} · ${t('oversight.unit.people')}`, numeric: true, minWidth: 100 },
      { key: `${k}.share`, label: `${kindLabel(k)} · ${t('oversight.col.sharePeople')}`, numeric: true, minWidth: 140 },
    )
  }
  const rows: Row[] = sorted.map((c) => {
    const r: Row = { campaign: { value: c.name } }
    for (const k of correctionKinds) {
      const x = of(c, k)
      r[`${k}.households`] = { value: x?.households ?? 0, drill: target(c, k) }
      r[`${k}.people`] = { value: x?.people ?? 0, drill: target(c, k) }
      r[`${k}.share`] = { value: x?.share_people.fraction ? `${percentText(x.share_people.percent)}（${x.share_people.fraction}）` : '—' }
    }
    return r
  })
  return {
    option: {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: legend(series.map((s) => s.name)),
      grid,
      xAxis: { type: 'category', data: sorted.map((c) => c.name) },
      yAxis: { type: 'value', name: t(`oversight.unit.${unit}`), minInterval: 1 },
      series,
    },
    columns,
    rows,
    targets: correctionKinds.map((k) => sorted.map((c) => target(c, k))),
    empty: sorted.length === 0,
  }
}

/** A chart's table as sheet columns and rows for the XLSX export (the same text as the table). */
export function tableSheet(d: Pick<ChartData, 'columns' | 'rows'>): { label: string; value: (r: Row) => string | number | null }[] {
  return d.columns.map((c) => ({ label: c.label, value: (r: Row) => r[c.key]?.value ?? null }))
}
