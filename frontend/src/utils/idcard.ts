// Citizen ID numbers (公民身份号码, GB 11643-1999), checked exactly as the
// server checks them (backend/internal/idcard, rules.md §6), so that the form
// says what is wrong before the clerk saves:
//   length 18 · 17 digits and a digit or X · a province code 11–15, 21–23,
//   31–37, 41–46, 50–54, 61–65, 71, 81–83 · a real birth date not after today
//   (Asia/Shanghai) · the ISO 7064 MOD 11-2 check character.
// The server trims and upper-cases a member's number before it checks it;
// normalizeIdNumber does the same, so a typed lower-case x is accepted.

export type IdProblem =
  | { kind: 'length'; length: number }
  | { kind: 'format'; position: number }
  | { kind: 'province'; code: string }
  | { kind: 'birth'; digits: string }
  | { kind: 'future'; birth: string; today: string }
  | { kind: 'check'; want: string; got: string }

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const checkChars = '10X98765432'

/** Trims and upper-cases, as the server does before checking. */
export function normalizeIdNumber(id: string): string {
  return id.trim().toUpperCase()
}

/** The check character of 17 digits, or '' when they are not 17 ASCII digits. */
export function checkChar(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) return ''
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * weights[i]
  return checkChars[sum % 11]
}

export function validProvince(p: number): boolean {
  return (
    (p >= 11 && p <= 15) ||
    (p >= 21 && p <= 23) ||
    (p >= 31 && p <= 37) ||
    (p >= 41 && p <= 46) ||
    (p >= 50 && p <= 54) ||
    (p >= 61 && p <= 65) ||
    p === 71 ||
    (p >= 81 && p <= 83)
  )
}

export function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
}

export function daysIn(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28
  return [4, 6, 9, 11].includes(m) ? 30 : 31
}

/** A real day of the proleptic Gregorian calendar (year 0000 refused, as on the server). */
export function realDate(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

const shanghaiDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })

/** Today in Asia/Shanghai as YYYY-MM-DD: the server's "today" for dates that cannot be in the future. */
export function todayInShanghai(now: Date = new Date()): string {
  return shanghaiDay.format(now)
}

/** The first problem of an ID number in the server's order, or null when it is valid. */
export function validateIdNumber(raw: string, today: string = todayInShanghai()): IdProblem | null {
  const id = normalizeIdNumber(raw)
  // The server measures bytes of UTF-8 and reports characters; so do we.
  if (new TextEncoder().encode(id).length !== 18) return { kind: 'length', length: [...id].length }
  for (let i = 0; i < 17; i++) {
    const c = id[i]
    if (c < '0' || c > '9') return { kind: 'format', position: i + 1 }
  }
  const last = id[17]
  if ((last < '0' || last > '9') && last !== 'X') return { kind: 'format', position: 18 }
  const p = Number(id.slice(0, 2))
  if (!validProvince(p)) return { kind: 'province', code: id.slice(0, 2) }
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  if (!realDate(y, m, d)) return { kind: 'birth', digits: id.slice(6, 14) }
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (birth > today) return { kind: 'future', birth, today }
  const want = checkChar(id.slice(0, 17))
  if (want !== last) return { kind: 'check', want, got: last }
  return null
}

export const isValidIdNumber = (id: string, today?: string) => validateIdNumber(id, today) === null

/** The birth date (YYYY-MM-DD) read from digits 7–14, or null when they are not a real date. */
export function idBirthDate(raw: string): string | null {
  const id = normalizeIdNumber(raw)
  const s = id.slice(6, 14)
  if (!/^[0-9]{8}$/.test(s)) return null
  if (!realDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6)))) return null
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}`
}

/** male for an odd 17th digit, female for an even one, '' otherwise. */
export function idGender(raw: string): 'male' | 'female' | '' {
  const id = normalizeIdNumber(raw)
  if (id.length < 17 || !/[0-9]/.test(id[16])) return ''
  return Number(id[16]) % 2 === 1 ? 'male' : 'female'
}

/** Keeps the first 6 and last 4 characters, as the server's lists do. */
export function maskIdNumber(id: string): string {
  const r = [...id]
  if (r.length <= 10) return '*'.repeat(r.length)
  return r.slice(0, 6).join('') + '*'.repeat(r.length - 10) + r.slice(-4).join('')
}

type Translate = (key: string, params?: Record<string, unknown>) => string

/** The problem in words (household.id.* messages; the Chinese ones are the server's). */
export function idProblemText(p: IdProblem, t: Translate): string {
  switch (p.kind) {
    case 'length':
      return t('household.id.length', { n: p.length })
    case 'format':
      return t('household.id.format', { n: p.position })
    case 'province':
      return t('household.id.province', { code: p.code })
    case 'birth':
      return t('household.id.birth', { digits: p.digits })
    case 'future':
      return t('household.id.future', { birth: p.birth, today: p.today })
    case 'check':
      return t('household.id.check', { want: p.want, got: p.got })
  }
}
