import { test, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import { login, password } from './helpers'
import { checkChar } from '../src/utils/idcard'

// The household register end to end, against the real binary on a fresh
// demo database (which may hold no household yet: each test makes its own).

const officer = 'officer-530103012004'
const village = '530103012004'

// Valid ID numbers (GB 11643), different in every test and every run, and
// checked against the register (the demo data has synthetic people too).
let seq = Math.floor(Math.random() * 400)
function candidate(gender: 'male' | 'female'): string {
  seq = (seq + 1) % 500
  const order = String(seq * 2 + (gender === 'male' ? 1 : 0)).padStart(3, '0')
  const first17 = `530103${1950 + (seq % 50)}0${1 + (seq % 9)}1${seq % 10}${order}`
  return first17 + checkChar(first17)
}
let districtToken = ''
async function idNumber(request: APIRequestContext, gender: 'male' | 'female' = 'male'): Promise<string> {
  if (!districtToken) districtToken = await token(request, 'district')
  for (;;) {
    const id = candidate(gender)
    const res = await request.get('/api/v1/households', { params: { id_number: id }, headers: { Authorization: `Bearer ${districtToken}` } })
    if (res.status() === 401) {
      districtToken = await token(request, 'district')
      continue
    }
    expect(res.ok()).toBeTruthy()
    if ((await res.json()).total === 0) return id
  }
}
const code = (tag: string) => `${village}-${tag}${String(Date.now()).slice(-5)}${seq}`

async function token(request: APIRequestContext, username: string): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { username, password } })
  expect(res.ok()).toBeTruthy()
  return (await res.json()).access_token as string
}

/** Records a household through the API (for tests whose subject is not the form). */
async function createHousehold(request: APIRequestContext, head: string, extra: Record<string, unknown> = {}, spouse = '测试配偶') {
  const auth = { Authorization: `Bearer ${await token(request, officer)}` }
  const member = (name: string, id: string, relation: string) => ({ name, id_number: id, relation, status: 'present', shares_income: true })
  const res = await request.post('/api/v1/households', {
    headers: auth,
    data: {
      code: code('A'),
      village_code: village,
      status: 'not_registered',
      hukou: 'agricultural',
      rural_resident: true,
      income_year: new Date().getFullYear() - 1,
      income_wage: '5700.50',
      members: [member(head, await idNumber(request, 'male'), 'head'), member(spouse, await idNumber(request, 'female'), 'spouse')],
      version: 0,
      ...extra,
    },
  })
  expect(res.status(), await res.text()).toBe(201)
  return (await res.json()) as { id: number; code: string; version: number }
}

/** Picks an option of an Element Plus select. */
async function choose(page: Page, select: Locator, option: string) {
  await select.click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

test('a village officer records a household with two members, finds it in the list and edits it', async ({ page, request }) => {
  const hhCode = code('N')
  const head = await idNumber(request, 'male')
  const spouse = await idNumber(request, 'female')
  await login(page, officer)
  await page.getByTestId('menu-households').click()
  await page.getByTestId('household-create').click()
  const form = page.getByTestId('household-form')
  await expect(form).toBeVisible()

  // The officer's one village is chosen, and the code starts with it.
  await expect(page.locator('input[name="f-code"]')).toHaveValue(`${village}-`)
  await page.locator('input[name="f-code"]').fill(hhCode)
  await choose(page, page.getByTestId('f-hukou'), '农业户口')
  await page.locator('input[name="f-address"]').fill('鼠街村委会大村8号')
  await page.locator('input[name="f-income_wage"]').fill('5,700.5')

  // Head of household: a wrong check digit is pointed out before saving.
  await page.locator('input[name="f-members-0-name"]').fill('张建国')
  const wrong = head.slice(0, 17) + (head[17] === '0' ? '1' : '0')
  await page.locator('input[name="f-members-0-id_number"]').fill(wrong)
  await expect(page.getByTestId('member-0')).toContainText('身份证号码校验码不正确')
  await page.locator('input[name="f-members-0-id_number"]').fill(head.toLowerCase())
  await expect(page.getByTestId('member-0')).not.toContainText('身份证号码校验码不正确')
  // gender and birth date are read from the number
  await expect(page.getByTestId('f-members-0-gender')).toHaveValue('男')
  await expect(page.getByTestId('f-members-0-birth_date')).toHaveValue(`${head.slice(6, 10)}-${head.slice(10, 12)}-${head.slice(12, 14)}`)

  await page.getByTestId('add-member').click()
  await page.locator('input[name="f-members-1-name"]').fill('李秀兰')
  await page.locator('input[name="f-members-1-id_number"]').fill(spouse)
  await choose(page, page.getByTestId('member-1').getByTestId('f-members-1-relation'), '配偶')
  await expect(page.getByTestId('f-members-1-gender')).toHaveValue('女')

  await page.getByTestId('household-save').click()
  await expect(page.getByTestId('household-detail')).toBeVisible()
  await expect(page.getByTestId('household-code')).toHaveText(hhCode)
  await expect(page.getByTestId('household-head')).toHaveText('张建国')
  await expect(page.getByTestId('household-version')).toHaveText('第 1 版')
  await page.getByRole('tab', { name: /收入情况/ }).click()
  await expect(page.getByTestId('income-income_wage')).toHaveText('5,700.50')
  await expect(page.getByTestId('income-net_income')).toHaveText('无法计算（有收入项目未填写）')

  // In the list, and opened from it.
  await page.getByTestId('menu-households').click()
  await page.locator('input[placeholder="姓名或户编号"]').fill(hhCode)
  await page.getByRole('button', { name: '查询' }).click()
  const row = page.locator('.el-table__row', { hasText: hhCode })
  await expect(row).toContainText('张建国')
  await expect(row).toContainText('530103********' + head.slice(-4))
  await row.getByTestId('household-link').click()
  await expect(page.getByTestId('household-code')).toHaveText(hhCode)

  // Edit one field and save.
  await page.getByTestId('household-edit').click()
  await expect(page.locator('input[name="f-address"]')).toHaveValue('鼠街村委会大村8号')
  await page.locator('input[name="f-address"]').fill('鼠街村委会大村18号')
  await page.getByTestId('household-save').click()
  await expect(page.getByTestId('household-version')).toHaveText('第 2 版')
  await expect(page.getByTestId('v-address')).toHaveText('鼠街村委会大村18号')
  await page.getByRole('tab', { name: /变更历史/ }).click()
  const change = page.locator('.el-table__row', { hasText: '家庭住址' }).filter({ hasText: '修改' })
  await expect(change).toContainText('鼠街村委会大村8号')
  await expect(change).toContainText('鼠街村委会大村18号')
  // The computed outcome is on the household, computed from what was saved
  // (不纳入 for this one), with the rules that decided it.
  await page.getByRole('tab', { name: '识别测算' }).click()
  await expect(page.getByTestId('outcome-tag')).toContainText('不纳入')
  await expect(page.getByTestId('outcome-rule').first()).toBeVisible()
})

test('a stale edit is refused in words a clerk understands, and what was typed stays on screen', async ({ browser, request }) => {
  const h = await createHousehold(request, '王正华')
  const first = await browser.newContext()
  const second = await browser.newContext()
  const p1 = await first.newPage()
  const p2 = await second.newPage()
  for (const p of [p1, p2]) {
    await login(p, officer)
    await p.goto(`/households/${h.id}/edit`)
    await expect(p.locator('input[name="f-address"]')).toBeVisible()
  }
  await p1.locator('input[name="f-phone"]').fill('13800001111')
  await p1.getByTestId('household-save').click()
  await expect(p1.getByTestId('household-version')).toHaveText(`第 ${h.version + 1} 版`)

  await p2.locator('input[name="f-address"]').fill('第二人填写的地址')
  await p2.getByTestId('household-save').click()
  await expect(p2.getByTestId('form-conflict')).toContainText(
    `此户已被他人修改（版本 ${h.version}→${h.version + 1}），您的修改未保存。请刷新查看最新内容后重新修改。`,
  )
  await expect(p2.locator('input[name="f-address"]')).toHaveValue('第二人填写的地址')

  // Reloading shows the latest and keeps the clerk's edit to apply again.
  await p2.getByTestId('conflict-reload').click()
  await expect(p2.locator('input[name="f-phone"]')).toHaveValue('13800001111')
  const changes = p2.getByTestId('unsaved-changes')
  await expect(changes).toContainText('家庭住址')
  await expect(changes).toContainText('第二人填写的地址')
  await changes.getByRole('button', { name: '采用', exact: true }).click()
  await expect(p2.locator('input[name="f-address"]')).toHaveValue('第二人填写的地址')
  await p2.getByTestId('household-save').click()
  await expect(p2.getByTestId('household-version')).toHaveText(`第 ${h.version + 2} 版`)
  await expect(p2.getByTestId('v-address')).toHaveText('第二人填写的地址')
  await expect(p2.getByTestId('v-phone')).toHaveText('13800001111')
  await first.close()
  await second.close()
})

test('a person already in another household is refused with the server’s words, nothing typed is lost', async ({ page, request }) => {
  const other = await createHousehold(request, '赵占先')
  const auth = { Authorization: `Bearer ${await token(request, officer)}` }
  const taken = (await (await request.get(`/api/v1/households/${other.id}`, { headers: auth })).json()).members[0].id_number as string
  await login(page, officer)
  await page.goto('/households/new')
  await page.locator('input[name="f-code"]').fill(code('C'))
  await choose(page, page.getByTestId('f-hukou'), '农业户口')
  await page.locator('input[name="f-members-0-name"]').fill('赵占先')
  await page.locator('input[name="f-members-0-id_number"]').fill(taken)
  await page.getByTestId('household-save').click()
  await expect(page.getByTestId('form-problems')).toContainText(`已是户 ${other.code} 的成员`)
  await expect(page.getByTestId('member-0')).toContainText(`已在户 ${other.code}`)
  await expect(page.locator('input[name="f-members-0-name"]')).toHaveValue('赵占先')
})

test('the officer sees only their village; the district sees every street', async ({ page, request }) => {
  await createHousehold(request, '钱学文')
  await login(page, officer)
  await page.goto('/households')
  await expect(page.locator('.el-table__row').first()).toBeVisible()
  await expect(page.getByTestId('filter-street')).toHaveCount(0)
  await page.getByTestId('filter-village').click()
  await expect(page.locator('.el-select-dropdown__item:visible')).toHaveText(['鼠街村委会'])
  await page.keyboard.press('Escape')
  for (const r of await page.locator('.el-table__row').all()) await expect(r).toContainText('鼠街村委会')
  await page.goto('/households/new')
  await page.getByTestId('f-village_code').click()
  await expect(page.locator('.el-select-dropdown__item:visible')).toHaveText(['鼠街村委会'])
  await page.keyboard.press('Escape')

  await page.getByTestId('user-menu').click()
  await page.getByTestId('logout').click()
  await login(page, 'district')
  await page.goto('/households')
  await page.getByTestId('filter-street').click()
  await expect(page.locator('.el-select-dropdown__item:visible')).toHaveText(['双龙街道', '松华街道', '滇源街道', '阿子营街道'])
  await page.keyboard.press('Escape')
  await page.locator('input[placeholder="姓名或户编号"]').fill('钱学文')
  await page.getByRole('button', { name: '查询' }).click()
  await expect(page.locator('.el-table__row', { hasText: '钱学文' })).toContainText('阿子营街道')
})

test('the supervisor reads but does not edit', async ({ page, request }) => {
  const h = await createHousehold(request, '孙德明')
  await login(page, 'supervisor')
  await page.goto(`/households/${h.id}`)
  await expect(page.getByTestId('household-head')).toHaveText('孙德明')
  await expect(page.getByTestId('household-print')).toBeVisible()
  await expect(page.getByTestId('household-edit')).toHaveCount(0)
  await expect(page.getByTestId('household-delete')).toHaveCount(0)
  await page.goto('/households')
  await expect(page.getByTestId('household-create')).toHaveCount(0)
  await page.goto(`/households/${h.id}/edit`)
  await expect(page).toHaveURL(/\/403/)
})

test('the survey form prints on its own page with the head and the signature lines', async ({ page, request }) => {
  const h = await createHousehold(request, '周秀英')
  await login(page, officer)
  await page.goto(`/households/${h.id}`)
  await page.getByTestId('household-print').click()
  await expect(page).toHaveURL(new RegExp(`/households/${h.id}/print$`))
  await expect(page.getByRole('heading', { name: '贫困户信息采集表' })).toBeVisible()
  await expect(page.getByTestId('print-head')).toHaveText('周秀英')
  await expect(page.getByTestId('print-code')).toHaveText(h.code)
  const signatures = page.getByTestId('print-signatures')
  for (const line of ['户主签字', '调查人签字', '村委会（盖章）', '日期']) await expect(signatures).toContainText(line)
  // no menu around it; the button does not print
  await expect(page.getByTestId('main-menu')).toHaveCount(0)
  await expect(page.getByTestId('print-button')).toBeVisible()
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByTestId('print-button')).toBeHidden()
  await expect(page.getByTestId('print-head')).toBeVisible()
})

test('an attachment uploads, is listed with who sent it, and is removed', async ({ page, request }) => {
  const h = await createHousehold(request, '吴桂芳')
  // the smallest PNG: one pixel
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64')
  await login(page, officer)
  await page.goto(`/households/${h.id}?tab=attachments`)
  const panel = page.getByTestId('attachments')
  await choose(page, panel.getByTestId('attachment-kind'), '照片')
  await panel.getByTestId('attachment-file').setInputFiles({ name: '住房照片.png', mimeType: 'image/png', buffer: png })
  const row = panel.locator('.el-table__row', { hasText: '住房照片.png' })
  await expect(row).toContainText('照片')
  await expect(row).toContainText(officer)
  await expect(row).toContainText('69 B')

  // not a PDF, JPEG or PNG: refused before sending
  await panel.getByTestId('attachment-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
  await expect(page.getByText('文件“notes.txt”不是 PDF、JPEG 或 PNG 格式，不能上传。')).toBeVisible()

  const download = page.waitForEvent('download')
  await row.getByRole('button', { name: '下载' }).click()
  expect((await download).suggestedFilename()).toBe('住房照片.png')

  await row.getByRole('button', { name: '删除' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '删除' }).click()
  await expect(panel.locator('.el-table__row', { hasText: '住房照片.png' })).toHaveCount(0)
})

test('a member moves to another household with a reason; both histories say so', async ({ page, request }) => {
  const from = await createHousehold(request, '郑国强', {}, '郑小红')
  const to = await createHousehold(request, '冯玉兰')
  await login(page, officer)
  await page.goto(`/households/${from.id}?tab=members`)
  const spouse = page.locator('.el-table__row', { hasText: '郑小红' })
  // the head cannot be moved out directly
  await expect(page.locator('.el-table__row', { hasText: '郑国强' }).getByRole('button', { name: '迁出' }).first()).toBeDisabled()
  await spouse.getByRole('button', { name: '迁出' }).first().click()
  const dialog = page.getByTestId('transfer-dialog')
  await expect(dialog).toContainText('成员迁移：郑小红')
  await dialog.getByTestId('transfer-target').click()
  await page.keyboard.type(to.code)
  await page.locator('.el-select-dropdown__item:visible', { hasText: to.code }).click()
  await choose(page, dialog.getByTestId('transfer-relation'), '之女')
  await choose(page, dialog.getByTestId('transfer-reason'), '分户')
  await dialog.getByTestId('transfer-submit').click()
  await expect(page.getByText(`已迁往户 ${to.code}`)).toBeVisible()
  await expect(page.getByRole('tab', { name: '家庭成员（1）' })).toBeVisible()

  await page.goto(`/households/${to.id}?tab=history`)
  await expect(page.locator('.el-table__row', { hasText: '成员迁入' }).first()).toContainText(`来自户 ${from.code}`)
  await page.getByRole('tab', { name: /家庭成员/ }).click()
  await expect(page.locator('.el-table__row', { hasText: '郑小红' }).first()).toContainText('之女')
})

test('deleting asks for a reason and takes the household out of the list', async ({ page, request }) => {
  const h = await createHousehold(request, '陈德胜')
  await login(page, officer)
  await page.goto(`/households/${h.id}`)
  await page.getByTestId('household-delete').click()
  const box = page.getByRole('dialog')
  await expect(box).toContainText(`删除农户 ${h.code}`)
  await box.getByRole('button', { name: '删除' }).click()
  await expect(box).toContainText('请填写删除原因（至少2个字）')
  await box.locator('input').fill('重复录入')
  await box.getByRole('button', { name: '删除' }).click()
  await expect(page.getByTestId('households-page')).toBeVisible()
  await page.locator('input[placeholder="姓名或户编号"]').fill(h.code)
  await page.getByRole('button', { name: '查询' }).click()
  await expect(page.locator('.el-table__empty-text')).toBeVisible()
  await page.goto(`/households/${h.id}`)
  await expect(page.getByText('此户不存在，或不在您的管辖范围内。')).toBeVisible()
})

test('the list filters by village group', async ({ page }) => {
  await login(page, 'district')
  await page.getByTestId('menu-households').click()
  await choose(page, page.getByTestId('filter-village'), '阿子营村委会')
  await choose(page, page.getByTestId('filter-group'), '第1村民小组')
  await page.getByRole('button', { name: '查询' }).click()
  const rows = page.locator('.el-table__body-wrapper .el-table__row')
  await expect(rows.first()).toBeVisible()
  for (const text of await rows.allInnerTexts()) {
    expect(text).toContain('第1村民小组')
    expect(text).toContain('阿子营村委会')
  }
})
