import { test, expect } from '@playwright/test'
import { login, logout } from './helpers'

test('admin creates a village officer who must change the password; the auditor sees it and exports', async ({ page }) => {
  const username = `e2e-officer-${Date.now() % 100000}`
  await login(page, 'admin')
  await page.getByTestId('menu-users').click()
  await expect(page.getByTestId('users-page')).toBeVisible()
  await page.getByTestId('user-create').click()
  const dialog = page.getByRole('dialog')
  await dialog.locator('input[name="new-username"]').fill(username)
  await dialog.locator('input[name="display_name"]').fill('测试信息员')
  // village_officer is the default role; pick the first village offered.
  await dialog.getByTestId('user-villages').click()
  await page.locator('.el-select-dropdown__item:visible').first().click()
  await page.keyboard.press('Escape')
  await dialog.locator('input[name="new-password"]').fill('Temp#Pass2017')
  await dialog.getByTestId('user-save').click()
  await expect(page.getByText('已保存')).toBeVisible()
  await logout(page)

  // The new user is sent to the password page and nowhere else.
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill('Temp#Pass2017')
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(/\/password/)
  await page.goto('/households')
  await expect(page).toHaveURL(/\/password/)
  await page.locator('input[name="old"]').fill('Temp#Pass2017')
  await page.locator('input[name="new1"]').fill('New#Pass2017x')
  await page.locator('input[name="new2"]').fill('New#Pass2017x')
  await page.getByRole('button', { name: '保存' }).click()
  // The change ends every session: back to sign-in, told why; the new password works.
  await expect(page.getByTestId('login-info')).toContainText('密码已修改')
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill('New#Pass2017x')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('home')).toBeVisible()
  await logout(page)

  await login(page, 'auditor')
  await page.getByTestId('menu-audit').click()
  await page.locator('input[placeholder="用户"]').fill('admin')
  await page.getByTestId('audit-search').click()
  await expect(page.getByText('user.create').first()).toBeVisible()
  const download = page.waitForEvent('download')
  await page.getByTestId('audit-export').click()
  expect((await download).suggestedFilename()).toMatch(/\.xlsx$/)
  const local = page.waitForEvent('download')
  await page.getByTestId('export-visible').click()
  expect((await local).suggestedFilename()).toMatch(/^审计日志-\d{4}-\d{2}-\d{2}\.xlsx$/)
})

test('every table exports what it shows', async ({ page }) => {
  await login(page, 'district')
  await page.getByTestId('menu-regions').click()
  const dl = page.waitForEvent('download')
  await page.getByTestId('export-visible').last().click()
  const file = await dl
  expect(file.suggestedFilename()).toMatch(/^区划与核查组-.*\.xlsx$/)
  const path = await file.path()
  expect(path).toBeTruthy()
})
