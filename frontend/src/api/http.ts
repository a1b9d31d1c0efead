// The one HTTP client of the SPA. It keeps the access token in memory only
// (the refresh token is an HttpOnly cookie the script never sees), refreshes
// it silently before it expires and once more when a call answers 401, and
// turns every error body into an ApiError with the server's stable code.

export interface FieldDetail {
  field: string
  code?: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldDetail[] = [],
    readonly requestId = '',
    /** the whole response body, for answers that carry more than the error (an import report) */
    readonly body: unknown = undefined,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in: number
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export type Query = Record<string, string | number | boolean | undefined | null>

const base = '/api/v1'

let accessToken = ''
let refreshTimer: ReturnType<typeof setTimeout> | undefined

/** Called when the session is gone for good (refresh refused). */
let onSessionLost: () => void = () => {}
/** Called when the server demands a password change first. */
let onPasswordChange: () => void = () => {}
/** Called when the server demands a second factor be set up first. */
let onMFAEnrolment: () => void = () => {}

export function setSessionHandlers(h: { lost: () => void; passwordChange: () => void; mfaEnrolment?: () => void }) {
  onSessionLost = h.lost
  onPasswordChange = h.passwordChange
  onMFAEnrolment = h.mfaEnrolment ?? (() => {})
}

export function hasToken() {
  return accessToken !== ''
}

export function setToken(t: TokenResponse | null) {
  clearTimeout(refreshTimer)
  accessToken = t?.access_token ?? ''
  if (t && t.expires_in > 0) {
    // Refresh a minute before expiry (or half-way for very short tokens) so
    // that a clerk typing a long form never meets an expired token.
    const lead = Math.min(60, t.expires_in / 2)
    refreshTimer = setTimeout(() => void refreshOnce(), (t.expires_in - lead) * 1000)
  }
}

export function buildQuery(q?: Query): string {
  if (!q) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue
    p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = await res.json()
    const e = body?.error
    if (e?.code) return new ApiError(res.status, e.code, e.message ?? '', e.details ?? [], e.request_id ?? '', body)
  } catch {
    /* not JSON: fall through */
  }
  return new ApiError(res.status, res.status >= 500 ? 'internal' : 'http_' + res.status, res.statusText)
}

/** How a refresh ended: a new token, the session refused (gone for good), or
 * a passing failure (server busy, 429, 5xx, network) that leaves it alive. */
type RefreshResult = 'ok' | 'refused' | 'failed'
let refreshingResult: Promise<RefreshResult> | undefined
/** Seconds before a refresh that failed for a passing reason is tried again. */
const refreshRetrySeconds = 15

function refreshOnce(): Promise<RefreshResult> {
  if (!refreshingResult) {
    refreshingResult = (async (): Promise<RefreshResult> => {
      try {
        const res = await fetch(`${base}/auth/refresh`, { method: 'POST', credentials: 'same-origin' })
        if (res.status === 401 || res.status === 403) {
          setToken(null)
          return 'refused'
        }
        if (!res.ok) {
          // 503 (database busy), 429 or a proxy error: the session is still
          // good; keep the token and try again shortly rather than sign the
          // clerk out in the middle of a form.
          retryRefreshSoon()
          return 'failed'
        }
        setToken((await res.json()) as TokenResponse)
        return 'ok'
      } catch {
        retryRefreshSoon()
        return 'failed'
      } finally {
        refreshingResult = undefined
      }
    })()
  }
  return refreshingResult
}

function retryRefreshSoon() {
  if (!accessToken) return
  clearTimeout(refreshTimer)
  refreshTimer = setTimeout(() => void refreshOnce(), refreshRetrySeconds * 1000)
}

/** Gets a new access token with the refresh cookie; one call at a time. */
export async function refresh(): Promise<boolean> {
  return (await refreshOnce()) === 'ok'
}

interface Options {
  query?: Query
  body?: unknown
  form?: FormData
  /** do not try a refresh on 401 (login, refresh itself) */
  noRetry?: boolean
}

async function send(method: string, path: string, opt: Options): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`
  let body: BodyInit | undefined
  if (opt.form) body = opt.form
  else if (opt.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opt.body)
  }
  return fetch(base + path + buildQuery(opt.query), { method, headers, body, credentials: 'same-origin' })
}

async function call(method: string, path: string, opt: Options = {}): Promise<Response> {
  let res = await send(method, path, opt)
  if (res.status === 401 && !opt.noRetry) {
    const r = await refreshOnce()
    if (r === 'ok') res = await send(method, path, opt)
    else if (r === 'refused') onSessionLost()
    else throw new ApiError(503, 'unavailable', '服务器暂时无法验证登录状态，请稍后重试')
  }
  if (!res.ok) {
    const err = await errorOf(res)
    if (err.code === 'password_change_required') onPasswordChange()
    if (err.code === 'mfa_enrolment_required') onMFAEnrolment()
    throw err
  }
  return res
}

export async function request<T>(method: string, path: string, opt: Options = {}): Promise<T> {
  const res = await call(method, path, opt)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query })
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body })
export const put = <T>(path: string, body?: unknown) => request<T>('PUT', path, { body })
export const patch = <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body })
export const del = <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body })

/** The file name the server gives in Content-Disposition (RFC 5987 first). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) return decodeURIComponent(star[1])
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1] : fallback
}

/** Fetches a file (an export made by the server) and hands it to the browser. */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<void> {
  const res = await call('GET', path, { query })
  const blob = await res.blob()
  saveBlob(blob, fileNameOf(res.headers.get('Content-Disposition'), fallbackName))
}

export async function fetchBlob(path: string): Promise<Blob> {
  return (await call('GET', path)).blob()
}

export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
