import { describe, expect, it } from 'vitest'
import { exportFileName, sheetOf } from './xlsx'

describe('sheetOf', () => {
  it('writes a bold header and the cells as shown, empty as null', () => {
    const rows = [
      { name: '张三', n: 3, note: '' },
      { name: '李四', n: 0, note: null },
    ]
    const data = sheetOf(
      [
        { label: '姓名', value: (r) => r.name },
        { label: '人口', value: (r) => r.n },
        { label: '备注', value: (r) => r.note },
      ],
      rows,
    )
    expect(data[0]).toEqual([
      { value: '姓名', fontWeight: 'bold' },
      { value: '人口', fontWeight: 'bold' },
      { value: '备注', fontWeight: 'bold' },
    ])
    expect(data[1]).toEqual([{ value: '张三' }, { value: 3 }, null])
    expect(data[2]).toEqual([{ value: '李四' }, { value: 0 }, null])
  })
})

describe('exportFileName', () => {
  it('uses the Shanghai date and strips characters Windows refuses', () => {
    // 2017-06-30 17:00 UTC is already 1 July in Shanghai.
    expect(exportFileName('户表/盘龙', new Date(Date.UTC(2017, 5, 30, 17, 0)))).toBe('户表_盘龙-2017-07-01.xlsx')
  })
})
