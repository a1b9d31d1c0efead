import { describe, expect, it } from 'vitest'
import { ApiError } from './http'
import { activeCampaign, runningJobOf, type Campaign } from './campaigns'

describe('campaigns', () => {
  it('reads the running job a 409 names', () => {
    expect(runningJobOf(new ApiError(409, 'conflict', '同一任务正在运行', [{ field: 'job_id', message: '17' }]))).toBe(17)
    expect(runningJobOf(new ApiError(409, 'conflict', 'x', []))).toBeNull()
    expect(runningJobOf(new ApiError(409, 'version_conflict', 'x', [{ field: 'job_id', message: '3' }]))).toBeNull()
    expect(runningJobOf(new ApiError(422, 'invalid', 'x', [{ field: 'job_id', message: '3' }]))).toBeNull()
    expect(runningJobOf(new Error('network'))).toBeNull()
  })
  it('picks the active campaign, else the first', () => {
    const c = (id: number, active: boolean) => ({ id, active }) as Campaign
    expect(activeCampaign([c(2, false), c(1, true)])?.id).toBe(1)
    expect(activeCampaign([c(2, false), c(1, false)])?.id).toBe(2)
    expect(activeCampaign([])).toBeUndefined()
  })
})
