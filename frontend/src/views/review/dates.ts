import { todayInShanghai } from '@/api/villageLists'

// Dates of the procedure are local dates of Asia/Shanghai, never later than
// today there (meetings held, notices posted, reports received).

/** The calendar day a date picker's cell stands for (the browser's own midnight). */
export function calendarDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** For :disabled-date: days after today in Shanghai cannot be chosen. */
export const afterToday = (d: Date) => calendarDay(d) > todayInShanghai()
