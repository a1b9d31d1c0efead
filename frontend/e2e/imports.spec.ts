import { test, expect } from '@playwright/test'
import { login } from './helpers'

// GB 11643 check character, to make valid ID numbers for the file.
function idNumber(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first17 + '10X98765432'[sum % 11]
}

function envelope(code: string, id: string, incomeYear = 2016) {
  return JSON.stringify({
    campaign: { campaign_year: 2017, income_year: 2016, poverty_line: 2952, vehicle_value_limit: 30000, reference_date: '2017-06-30' },
    households: [
      {
        code,
        region: { street: '530103010', village: '530103010001', group: '' },
        hukou: 'agricultural', rural_resident: true, status: 'not_registered', dibao: false,
        income: { year: incomeYear, wage: 1200, operating: 300, property: 0, transfer: 100, operating_cost: 0 },
        housing: { grade: 'C', area_m2: 48 }, food_secure: true, clothing_secure: true,
        education_burden_heavy: false, employs_others_long_term: false,
        members: [{ id_number: id, name: '导入测试', relation: 'head', status: 'present', shares_income: true, health: 'chronic',
          schooling: 'none', dropout: null, medical_insured: true, fiscal_staff_since: null, village_cadre_since: null }],
      },
    ],
  })
}

test('the district downloads the template and imports a register file once, with a report', async ({ page }) => {
  await login(page, 'district')
  await page.getByTestId('menu-imports').click()
  await expect(page.getByTestId('import-page')).toBeVisible()

  const dl = page.waitForEvent('download')
  await page.getByTestId('import-template').click()
  expect((await dl).suggestedFilename()).toMatch(/\.xlsx$/)

  const code = `E2E-IMP-${Date.now() % 100000}`
  const id = idNumber('53010319580312' + String(100 + (Date.now() % 800)).padStart(3, '0'))
  const input = page.locator('input[type=file]')

  // A wrong income year: rejected, nothing imported, the problem located.
  await input.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(envelope(code, id, 2015)) })
  await expect(page.getByTestId('import-rejected')).toContainText('未导入任何数据')
  await expect(page.getByRole('cell', { name: 'income.year' })).toBeVisible()

  await input.setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(envelope(code, id)) })
  await expect(page.getByTestId('import-done')).toContainText('新增 1 户')

  // The same file again changes nothing.
  await input.setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(envelope(code, id)) })
  await expect(page.getByTestId('import-done')).toContainText('已有且未变 1 户')

  await page.getByTestId('menu-households').click()
  await page.getByPlaceholder('姓名或户编号').fill(code)
  await page.getByPlaceholder('姓名或户编号').press('Enter')
  await expect(page.getByText(code)).toBeVisible()
})
