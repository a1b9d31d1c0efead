import { codeLabel, type CodeLists } from '@/api/codelists'
import { regionName, type Regions } from '@/api/regions'
import { formatDecimal2, formatYuan } from '@/utils/money'
import { fieldOf, type FieldDef } from './fields'

// How a field's value reads on screen, on paper and in the history.

export interface DisplayContext {
  t: (key: string, params?: Record<string, unknown>) => string
  locale: string
  codeLists: CodeLists | null
  regions: Regions | null
  /** the name of a village group by id */
  groupName?: (id: number) => string
}

/** The value in words; '' when there is nothing to show (a tri-state null reads 未知). */
export function showValue(def: FieldDef | undefined, v: unknown, ctx: DisplayContext): string {
  if (def?.kind === 'tri') return v === true ? ctx.t('common.yes') : v === false ? ctx.t('common.no') : ctx.t('common.unknown')
  if (v === null || v === undefined || v === '') return ''
  if (!def) return typeof v === 'object' ? JSON.stringify(v) : String(v)
  switch (def.kind) {
    case 'bool':
      return v === true ? ctx.t('common.yes') : v === false ? ctx.t('common.no') : String(v)
    case 'money':
      return formatYuan(v as string)
    case 'decimal':
      return formatDecimal2(v as string)
    case 'code':
      return codeLabel(ctx.codeLists, def.list!, String(v), ctx.locale)
    case 'codes': {
      const codes = Array.isArray(v) ? (v as string[]) : String(v).split(',').filter(Boolean)
      return codes.map((c) => codeLabel(ctx.codeLists, def.list!, c, ctx.locale)).join(ctx.t('household.sep'))
    }
    case 'village':
      return regionName(ctx.regions, String(v))
    case 'group':
      return ctx.groupName ? ctx.groupName(Number(v)) : String(v)
    default:
      return String(v)
  }
}

/** A value with its unit where it has one: 5,700.50 元, 3.50 亩. */
export function showWithUnit(def: FieldDef, v: unknown, ctx: DisplayContext): string {
  const s = showValue(def, v, ctx)
  return s && def.unit ? `${s} ${ctx.t('household.units.' + def.unit)}` : s
}

/** A value of the change history, named by its API path. */
export function showHistoryValue(path: string, v: unknown, ctx: DisplayContext): string {
  if (path === 'street_code' && typeof v === 'string') return regionName(ctx.regions, v)
  const def = fieldOf(path)
  // A history null is "not set": say nothing rather than 未知 for a tri-state.
  if (v === null || v === undefined) return ''
  return showValue(def, v, ctx)
}
