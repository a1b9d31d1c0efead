import type { Job } from '@/api/jobs'

// The arithmetic of a progress bar: counts and seconds, never money.

/** Whole percent done; 100 once the job is done (even of nothing). */
export function jobPercent(j: Pick<Job, 'status' | 'done' | 'total'>): number {
  if (j.status === 'done') return 100
  if (j.total <= 0) return 0
  return Math.min(100, Math.max(0, Math.floor((j.done * 100) / j.total)))
}

/** Seconds left at the current rate, or null while it cannot be told. */
export function etaSeconds(j: Pick<Job, 'status' | 'done' | 'total' | 'rate'>): number | null {
  if (j.status !== 'running' || !(j.rate > 0) || j.total <= 0) return null
  const left = j.total - j.done
  if (left <= 0) return 0
  return Math.ceil(left / j.rate)
}

/** Seconds between two times, or null. */
export function secondsBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null
  const a = Date.parse(from)
  const b = Date.parse(to)
  if (Number.isNaN(a) || Number.isNaN(b)) return null
  return Math.max(0, (b - a) / 1000)
}

type Translate = (key: string, params?: Record<string, unknown>) => string

/** A duration in words: 不到1秒, 8秒, 3分5秒, 1小时2分. */
export function formatDuration(seconds: number, t: Translate): string {
  if (seconds < 1) return t('outcome.job.underSecond')
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  if (h > 0) return t('outcome.job.hm', { h, m })
  if (m > 0) return t('outcome.job.ms', { m, s: r })
  return t('outcome.job.s', { s: r })
}

/** A rate as a whole number of households per second (at least 1 once any are done). */
export function formatRate(rate: number): string {
  if (!(rate > 0)) return '0'
  return rate < 1 ? rate.toFixed(1) : Math.round(rate).toLocaleString('zh-CN')
}
