import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import zh from '@/i18n/zh-CN'
import type { Job } from '@/api/jobs'
import { ApiError } from '@/api/http'

const getJob = vi.fn<(id: number) => Promise<Job>>()
vi.mock('@/api/jobs', async (orig) => ({ ...(await orig<typeof import('@/api/jobs')>()), getJob: (id: number) => getJob(id) }))
const { default: JobProgress } = await import('./JobProgress.vue')

const job = (p: Partial<Job>): Job => ({
  id: 7, kind: 'campaign.recompute', status: 'running', done: 0, total: 100, rate: 0, created_by: 'district',
  created_at: '2017-06-30T00:00:00Z', started_at: '2017-06-30T00:00:00Z', finished_at: null, error: '', ...p,
})

function mountIt(jobId = 7) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
  return mount(JobProgress, { props: { jobId, interval: 1000 }, global: { plugins: [i18n] } })
}

describe('JobProgress', () => {
  afterEach(() => {
    vi.useRealTimers()
    getJob.mockReset()
  })

  it('polls until the job is done, shows rate and time left, then emits finished and stops', async () => {
    vi.useFakeTimers()
    getJob
      .mockResolvedValueOnce(job({ status: 'queued', total: 0 }))
      .mockResolvedValueOnce(job({ done: 50, total: 100, rate: 25 }))
      .mockResolvedValueOnce(job({ status: 'done', done: 100, total: 100, rate: 40, finished_at: '2017-06-30T00:00:03Z' }))
    const w = mountIt()
    await flushPromises()
    expect(w.text()).toContain('排队')
    await vi.advanceTimersByTimeAsync(1000)
    expect(w.text()).toContain('已测算 50 / 100 户')
    expect(w.text()).toContain('每秒 25 户')
    expect(w.text()).toContain('预计还需 2秒')
    await vi.advanceTimersByTimeAsync(1000)
    expect(w.text()).toContain('测算完成：共 100 户，用时 3秒')
    expect(w.text()).toContain('100%')
    expect(w.emitted('finished')?.[0]?.[0]).toMatchObject({ status: 'done' })
    await vi.advanceTimersByTimeAsync(5000)
    expect(getJob).toHaveBeenCalledTimes(3)
  })

  it('shows the error of a failed job', async () => {
    getJob.mockResolvedValueOnce(job({ status: 'failed', done: 10, error: 'household 12: database is locked' }))
    const w = mountIt()
    await flushPromises()
    expect(w.text()).toContain('测算中断：已完成 10 / 100 户')
    expect(w.find('[data-test="job-error"]').text()).toContain('database is locked')
    expect(w.emitted('finished')).toHaveLength(1)
  })

  it('stops polling when it goes away', async () => {
    vi.useFakeTimers()
    getJob.mockResolvedValue(job({ done: 1 }))
    const w = mountIt()
    await flushPromises()
    w.unmount()
    await vi.advanceTimersByTimeAsync(5000)
    expect(getJob).toHaveBeenCalledTimes(1)
  })

  it('says so when the job cannot be read (another account started it)', async () => {
    vi.useFakeTimers()
    getJob.mockRejectedValue(new ApiError(404, 'not_found', '任务不存在'))
    const w = mountIt()
    await flushPromises()
    expect(w.text()).toContain('由其他账号发起')
    await vi.advanceTimersByTimeAsync(5000)
    expect(getJob).toHaveBeenCalledTimes(1)
  })

  it('keeps trying through a network error', async () => {
    vi.useFakeTimers()
    getJob.mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValueOnce(job({ status: 'done', done: 100 }))
    const w = mountIt()
    await flushPromises()
    expect(w.text()).toContain('正在重试')
    await vi.advanceTimersByTimeAsync(1000)
    expect(w.text()).toContain('测算完成')
  })
})
