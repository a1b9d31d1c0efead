// Client-side XLSX of what a table shows: the same columns, the same text as
// on screen (labels, not codes), so what the clerk exports is what they saw.

export interface ExportColumn<T> {
  label: string
  value: (row: T) => string | number | boolean | null | undefined
  width?: number
}

export type Cell = { value: string | number | boolean | null; fontWeight?: 'bold' } | null

export function sheetOf<T>(columns: ExportColumn<T>[], rows: T[]): Cell[][] {
  const header: Cell[] = columns.map((c) => ({ value: c.label, fontWeight: 'bold' }))
  const body = rows.map((r) =>
    columns.map((c) => {
      const v = c.value(r)
      return v === undefined || v === null || v === '' ? null : { value: v }
    }),
  )
  return [header, ...body]
}

/** A file name that is safe everywhere, with the date: 户表-2017-06-01.xlsx */
export function exportFileName(base: string, now = new Date()): string {
  const d = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(now)
  return `${base.replace(/[\\/:*?"<>|]/g, '_')}-${d}.xlsx`
}

export async function exportXlsx<T>(base: string, columns: ExportColumn<T>[], rows: T[]): Promise<void> {
  const { default: writeXlsxFile } = await import('write-excel-file/browser')
  const data = sheetOf(columns, rows)
  await writeXlsxFile(data as never, {
    columns: columns.map((c) => ({ width: c.width ?? 16 })),
    stickyRowsCount: 1,
    fontFamily: 'Microsoft YaHei',
  } as never).toFile(exportFileName(base))
}
