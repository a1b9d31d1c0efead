import { test, expect } from '@playwright/test'
import { createHmac } from 'node:crypto'
import { login, logout, password } from './helpers'

function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of s.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

// RFC 6238, as the authenticator app computes it; offset in 30-second steps.
function totp(secret: string, offset = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + offset
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', base32(secret)).update(msg).digest()
  const o = mac[mac.length - 1] & 0x0f
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

test('an officer links an authenticator; sign-in then takes the code, once', async ({ page }) => {
  await login(page, 'officer-530103010001')
  await page.getByTestId('user-menu').click()
  await page.getByTestId('menu-security').click()
  await expect(page.getByTestId('mfa-status')).toHaveText('未启用')
  await page.getByTestId('mfa-start').click()
  await expect(page.locator('img[alt=QR]')).toBeVisible()
  const secret = (await page.getByTestId('mfa-secret').innerText()).trim()
  await page.locator('input[name="mfa-code"]').fill('000000')
  await page.getByTestId('mfa-confirm').click()
  await expect(page.getByTestId('mfa-error')).toContainText('验证码不正确')
  await page.locator('input[name="mfa-code"]').fill(totp(secret))
  await page.getByTestId('mfa-confirm').click()
  await expect(page.getByTestId('mfa-status')).toHaveText('已启用')
  await logout(page)

  await page.locator('input[name="username"]').fill('officer-530103010001')
  await page.locator('input[name="password"]').fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('mfa-step')).toBeVisible()
  // A wrong code is refused (replay of a spent code: see the Go tests).
  await page.locator('input[name="code"]').fill('000000')
  await page.getByTestId('mfa-submit').click()
  await expect(page.getByTestId('login-error')).toBeVisible()
  await page.locator('input[name="code"]').fill(totp(secret, 1))
  await page.getByTestId('mfa-submit').click()
  await expect(page.getByTestId('home')).toBeVisible()
})
