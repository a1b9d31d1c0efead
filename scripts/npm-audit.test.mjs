// Tests of the npm audit gate's decision (node --test scripts/npm-audit.test.mjs).
// The fixtures in testdata/npm-audit are npm 11's output: endpoint-405,
// endpoint-refused and no-lockfile captured from real runs, the reports in
// npm's auditReportVersion 2 shape.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { decide } from './npm-audit.mjs'

const dir = fileURLToPath(new URL('./testdata/npm-audit/', import.meta.url))
const fixture = (name) => readFileSync(dir + name, 'utf8')

test('a high finding fails and names the package and advisory', () => {
  const { status, message } = decide(fixture('high.json'))
  assert.equal(status, 'fail')
  assert.match(message, /2 high or critical/)
  assert.match(message, /zrender \(high https:\/\/github\.com\/advisories\/GHSA-xxxx-xxxx-xxxx\)/)
  assert.match(message, /echarts \(high\)/)
  assert.doesNotMatch(message, /qrcode/, 'a moderate finding is not listed among the failing ones')
})

test('a critical count fails even without the entries', () => {
  assert.equal(decide(fixture('critical-count-only.json')).status, 'fail')
})

test('moderate and low findings only pass, with their counts', () => {
  const { status, message } = decide(fixture('moderate.json'))
  assert.equal(status, 'pass')
  assert.match(message, /1 low, 1 moderate/)
})

test('a clean report passes', () => {
  assert.deepEqual(decide(fixture('clean.json')), {
    status: 'pass',
    message: 'npm-audit: ok — no high or critical advisory',
  })
})

test('the registry refusing the audit endpoint (405) warns on one line', () => {
  const { status, message } = decide(fixture('endpoint-405.json'))
  assert.equal(status, 'warn')
  assert.match(message, /^npm-audit: WARNING — audit endpoint unreachable \(HTTP 405 from POST https:\/\/registry\.npmjs\.org\/-\/npm\/v1\/security\/advisories\/bulk\)/)
  assert.doesNotMatch(message, /\n/)
})

test('an unreachable registry warns', () => {
  const { status, message } = decide(fixture('endpoint-refused.json'))
  assert.equal(status, 'warn')
  assert.match(message, /connect ECONNREFUSED 127\.0\.0\.1:9/)
  const dns = JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND registry.npmjs.org', detail: '' } })
  assert.equal(decide(dns).status, 'warn')
})

test('a local npm failure fails: the gate never passes by accident', () => {
  const { status, message } = decide(fixture('no-lockfile.json'))
  assert.equal(status, 'fail')
  assert.match(message, /requires an existing lockfile/)
  assert.equal(decide('').status, 'fail')
  assert.equal(decide('npm ERR! something').status, 'fail')
  assert.equal(decide('{}').status, 'fail')
  assert.equal(decide('null').status, 'fail')
})

test('the command exits 1 on fail, 0 on pass and warn', () => {
  const run = (name) => spawnSync(process.execPath, [fileURLToPath(new URL('./npm-audit.mjs', import.meta.url)), dir + name], { encoding: 'utf8' })
  const high = run('high.json')
  assert.equal(high.status, 1)
  assert.match(high.stderr, /FAIL/)
  assert.equal(run('moderate.json').status, 0)
  const warn = run('endpoint-405.json')
  assert.equal(warn.status, 0)
  assert.match(warn.stdout, /WARNING/)
  assert.equal(run('no-lockfile.json').status, 1)
})
