import { test, expect } from '@playwright/test'
import { login, logout, menuLabels, password } from './helpers'

// Every demo account of api-contract.md sees its own role's menu and nothing more.
const accounts: { username: string; role: string; menu: string[] }[] = [
  { username: 'admin', role: '系统管理员', menu: ['工作台', '区划与核查组', '账号管理', '接口客户端'] },
  { username: 'security', role: '安全管理员', menu: ['工作台'] },
  { username: 'auditor', role: '审计员', menu: ['工作台', '审计日志'] },
  { username: 'district', role: '区级', menu: ['工作台', '户表', '录入质量', '识别测算', '测算参数', '村级名单', '统计分析', '本次纠正', '检查考核', '检查记录', '政策模拟', '户表导入', '部门核实任务', '行业数据比对导入', '比对差异', '村表', '信息员名录', '核查组', '区划与核查组'] },
  { username: 'supervisor', role: '督查（只读）', menu: ['工作台', '户表', '录入质量', '识别测算', '测算参数', '村级名单', '统计分析', '本次纠正', '检查考核', '检查记录', '政策模拟', '比对差异', '村表', '信息员名录', '核查组', '区划与核查组'] },
  { username: 'street-530103012', role: '街道', menu: ['工作台', '户表', '录入质量', '识别测算', '测算参数', '村级名单', '统计分析', '本次纠正', '检查考核', '检查记录', '政策模拟', '比对差异', '村表', '信息员名录', '核查组', '区划与核查组'] },
  { username: 'team-A', role: '核查组', menu: ['工作台', '户表', '录入质量', '识别测算', '测算参数', '村级名单', '统计分析', '本次纠正', '检查考核', '检查记录', '政策模拟', '比对差异', '村表', '信息员名录', '核查组', '区划与核查组'] },
  { username: 'dept-police', role: '部门', menu: ['工作台', '部门核实任务', '行业数据比对导入', '村表', '区划与核查组'] },
  { username: 'officer-530103012004', role: '村信息员', menu: ['工作台', '户表', '录入质量', '识别测算', '测算参数', '村级名单', '村表', '信息员名录', '区划与核查组'] },
]

for (const a of accounts) {
  test(`${a.username} sees the ${a.role} menu and can sign out`, async ({ page }) => {
    await login(page, a.username)
    await expect(page.getByTestId('user-role')).toHaveText(a.role)
    expect(await menuLabels(page)).toEqual(a.menu)
    await logout(page)
    // Nothing of the session is left: a protected page goes back to login.
    const stored = await page.evaluate(() => ({ local: Object.keys(localStorage), session: sessionStorage.length }))
    expect(stored.local).toEqual([])
    expect(stored.session).toBe(0)
    await page.goto('/')
    await expect(page).toHaveURL(/\/login/)
  })
}

test('a wrong password is refused with one message for every reason', async ({ page }) => {
  await page.goto('/login')
  await expect(page.getByRole('heading', { name: '用户登录' })).toBeVisible()
  await page.locator('input[name="username"]').fill('district')
  await page.locator('input[name="password"]').fill('wrong-password')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误')
  await page.locator('input[name="username"]').fill('nobody-here')
  await page.locator('input[name="password"]').fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误')
})

test('pages outside the role are 403 in the SPA, unknown pages 404', async ({ page }) => {
  await login(page, 'officer-530103012004')
  await page.goto('/admin/users')
  await expect(page.getByTestId('forbidden')).toBeVisible()
  await page.goto('/audit')
  await expect(page.getByTestId('forbidden')).toBeVisible()
  await page.goto('/no/such/page')
  await expect(page.getByTestId('not-found')).toBeVisible()
})

test('a protected link before sign-in returns there after it', async ({ page }) => {
  await page.goto('/regions')
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)regions/)
  await page.locator('input[name="username"]').fill('district')
  await page.locator('input[name="password"]').fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('regions-page')).toBeVisible()
})

test('the session survives token expiry and a reload (silent refresh)', async ({ page }) => {
  await login(page, 'district')
  const refreshes: number[] = []
  page.on('response', (r) => {
    if (r.url().endsWith('/api/v1/auth/refresh')) refreshes.push(r.status())
  })
  // Access tokens live 6 s in this suite; wait past two lifetimes.
  await page.waitForTimeout(13_000)
  await page.getByTestId('menu-regions').click()
  await expect(page.getByTestId('regions-page')).toBeVisible()
  await expect(page.getByText('阿子营街道').first()).toBeVisible()
  await page.reload()
  await expect(page.getByTestId('regions-page')).toBeVisible()
  expect(refreshes.length).toBeGreaterThanOrEqual(2)
  expect(refreshes.every((s) => s === 200)).toBe(true)
})

test('English switch translates the shell and survives a reload; sign-out forgets it', async ({ page }) => {
  await page.goto('/login')
  await page.getByText('English').click()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await login(page, 'auditor')
  expect(await menuLabels(page)).toEqual(['Home', 'Audit log'])
  await page.reload()
  await expect(page.getByTestId('user-role')).toHaveText('Auditor')
  await page.getByTestId('lang-switch').click()
  expect(await menuLabels(page)).toEqual(['工作台', '审计日志'])
  await page.getByTestId('lang-switch').click()
  await logout(page)
  // Sign-out clears every stored state, the language choice included.
  await expect(page.getByRole('heading', { name: '用户登录' })).toBeVisible()
})

test('on a tablet the menu folds to icons and pages still work', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true })
  const page = await ctx.newPage()
  await login(page, 'district')
  await expect(page.locator('.el-menu--collapse')).toBeVisible()
  await page.getByTestId('menu-households').click()
  await expect(page.getByTestId('households-page')).toBeVisible()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await ctx.close()
})
