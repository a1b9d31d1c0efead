import { test, expect, type Download, type Page } from '@playwright/test'
import { readFile } from 'node:fs/promises'
import writeXlsxFile from 'write-excel-file/node'
import { login } from './helpers'

// 统计分析, 检查考核 and 检查记录 against the real server and its demo data:
// the 2017 campaign (active) and 2016's; two inspections that find one
// household missed in 阿子营街道 (漏评率 3/40 = 7.5%, above 2%) and nothing
// elsewhere.

// The dashboard asks for many figures and draws six charts: on a busy
// machine that takes a while.
test.describe.configure({ timeout: 180_000 })
const slow = { timeout: 45_000 }

const charts = ['chart-outcomes', 'chart-corrections', 'chart-rates', 'chart-lists', 'chart-causes', 'chart-trends']

async function openDashboard(page: Page) {
  await page.getByTestId('menu-dashboard').click()
  await expect(page.getByTestId('dashboard-page')).toBeVisible()
  for (const c of charts) await expect(page.getByTestId(`${c}-chart`).locator('svg').first(), c).toBeVisible(slow)
}

async function expectXlsx(download: Promise<Download>) {
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/)
  const bytes = await readFile((await file.path())!)
  expect(bytes.subarray(0, 2).toString()).toBe('PK')
  return file
}

test('district: every chart renders, filters to a street, drills to a household and exports', async ({ page }) => {
  await login(page, 'district')
  await openDashboard(page)

  // The whole district: the streets on the outcomes chart's axis.
  const outcomes = page.getByTestId('chart-outcomes-chart')
  await expect(outcomes).toContainText('松华街道', slow)
  await expect(outcomes).toContainText('阿子营街道', slow)
  // The rates chart draws the threshold line.
  await expect(page.getByTestId('chart-rates-chart')).toContainText('阈值 2.0%', slow)
  // Both campaigns on the trends chart.
  await expect(page.getByTestId('chart-trends-chart')).toContainText('2016年动态管理', slow)
  await expect(page.getByTestId('chart-trends-chart')).toContainText('2017年动态管理', slow)

  // One street: every chart follows; the outcomes are counted per village.
  await page.getByTestId('dash-filter-street').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '阿子营街道' }).click()
  await expect(page).toHaveURL(/street=530103012/)
  await expect(outcomes).toContainText('鼠街村委会', slow)
  await expect(outcomes).not.toContainText('松华街道', slow)
  await expect(page.getByTestId('chart-corrections-chart')).toContainText('鼠街村委会', slow)

  // The corrections' numbers as a table; a number opens the households behind it.
  await page.getByTestId('chart-corrections-table-toggle').click()
  const table = page.getByTestId('chart-corrections-table')
  await expect(table).toBeVisible()
  const cell = table.locator('[data-test="drill-cell"][data-cell="include.households"]').first()
  const n = Number((await cell.innerText()).replace(/[^\d]/g, ''))
  expect(n).toBeGreaterThan(0)
  await cell.click()
  const dialog = page.getByTestId('drill-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('drill-total')).toContainText(String(n))
  const links = dialog.getByTestId('drill-household-link')
  await expect(links).toHaveCount(n)
  await expect(links.first()).toHaveText(/^530103012\d{3}-\d+$/)
  await expect(dialog.locator('.el-table__body tr').first()).toContainText('新识别纳入')
  const code = await links.first().innerText()
  await links.first().click()
  await expect(page).toHaveURL(/\/households\/\d+$/)
  await expect(page.getByTestId('household-code')).toHaveText(code)

  // Back on the dashboard (the address kept the street): the chart's numbers to Excel.
  await page.goBack()
  await expect(page.getByTestId('dashboard-page')).toBeVisible()
  await expect(page.getByTestId('chart-outcomes-chart')).toContainText('鼠街村委会', slow)
  const download = page.waitForEvent('download')
  await page.getByTestId('chart-outcomes-export').click()
  const file = await expectXlsx(download)
  expect(file.suggestedFilename()).toContain('识别测算结果')

  // The outcomes table opens the outcomes list of a village and outcome.
  await page.getByTestId('chart-outcomes-table-toggle').click()
  await page.getByTestId('chart-outcomes-table').locator('[data-test="drill-cell"]').first().click()
  await expect(dialog.getByTestId('drill-household-link').first()).toHaveText(/^530103012\d{3}-\d+$/)
  await dialog.getByTestId('drill-open-list').click()
  await expect(page).toHaveURL(/\/outcomes\?.*village=530103012\d{3}.*outcome=/)
  await expect(page.getByTestId('household-link').first()).toHaveText(/^530103012\d{3}-/)
})

test('a street account sees its own street only', async ({ page }) => {
  await login(page, 'street-530103012')
  await openDashboard(page)
  await expect(page.getByTestId('dash-street-fixed')).toHaveText('阿子营街道')
  await expect(page.getByTestId('dash-filter-street')).toHaveCount(0)
  // Its villages on the axes, no other street anywhere.
  await expect(page.getByTestId('chart-outcomes-chart')).toContainText('鼠街村委会', slow)
  await expect(page.getByTestId('chart-corrections-chart')).toContainText('鼠街村委会', slow)
  await expect(page.getByTestId('chart-rates-chart')).toContainText('马军村委会', slow)
  for (const c of charts) {
    const chart = page.getByTestId(`${c}-chart`)
    for (const other of ['松华街道', '滇源街道', '双龙街道']) await expect(chart).not.toContainText(other)
  }

  // The rates page: its street, flagged; no district controls.
  await page.getByTestId('menu-rates').click()
  await expect(page.getByTestId('standing-530103012')).toHaveText('通报批评')
  await expect(page.getByTestId('rates-table').locator('.el-table__body > tbody > tr.el-table__row')).toHaveCount(1)
  await expect(page.getByTestId('rates-threshold-edit')).toHaveCount(0)
  await expect(page.getByTestId('refer-530103012')).toHaveCount(0)
})

test('the rates page flags 阿子营街道 for criticism, commends the others and exports', async ({ page }) => {
  await login(page, 'district')
  await page.getByTestId('menu-rates').click()
  await expect(page.getByTestId('rates-page')).toBeVisible()
  await expect(page.getByTestId('rates-threshold')).toContainText('2.0%')

  const missed = page.getByTestId('rate-530103012-missed_rate')
  await expect(missed).toContainText('7.5%')
  await expect(missed).toContainText('3/40')
  await expect(missed).toHaveAttribute('data-above', '1')
  await expect(missed).toHaveClass(/above/)
  await expect(page.getByTestId('standing-530103012')).toHaveText('通报批评')
  await expect(page.getByTestId('standing-530103010')).toHaveText('通报表扬')
  await expect(page.getByTestId('standing-530103011')).toHaveText('通报表扬')
  await expect(page.getByTestId('rate-530103010-missed_rate')).toHaveAttribute('data-above', '0')
  // Its referrals to 区纪委 and 区委组织部; only a flagged street can be referred.
  await expect(page.getByTestId('referral-530103012')).toHaveCount(2)
  await expect(page.getByTestId('referral-530103012').first()).toContainText('区纪委')
  await expect(page.getByTestId('refer-530103012')).toBeVisible()
  await expect(page.getByTestId('refer-530103010')).toHaveCount(0)

  const download = page.waitForEvent('download')
  await page.getByTestId('rates-export').click()
  const file = await expectXlsx(download)
  expect(file.suggestedFilename()).toContain('检查考核')
})

test('the inspections page lists the demo inspections and explains a refused upload row by row', async ({ page }) => {
  await login(page, 'district')
  await page.getByTestId('menu-inspections').click()
  await expect(page.getByTestId('inspections-page')).toBeVisible()
  await expect(page.locator('.el-table__body tr.el-table__row')).toHaveCount(2)
  await expect(page.locator('.el-table__body')).toContainText('国家')

  const download = page.waitForEvent('download')
  await page.getByTestId('insp-template').click()
  await expectXlsx(download)

  // A sheet naming a household that does not exist: nothing is recorded, the problem is shown.
  const header = ['检查单位*', '检查类型*', '开始日期*', '结束日期*', '检查说明', '户编号*', '抽查时状态', '人数', '检查结论*', '备注'].map((value) => ({ value }))
  const row = ['国家', '检查考核', '2017-11-06', '2017-11-15', '端到端测试', '530103012004-9999999', null, null, '漏评', null].map((v) => (v ? { value: v } : null))
  const buffer = await writeXlsxFile([header, row], { sheet: '抽查户' }).toBuffer()
  await page.getByTestId('insp-upload-input').setInputFiles({ name: 'bad.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer })
  const problems = page.getByTestId('insp-problems')
  await expect(problems).toContainText('未导入')
  const cells = problems.locator('.el-table__body tr').first().locator('td')
  await expect(cells.nth(1)).toHaveText('2')
  await expect(cells.nth(2)).toHaveText('户编号')
  await expect(cells.nth(3)).toHaveText('530103012004-9999999')
  await expect(cells.nth(4)).toContainText('没有这个户编号')
  await expect(page.locator('[data-test="inspections-page"] > .data-table .el-table__body tr.el-table__row')).toHaveCount(2)
})

test('the district records an inspection with the form and deletes it with a reason', async ({ page }) => {
  await login(page, 'district')
  await page.getByTestId('menu-inspections').click()
  const rows = page.locator('[data-test="inspections-page"] > .data-table .el-table__body tr.el-table__row')
  await expect(rows).toHaveCount(2)

  await page.getByTestId('insp-new').click()
  const dialog = page.getByTestId('insp-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('insp-note').fill('端到端测试：区级督查')
  await page.getByTestId('insp-code-0').fill('530103010001-0000005')
  await page.getByTestId('insp-add-row').click()
  await page.getByTestId('insp-code-1').fill('530103010001-0000048')
  await page.getByTestId('insp-save').click()
  await expect(dialog).toBeHidden()
  await expect(rows).toHaveCount(3)
  const mine = rows.filter({ hasText: '端到端测试' })
  await expect(mine).toContainText('2')

  // Deleting asks for the reason first.
  await mine.locator('[data-test^="insp-delete-"]').click()
  const confirm = page.getByTestId('insp-delete-confirm')
  await expect(confirm).toBeDisabled()
  await page.getByTestId('insp-delete-reason').fill('测试数据，删除')
  await confirm.click()
  await expect(rows).toHaveCount(2)
})

test('the what-if shows how a higher line would change the outcomes, storing nothing', async ({ page }) => {
  await login(page, 'district')
  await page.getByTestId('menu-what-if').click()
  await expect(page.getByTestId('whatif-nothing-stored')).toContainText('不保存')
  await expect(page.getByTestId('whatif-line')).toHaveValue('2952.00')
  await page.getByTestId('whatif-line').fill('3300')
  await page.getByTestId('whatif-run').click()
  await expect(page.getByTestId('whatif-summary')).toContainText('3,300.00', slow)
  await expect(page.getByTestId('whatif-changed')).toHaveText(/户中有 [1-9][\d,]* 户的结果会变化/)
  await expect(page.getByTestId('whatif-streets').locator('.el-table__body tr')).toHaveCount(4)
  const link = page.getByTestId('whatif-household-link').first()
  await expect(link).toHaveText(/^530103\d{6}-\d+$/)
  const code = await link.innerText()
  await link.click()
  await expect(page.getByTestId('household-code')).toHaveText(code)
  // Nothing was stored: the campaign's line is still 2952.
  await page.getByTestId('menu-outcomes').click()
  await expect(page.getByTestId('param-line')).toContainText('2,952.00')
})
