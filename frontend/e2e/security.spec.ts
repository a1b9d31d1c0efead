import { expect, test } from '@playwright/test'
import { login } from './helpers'

// Issue 9 in the browser: the administrator gives a third party client
// credentials (the secret shown once), the client signs in with them and
// searches the register, and a revocation ends it at once; the auditor checks
// that the audit log is unbroken. Every answer carries the security headers.

test('an API client is created, used with its secret, and revoked', async ({ page, request }) => {
  await login(page, 'admin')
  await page.goto('/admin/api-clients')
  await page.getByTestId('api-client-create').click()
  const name = '省大数据平台 ' + Date.now()
  await page.locator('input[name="client-name"]').fill(name)
  await page.locator('input[name="client-organisation"]').fill('云南省大数据中心')
  await page.getByTestId('api-client-save').click()

  const shown = page.getByTestId('api-client-secret')
  await expect(shown).toBeVisible()
  await expect(shown).toContainText('密钥只显示这一次')
  const secret = await shown.locator('input[readonly]').inputValue()
  const clientId = (await shown.locator('code').first().innerText()).trim()
  expect(secret.length).toBeGreaterThan(20)
  await page.getByTestId('api-client-secret-close').click()
  await expect(page.getByText(name)).toBeVisible()

  // The client's side: a token by client credentials, a register search.
  const basic = 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64')
  const token = await request.post('/api/v1/oauth/token', {
    headers: { Authorization: basic },
    form: { grant_type: 'client_credentials' },
  })
  expect(token.status()).toBe(200)
  const { access_token } = await token.json()
  const search = await request.post('/api/v1/integrations/households/search', {
    headers: { Authorization: `Bearer ${access_token}` },
    data: { id_number: '11010519491231002X' },
  })
  expect(search.status()).toBe(200)
  expect(await search.json()).toMatchObject({ in_register: false })
  // A client token opens no user route.
  expect((await request.get('/api/v1/households', { headers: { Authorization: `Bearer ${access_token}` } })).status()).toBe(401)

  // Revoked in the browser: the token dies on its next call.
  const row = page.locator('tr', { hasText: name })
  await row.getByTestId('api-client-revoke').click()
  await page.locator('.el-message-box input').fill('合作协议到期')
  await page.locator('.el-message-box').getByRole('button', { name: '吊销' }).click()
  await expect(row.locator('.el-tag', { hasText: '已吊销' })).toBeVisible()
  const after = await request.post('/api/v1/integrations/households/search', {
    headers: { Authorization: `Bearer ${access_token}` },
    data: { id_number: '11010519491231002X' },
  })
  expect(after.status()).toBe(401)
})

test('the auditor checks the audit log is unbroken', async ({ page }) => {
  await login(page, 'auditor')
  await page.goto('/audit')
  await page.getByTestId('audit-verify').click()
  await expect(page.getByTestId('audit-verify-result')).toContainText('审计日志完整')
})

test('pages and API answers carry the security headers', async ({ request }) => {
  const spa = await request.get('/login')
  const csp = spa.headers()['content-security-policy'] ?? ''
  expect(csp).toContain("object-src 'none'")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(spa.headers()['x-content-type-options']).toBe('nosniff')
  const api = await request.get('/api/v1/me')
  expect(api.status()).toBe(401)
  expect(api.headers()['cache-control']).toContain('no-store')
  expect(api.headers()['access-control-allow-origin']).toBeUndefined()
})
