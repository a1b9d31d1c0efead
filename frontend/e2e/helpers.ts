import { expect, type Page } from '@playwright/test'

export const password = process.env.JZ_DEMO_PASSWORD ?? 'Jingzhun@2017'

export async function login(page: Page, username: string) {
  // A sign-out a moment before may still be navigating to /login, which
  // aborts this navigation: let it land and go again.
  for (let attempt = 0; ; attempt++) {
    try {
      await page.goto('/login')
      break
    } catch (e) {
      if (attempt >= 2 || !String(e).includes('ERR_ABORTED')) throw e
      await page.waitForLoadState('load')
    }
  }
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('home')).toBeVisible()
}

export async function logout(page: Page) {
  await page.getByTestId('user-menu').click()
  await page.getByTestId('logout').click()
  await expect(page).toHaveURL(/\/login/)
}

export async function menuLabels(page: Page): Promise<string[]> {
  const items = page.getByTestId('main-menu').locator('li.el-menu-item')
  return (await items.allInnerTexts()).map((s) => s.trim())
}
