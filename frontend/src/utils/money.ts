// Amounts (yuan) and areas are decimal strings with at most two decimals, as
// the server keeps them (DECIMAL, never float). The SPA never turns them into
// JavaScript numbers: it checks and formats the digits as text, and where it
// must round it works on whole cents with BigInt.

/** What a clerk may type for an amount or area once normalised: 12, 12.5, 12.50. */
export const decimalPattern = /^\d{1,13}(\.\d{1,2})?$/

const fullWidth = /[０-９．]/g

/**
 * Tidies typed text: full-width digits and point to ASCII, the Chinese full
 * stop used as a decimal point, thousands separators and spaces removed.
 * Returns null for nothing typed (unknown).
 */
export function normalizeDecimal(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null
  let s = String(text).replace(fullWidth, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
  s = s.replace(/[\s,，]/g, '').replace(/[。]/g, '.')
  return s === '' ? null : s
}

/** True for a non-negative amount with at most two decimals (after normalising). */
export function isDecimal2(text: string | null | undefined): boolean {
  const s = normalizeDecimal(text)
  return s !== null && decimalPattern.test(s)
}

const plain = /^([+-])?(\d*)(?:\.(\d*))?$/

/**
 * Rounds a decimal string to two places, halves away from zero (as the
 * server does for per-capita income), and returns [sign, integer digits,
 * two decimals]; null when the text is not a plain decimal.
 */
function cents(v: string): [string, string, string] | null {
  const m = plain.exec(v.trim())
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null
  const sign = m[1] === '-' ? '-' : ''
  const int = m[2] || '0'
  const frac = m[3] ?? ''
  let c = BigInt(int + (frac + '00').slice(0, 2))
  if (frac.length > 2 && frac[2] >= '5') c += 1n
  const s = c.toString().padStart(3, '0')
  const whole = s.slice(0, -2)
  const isZero = c === 0n
  return [isZero ? '' : sign, whole, s.slice(-2)]
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * An amount in yuan with two decimals and thousands separators:
 * "5700.5" → "5,700.50". '' for null (unknown); the text as given when it
 * is not a decimal (never hide what the server sent).
 */
export function formatYuan(v: string | number | null | undefined, opts: { group?: boolean } = {}): string {
  if (v === null || v === undefined || v === '') return ''
  const c = cents(String(v))
  if (!c) return String(v)
  const [sign, whole, dec] = c
  return `${sign}${opts.group === false ? whole : group(whole)}.${dec}`
}

/** An area or distance with two decimals, no grouping: "3.5" → "3.50". */
export function formatDecimal2(v: string | number | null | undefined): string {
  return formatYuan(v, { group: false })
}
