// The decision of scripts/npm-audit.sh: reads the output of
// `npm audit --omit=dev --json` and exits
//   1 when a production dependency has a high or critical advisory, or when
//     the output is not an audit report and not an unreachable endpoint
//     (no lockfile, npm broken: the gate must not pass by accident);
//   0 when the findings, if any, are below high;
//   0 with one warning line when the registry's audit endpoint is
//     unreachable or refuses the request (a sandbox whose registry proxy
//     answers only GET; GitHub Actions reaches the real endpoint).
//
//   node scripts/npm-audit.mjs AUDIT.json
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const failing = ['high', 'critical']

// Network failures of the request itself (as opposed to npm failing locally).
const networkCodes = new Set([
  'ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH',
  'EHOSTUNREACH', 'ESOCKETTIMEDOUT', 'EPROTO', 'ERR_SOCKET_TIMEOUT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED',
])

/**
 * decide turns npm's JSON output (text) into { status, message }, status
 * being 'pass', 'fail' or 'warn'.
 */
export function decide(text) {
  let out
  try {
    out = JSON.parse(text)
  } catch {
    return { status: 'fail', message: 'npm-audit: FAIL — npm audit printed no JSON' }
  }
  if (out && typeof out === 'object' && (out.auditReportVersion !== undefined || out.metadata?.vulnerabilities)) {
    return decideReport(out)
  }
  const reason = endpointFailure(out)
  if (reason) {
    return { status: 'warn', message: `npm-audit: WARNING — audit endpoint unreachable (${reason}); production dependencies NOT audited here` }
  }
  const what = out?.error?.summary || out?.message || out?.error?.code || out?.code || 'no audit report'
  return { status: 'fail', message: `npm-audit: FAIL — ${what}` }
}

function decideReport(report) {
  const vulns = Object.values(report.vulnerabilities ?? {})
  const counts = report.metadata?.vulnerabilities ?? {}
  const bad = vulns.filter((v) => failing.includes(v.severity))
  const n = Math.max(bad.length, failing.reduce((s, k) => s + (counts[k] ?? 0), 0))
  if (n > 0) {
    const names = bad.map((v) => `${v.name} (${v.severity}${advisory(v)})`).join(', ')
    return { status: 'fail', message: `npm-audit: FAIL — ${n} high or critical: ${names || 'see npm audit --omit=dev'}` }
  }
  const below = ['info', 'low', 'moderate'].filter((k) => counts[k]).map((k) => `${counts[k]} ${k}`)
  return { status: 'pass', message: `npm-audit: ok — no high or critical advisory${below.length ? ` (${below.join(', ')})` : ''}` }
}

// The first advisory behind a finding, for the one line we print.
function advisory(v) {
  const via = (v.via ?? []).find((x) => typeof x === 'object' && x.url)
  return via ? ` ${via.url}` : ''
}

// endpointFailure says why the audit endpoint could not be used, or ''.
// npm reports an HTTP refusal with the request's method, uri and
// statusCode, and a network failure with an error code or a message naming
// the request.
function endpointFailure(out) {
  if (!out || typeof out !== 'object') return ''
  if (typeof out.statusCode === 'number' && out.statusCode >= 400) {
    return `HTTP ${out.statusCode} from ${out.method ?? 'POST'} ${out.uri ?? 'the audit endpoint'}`
  }
  const code = out.error?.code ?? out.code
  if (networkCodes.has(code)) {
    return code
  }
  // npm 11 without a code: "request to URL failed, reason: connect ECONNREFUSED …"
  const m = /^request to (\S+) failed, reason: (.+)$/.exec(out.message ?? '')
  if (m) {
    return `${m[2]} from ${m[1]}`
  }
  return ''
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: node scripts/npm-audit.mjs AUDIT.json')
    process.exit(2)
  }
  const { status, message } = decide(readFileSync(file, 'utf8'))
  if (status === 'fail') {
    console.error(message)
    process.exit(1)
  }
  console.log(message)
}
