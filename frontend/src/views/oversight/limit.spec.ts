import { describe, expect, it } from 'vitest'
import { limiter } from './limit'

describe('limiter', () => {
  it('runs at most max calls at once and all of them in the end, failures included', async () => {
    const run = limiter(2)
    let active = 0
    let peak = 0
    const task = (v: number, fail = false) => () =>
      new Promise<number>((resolve, reject) => {
        active++
        peak = Math.max(peak, active)
        setTimeout(() => {
          active--
          if (fail) reject(new Error(String(v)))
          else resolve(v)
        }, 5)
      })
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((v) => run(task(v, v === 3))))
    expect(peak).toBe(2)
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual([1, 2, 'x', 4, 5])
  })
})
