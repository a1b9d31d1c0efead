import { test, expect, type APIRequestContext } from '@playwright/test'
import { readFile } from 'node:fs/promises'
import { login, logout, password } from './helpers'

// 行业数据比对 end to end: the police liaison uploads a vehicle register in
// which a member of a registered household owns a 45,000-yuan vehicle the
// survey did not record; the check team of the household's street finds the
// discrepancy (EX-03), takes the department's value, and the household's
// computed outcome changes from 保留 to 错评剔除.

async function auth(request: APIRequestContext, username: string): Promise<Record<string, string>> {
  const res = await request.post('/api/v1/auth/login', { data: { username, password } })
  expect(res.ok(), `login ${username}`).toBe(true)
  return { Authorization: `Bearer ${(await res.json()).access_token}` }
}

async function getJSON<T>(request: APIRequestContext, path: string, headers: Record<string, string>): Promise<T> {
  const res = await request.get(`/api/v1${path}`, { headers })
  expect(res.ok(), `${path}: ${res.status()}`).toBe(true)
  return (await res.json()) as T
}

interface Column {
  key: string
  header: string
}

/** A CSV cell, quoted when it must be. */
const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** The day after `d` (YYYY-MM-DD), not later than today in Shanghai. */
function dayAfter(d: string): string {
  const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())
  return next < today ? next : today
}

test('a vehicle on the police register reaches the check team, who takes it, and the household’s outcome changes', async ({ page, request }) => {
  // ---- set-up through the API, as the district: a registered household kept by the rules ----
  const district = await auth(request, 'district')
  const outcomes = await getJSON<{ items: { household_id: number; code: string; street_code: string }[] }>(
    request,
    '/campaigns/1/outcomes?outcome=keep&page_size=50',
    district,
  )
  expect(outcomes.items.length, 'the demo register has households kept (保留)').toBeGreaterThan(0)
  let chosen: { id: number; code: string; street: string; member: { id_number: string; name: string }; registeredOn: string } | null = null
  for (const o of outcomes.items) {
    const h = await getJSON<{ status: string; registered_on: string | null; vehicles: unknown[]; members: { id_number: string; name: string; status: string }[] }>(
      request,
      `/households/${o.household_id}`,
      district,
    )
    const m = h.members.find((x) => x.status === 'present')
    if (h.status === 'registered' && h.registered_on && m) {
      chosen = { id: o.household_id, code: o.code, street: o.street_code, member: m, registeredOn: h.registered_on }
      break
    }
  }
  expect(chosen, 'a registered household with a present member').not.toBeNull()
  const hh = chosen!
  const regions = await getJSON<{ teams: { code: string; streets: string[] }[] }>(request, '/regions', district)
  const team = regions.teams.find((t) => t.streets.includes(hh.street))
  expect(team, `the check team of street ${hh.street}`).toBeDefined()

  // The police vehicle register's columns, as the server declares them.
  const police = await auth(request, 'dept-police')
  const datasets = await getJSON<{ items: { code: string; columns: Column[] }[] }>(request, '/departments/police/datasets', police)
  const vehicles = datasets.items.find((d) => d.code === 'vehicles')!
  expect(vehicles, 'the police have a vehicles dataset').toBeDefined()
  const plate = `云A${String(10000 + (Date.now() % 89999))}`
  const values: Record<string, string> = {
    id_number: hh.member.id_number,
    name: hh.member.name,
    plate,
    vehicle_type: '小型轿车',
    value: '45000.00',
    acquired_on: dayAfter(hh.registeredOn),
    exit_measure: '否',
  }
  const csv = [vehicles.columns.map((c) => cell(c.header)).join(','), vehicles.columns.map((c) => cell(values[c.key] ?? '')).join(',')].join('\n') + '\n'

  // ---- the police liaison: template, a dry run, then the import ----
  await login(page, 'dept-police')
  await page.getByTestId('menu-department-imports').click()
  await expect(page.getByTestId('dept-import-page')).toBeVisible()
  await page.getByTestId('import-dataset').click()
  await page.getByTestId('dataset-vehicles').click()
  await expect(page.getByTestId('import-dataset')).toContainText('EX-03')

  const dl = page.waitForEvent('download')
  await page.getByTestId('import-template').click()
  const template = await dl
  expect(template.suggestedFilename()).toMatch(/\.xlsx$/)
  expect((await readFile((await template.path())!)).subarray(0, 2).toString()).toBe('PK')

  const input = page.locator('input[type=file]')
  await page.getByTestId('import-dry-run').click()
  await input.setInputFiles({ name: 'vehicles.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  const result = page.getByTestId('import-result')
  await expect(result).toHaveAttribute('data-status', 'validated', { timeout: 60_000 })
  await expect(page.getByTestId('import-counts')).toContainText('共 1 行')

  await page.getByTestId('import-dry-run').click()
  await input.setInputFiles({ name: 'vehicles.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await expect(result).toHaveAttribute('data-status', 'imported', { timeout: 60_000 })
  await expect(page.getByTestId('import-counts')).toContainText('比对差异 1 条')
  // The history lists both uploads.
  await expect(page.locator('.el-table__body').last()).toContainText('vehicles.csv')
  await logout(page)

  // ---- the check team of the household's street ----
  await login(page, `team-${team!.code}`)
  await page.getByTestId('menu-discrepancies').click()
  await expect(page.getByTestId('discrepancies-page')).toBeVisible()
  const row = page.locator('.el-table__body tr', { hasText: hh.code }).filter({ hasText: 'EX-03' })
  await expect(row).toHaveCount(1, { timeout: 30_000 })
  await row.getByRole('button', { name: '处理' }).click()
  const dialog = page.getByTestId('discrepancy-dialog')
  await expect(dialog.getByTestId('d-rule')).toHaveText('EX-03')
  await expect(dialog.getByTestId('d-rule-name')).toHaveText('拥有3万元以上机动车')
  await expect(dialog.getByTestId('d-department')).toContainText('45000')
  await expect(dialog.getByTestId('d-department')).toContainText(plate)
  await dialog.getByTestId('d-accept').click()
  await expect(dialog.getByTestId('d-status')).toHaveText('已采纳部门数据')
  await expect(dialog.getByTestId('d-outcome-tag')).toHaveText('错评剔除', { timeout: 30_000 })

  // The household's 识别测算 tab says the same.
  await dialog.getByTestId('d-outcome-link').click()
  await expect(page).toHaveURL(new RegExp(`/households/${hh.id}\\?tab=outcome`))
  await expect(page.getByTestId('outcome-panel').getByTestId('outcome-tag')).toHaveText('错评剔除')
  await expect(page.getByTestId('outcome-panel')).toContainText('EX-03')
})

test('a bad register is refused whole with every problem and a report; the liaison confirms a field in its inbox', async ({ page }) => {
  await login(page, 'dept-police')
  await page.getByTestId('menu-department-imports').click()
  await page.getByTestId('import-dataset').click()
  await page.getByTestId('dataset-vehicles').click()

  // Three kinds of error in one row: the ID's check character, the amount, the date.
  const bad = '身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期\n530103198001010020,张三,云A99999,小型轿车,四万五,2017-13-01\n'
  await page.locator('input[type=file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
  await expect(page.getByTestId('import-result')).toHaveAttribute('data-status', 'refused', { timeout: 60_000 })
  await expect(page.getByTestId('import-refused')).toContainText('共 3 处问题')
  const problems = page.getByTestId('import-result').locator('.el-table__body tr')
  await expect(problems).toHaveCount(3)
  await expect(problems.filter({ hasText: '身份证号' })).toHaveCount(1)
  await expect(problems.filter({ hasText: '购置价格' })).toHaveCount(1)
  await expect(problems.filter({ hasText: '购置日期' })).toHaveCount(1)
  const dl = page.waitForEvent('download')
  await page.getByTestId('import-report').click()
  const report = await dl
  expect(report.suggestedFilename()).toMatch(/\.xlsx$/)
  expect((await readFile((await report.path())!)).subarray(0, 2).toString()).toBe('PK')

  // The inbox: one pending field confirmed moves from 待核实 to 已确认.
  await page.getByTestId('menu-department-tasks').click()
  await expect(page.getByTestId('tasks-page')).toBeVisible()
  const count = async (s: string) => Number((await page.getByTestId(`count-${s}`).innerText()).replace(/[^\d]/g, ''))
  // The inbox reads the whole register's fields of the department: give a busy server time.
  await expect(page.getByTestId('entry-confirm').first()).toBeVisible({ timeout: 30_000 })
  const pending = await count('pending')
  const confirmed = await count('confirmed')
  expect(pending).toBeGreaterThan(0)
  await page.getByTestId('entry-confirm').first().click()
  await expect(page.getByText('已确认 1 项')).toBeVisible()
  await expect.poll(() => count('confirmed')).toBe(confirmed + 1)
  expect(await count('pending')).toBe(pending - 1)
})
