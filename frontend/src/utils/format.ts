import { ApiError } from '@/api/http'

// Times are shown in Asia/Shanghai whatever the browser's zone, as the
// register's dates are local dates of the district.
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return dateTime.format(d).replace(/\//g, '-')
}

export function errorText(e: unknown, fallback: string): string {
  if (e && typeof e === 'object' && 'message' in e && typeof (e as Error).message === 'string' && (e as Error).message)
    return (e as Error).message
  return fallback
}

/** An API error in one line: its message and what each named field needs. */
export function problemText(e: unknown, fallback: string): string {
  if (e instanceof ApiError) return [e.message, ...e.details.map((d) => d.message)].filter(Boolean).join('：')
  return fallback
}
