import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildQuery, fileNameOf, get, hasToken, setSessionHandlers, setToken } from './http'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('buildQuery', () => {
  it('drops empty values and encodes the rest', () => {
    expect(buildQuery({ q: '张 三', page: 2, role: '', x: undefined, y: null })).toBe('?q=%E5%BC%A0+%E4%B8%89&page=2')
    expect(buildQuery({})).toBe('')
  })
})

describe('fileNameOf', () => {
  it('prefers the RFC 5987 name', () => {
    expect(fileNameOf(`attachment; filename="a.xlsx"; filename*=UTF-8''%E6%88%B7%E8%A1%A8.xlsx`, 'x')).toBe('户表.xlsx')
    expect(fileNameOf('attachment; filename="audit-2017.xlsx"', 'x')).toBe('audit-2017.xlsx')
    expect(fileNameOf(null, 'fallback.xlsx')).toBe('fallback.xlsx')
  })
})

describe('request', () => {
  const fetchMock = vi.fn()
  let lost = 0
  let pw = 0
  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockReset()
    lost = 0
    pw = 0
    setSessionHandlers({ lost: () => lost++, passwordChange: () => pw++ })
    setToken({ access_token: 'old', token_type: 'Bearer', expires_in: 0 })
  })
  afterEach(() => {
    setToken(null)
    vi.unstubAllGlobals()
  })

  it('sends the bearer token', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { ok: 1 }))
    await get('/me')
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/v1/me')
    expect(init.headers.Authorization).toBe('Bearer old')
  })

  it('refreshes once on 401 and retries with the new token', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: 'x' } }))
      .mockResolvedValueOnce(json(200, { access_token: 'new', token_type: 'Bearer', expires_in: 900 }))
      .mockResolvedValueOnce(json(200, { username: 'district' }))
    const me = await get<{ username: string }>('/me')
    expect(me.username).toBe('district')
    expect(fetchMock.mock.calls[1][0]).toBe('/api/v1/auth/refresh')
    expect(fetchMock.mock.calls[2][1].headers.Authorization).toBe('Bearer new')
    expect(lost).toBe(0)
  })

  it('shares one refresh between calls that fail together', async () => {
    fetchMock.mockImplementation(async (url: string, init: RequestInit) => {
      if (url.endsWith('/auth/refresh')) return json(200, { access_token: 'new', token_type: 'Bearer', expires_in: 900 })
      const auth = (init.headers as Record<string, string>).Authorization
      return auth === 'Bearer new' ? json(200, {}) : json(401, { error: { code: 'unauthorized', message: '' } })
    })
    await Promise.all([get('/a'), get('/b'), get('/c')])
    expect(fetchMock.mock.calls.filter((c) => String(c[0]).endsWith('/auth/refresh'))).toHaveLength(1)
  })

  it('reports a lost session when the refresh is refused', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: '请先登录' } }))
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: '' } }))
    await expect(get('/me')).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    expect(lost).toBe(1)
    expect(hasToken()).toBe(false)
  })

  it('keeps the session when the refresh fails for a passing reason', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: '' } }))
      .mockResolvedValueOnce(json(503, { error: { code: 'unavailable', message: '' } }))
    await expect(get('/me')).rejects.toMatchObject({ status: 503, code: 'unavailable' })
    expect(lost).toBe(0)
    expect(hasToken()).toBe(true)
  })

  it('keeps the session when the refresh is rate limited', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: { code: 'unauthorized', message: '' } }))
      .mockResolvedValueOnce(json(429, { error: { code: 'rate_limited', message: '' } }))
    await expect(get('/me')).rejects.toMatchObject({ status: 503 })
    expect(lost).toBe(0)
    expect(hasToken()).toBe(true)
  })

  it('turns an error body into an ApiError with details', async () => {
    fetchMock.mockResolvedValueOnce(
      json(422, { error: { code: 'validation_failed', message: '提交的数据有误', details: [{ field: 'username', message: '已存在' }], request_id: 'r1' } }),
    )
    const err = (await get('/users').catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.details[0].field).toBe('username')
    expect(err.requestId).toBe('r1')
  })

  it('sends the user to the password page when the server demands it', async () => {
    fetchMock.mockResolvedValueOnce(json(403, { error: { code: 'password_change_required', message: '' } }))
    await expect(get('/work')).rejects.toBeInstanceOf(ApiError)
    expect(pw).toBe(1)
  })
})
