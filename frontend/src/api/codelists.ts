import { get } from './http'

export interface CodeItem {
  code: string
  label_zh: string
  label_en: string
}
export type CodeLists = Record<string, CodeItem[]>

export const getCodeLists = async () => (await get<{ lists: CodeLists }>('/code-lists')).lists

/** The label of a code in the current language, or the code itself. */
export function codeLabel(lists: CodeLists | null, list: string, code: string | null | undefined, locale: string): string {
  if (code === null || code === undefined || code === '') return ''
  const item = lists?.[list]?.find((i) => i.code === code)
  if (!item) return code
  return locale.startsWith('zh') ? item.label_zh : item.label_en
}
