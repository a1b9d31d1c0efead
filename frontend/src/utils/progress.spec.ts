import { describe, expect, it } from 'vitest'
import { etaSeconds, formatDuration, formatRate, jobPercent, secondsBetween } from './progress'

const t = (key: string, p: Record<string, unknown> = {}) => `${key.split('.').pop()}:${Object.values(p).join(',')}`

describe('job progress', () => {
  it('percent is whole, bounded, and 100 once done', () => {
    expect(jobPercent({ status: 'queued', done: 0, total: 0 })).toBe(0)
    expect(jobPercent({ status: 'running', done: 0, total: 1928 })).toBe(0)
    expect(jobPercent({ status: 'running', done: 964, total: 1928 })).toBe(50)
    expect(jobPercent({ status: 'running', done: 1927, total: 1928 })).toBe(99)
    expect(jobPercent({ status: 'running', done: 2000, total: 1928 })).toBe(100)
    expect(jobPercent({ status: 'done', done: 0, total: 0 })).toBe(100)
    expect(jobPercent({ status: 'failed', done: 10, total: 100 })).toBe(10)
  })

  it('time left comes from the rate, rounded up; unknown without a rate', () => {
    expect(etaSeconds({ status: 'running', done: 1000, total: 1928, rate: 850.5 })).toBe(2)
    expect(etaSeconds({ status: 'running', done: 0, total: 100, rate: 0.5 })).toBe(200)
    expect(etaSeconds({ status: 'running', done: 0, total: 1928, rate: 0 })).toBeNull()
    expect(etaSeconds({ status: 'queued', done: 0, total: 0, rate: 0 })).toBeNull()
    expect(etaSeconds({ status: 'done', done: 10, total: 10, rate: 5 })).toBeNull()
    expect(etaSeconds({ status: 'running', done: 10, total: 10, rate: 5 })).toBe(0)
  })

  it('says durations in words', () => {
    expect(formatDuration(0.4, t)).toBe('underSecond:')
    expect(formatDuration(8, t)).toBe('s:8')
    expect(formatDuration(185, t)).toBe('ms:3,5')
    expect(formatDuration(3720, t)).toBe('hm:1,2')
  })

  it('measures elapsed time between two instants', () => {
    expect(secondsBetween('2017-06-30T08:00:00Z', '2017-06-30T08:00:02.5Z')).toBe(2.5)
    expect(secondsBetween(null, '2017-06-30T08:00:00Z')).toBeNull()
    expect(secondsBetween('x', 'y')).toBeNull()
  })

  it('shows the rate as households per second', () => {
    expect(formatRate(0)).toBe('0')
    expect(formatRate(0.46)).toBe('0.5')
    expect(formatRate(1224.99)).toBe('1,225')
  })
})
