import { test, expect, type Locator, type Page } from '@playwright/test'
import { readFile } from 'node:fs/promises'
import { login, logout } from './helpers'

// The review procedure end to end: the demo village 竹园村委会 goes through
// all fourteen stages in the browser, each step done by the role that owns
// it — the check team of 滇源街道 (B), the village officer, the street and the
// district — with a report upheld during the village notice and a send-back
// by the street. The tests run in order on one server: each picks the list
// up where the one before left it.

test.describe.configure({ mode: 'serial', timeout: 240_000 })

const village = '530103011018'
const team = 'team-B'
const officer = `officer-${village}`
const street = 'street-530103011'
const district = 'district'

/** A day in Asia/Shanghai, `back` days before today (posting dates may not be later than today there). */
function shanghaiDay(back = 0): string {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())
  return new Date(Date.parse(`${today}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10)
}

/** A 1×1 PNG: the photo of a posted notice. */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

async function openList(page: Page) {
  await page.getByTestId('menu-review').click()
  await expect(page.getByTestId('review-board')).toBeVisible()
  await page.getByTestId(`board-open-${village}`).click()
  await expect(page.getByTestId('village-list-page')).toBeVisible()
  await expect(page.getByTestId('list-title')).toHaveText('竹园村委会村级名单')
}

async function expectStage(page: Page, key: string, label: string) {
  await expect(page.getByTestId('list-stage')).toContainText(label)
  await expect(page.getByTestId(`step-${key}`)).toHaveAttribute('data-current', 'true')
}

async function moveOn(page: Page, nextKey: string, nextLabel: string) {
  await expect(page.getByTestId('list-ready')).toBeVisible()
  await page.getByTestId('list-move-on').click()
  await page.getByTestId('move-confirm').click()
  await expectStage(page, nextKey, nextLabel)
}

async function tab(page: Page, name: 'cases' | 'records' | 'notices' | 'reports' | 'history') {
  await page.getByTestId(`tab-${name}`).click()
}

/** The text box of an Element Plus input (the data-test lands on the input itself or on its wrapper). */
function box(scope: Locator | Page, testId: string): Locator {
  const t = `[data-test="${testId}"]`
  return scope.locator(`input${t}, textarea${t}, ${t} input, ${t} textarea`).first()
}

async function fill(scope: Locator | Page, testId: string, value: string) {
  await box(scope, testId).fill(value)
}

async function setDate(scope: Locator | Page, testId: string, date: string) {
  const input = box(scope, testId)
  await input.click()
  await input.fill(date)
  await input.press('Enter')
  await expect(input).toHaveValue(date)
}

/** Picks an option of an Element Plus select. */
async function choose(page: Page, select: Locator, option: string | RegExp) {
  await select.click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

async function postNotice(page: Page, postedOn: string, place: string) {
  await tab(page, 'notices')
  const form = page.getByTestId('notice-form')
  await setDate(form, 'notice-posted-on', postedOn)
  await fill(form, 'notice-place', place)
  await expect(box(form, 'notice-phone')).toHaveValue('12317')
  await form.getByTestId('notice-submit').click()
  await expect(page.getByTestId('notices-table').locator(`[data-status="over"]`)).toHaveCount(1)
}

async function record(page: Page, kind: string, fields: Record<string, string>) {
  await tab(page, 'records')
  const form = page.getByTestId(`rec-form-${kind}`)
  for (const [k, v] of Object.entries(fields)) await fill(form, `rec-${k}`, v)
  await form.getByTestId('rec-submit').click()
  await expect(form.getByTestId('rec-error')).toHaveCount(0)
}

test('1 贫情分析: the officer may not move it; the check team analyses every group, then moves on', async ({ page }) => {
  await login(page, officer)
  await openList(page)
  await expectStage(page, 'analysis', '贫情分析')
  // Not the officer's stage: no move button, and says whose it is.
  await expect(page.getByTestId('list-move-on')).toHaveCount(0)
  await expect(page.getByTestId('list-blockers')).toContainText('核查组')
  await logout(page)

  await login(page, team)
  // The home page's work item "lists to move on" opens the board filtered to them: this one is among them.
  await page.locator('.el-table__row', { hasText: '待我推进的村级名单' }).getByTestId('work-item').click()
  await expect(page).toHaveURL(/\/review\?mine=1/)
  await expect(page.getByTestId('board-quick-mine')).toBeVisible()
  await expect(page.getByTestId(`board-open-${village}`)).toBeVisible()
  await page.getByTestId(`board-open-${village}`).click()
  await expectStage(page, 'analysis', '贫情分析')
  // Before every group is analysed: the condition, in Chinese, and a disabled button.
  await expect(page.getByTestId('list-blocker')).toHaveText(/还有 11 个村民小组未召开贫情分析会/)
  await expect(page.getByTestId('list-move-on')).toBeDisabled()

  await tab(page, 'records')
  const form = page.getByTestId('rec-form-analysis_meeting')
  // The server's refusal is shown: nothing filled.
  await form.getByTestId('rec-submit').click()
  await expect(form.getByTestId('rec-error')).toContainText('主持人')
  await form.getByTestId('rec-groups-all').click()
  await fill(form, 'rec-chair', '核查组B 组长 李明')
  await fill(form, 'rec-attendees', '街道和村干部、驻村工作队、党员、村民代表')
  await fill(form, 'rec-key_households', '住危房户、因病致贫户')
  await fill(form, 'rec-work_plan', '6月10日前完成全部农户入户调查')
  await form.getByTestId('rec-submit').click()
  await expect(page.getByTestId('records-table').locator('[data-test^="record-"][data-void="false"]')).toHaveCount(11)
  await moveOn(page, 'survey', '实地调查')
})

test('2–3 实地调查, 信息数据复核: every household surveyed, no open discrepancy', async ({ page }) => {
  await login(page, team)
  await openList(page)
  await expect(page.getByTestId('list-blocker')).toHaveText(/还有 55 户未完成入户调查/)
  await tab(page, 'records')
  const form = page.getByTestId('rec-form-survey')
  await form.getByTestId('rec-households-unsurveyed').click()
  await fill(form, 'rec-surveyors', '王芳、赵强')
  await form.getByTestId('rec-submit').click()
  await expect(page.getByTestId('list-facts')).toContainText('55 / 55')
  await moveOn(page, 'cross_check', '信息数据复核')
  await moveOn(page, 'exit_first', '先退')
})

test('4 先退: removal cases accepted first; the wrongly registered household’s referral recorded', async ({ page }) => {
  await login(page, team)
  await openList(page)
  await expect(page.getByTestId('list-blocker')).toHaveText(/户应退出户未提出意见（先退后进）/)
  await tab(page, 'cases')
  await page.getByTestId('cases-filter-removal').click()
  await page.getByTestId('cases-select-all').click()
  await page.getByTestId('cases-accept-selected').click()
  await expect(page.getByTestId('batch-result')).toContainText(/已提出 \d+ 户的意见；0 户未能提出/)

  // 错评剔除: the referral for accountability and what to recover.
  const recovery = page.locator('[data-test^="case-recovery-"]').first()
  await recovery.click()
  const dialog = page.getByTestId('recovery-dialog')
  await dialog.getByTestId('recovery-refuses').click()
  await setDate(dialog, 'recovery-referral-on', shanghaiDay(1))
  await fill(dialog, 'recovery-referral-to', '区纪委监委')
  await fill(dialog, 'recovery-amount', '3200')
  await fill(dialog, 'recovery-items', '扶贫羊2只')
  await dialog.getByTestId('recovery-save').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('cases-tab')).toContainText('追责：区纪委监委')
  await moveOn(page, 'enter_after', '后进')
})

test('5 后进: the household the rules cannot decide is overridden with a reason; the rest accepted', async ({ page }) => {
  await login(page, team)
  await openList(page)
  await tab(page, 'cases')
  await page.getByTestId('cases-filter-needs_review').click()
  const pending = Number((await page.getByTestId('cases-filter-needs_review').innerText()).replace(/\D/g, ''))
  if (pending > 0) {
    await page.getByTestId('cases-select-all').click()
    await page.getByTestId('cases-override-selected').click()
    const dialog = page.getByTestId('proposal-dialog')
    await choose(page, dialog.getByTestId('override-proposal'), '保留')
    await fill(dialog, 'override-reason', '入户核实：收入低于扶贫标准，住房为C级危房，继续保留')
    await dialog.getByTestId('override-submit').click()
    await expect(page.getByTestId('batch-result')).toContainText(`已提出 ${pending} 户的意见；0 户未能提出`)
  }
  await page.getByTestId('cases-filter-unproposed').click()
  await page.getByTestId('cases-select-all').click()
  await page.getByTestId('cases-accept-selected').click()
  await expect(page.getByTestId('batch-result')).toContainText('0 户未能提出')
  await expect(page.getByTestId('cases-filter-unproposed')).toContainText('0')
  await moveOn(page, 'public_review', '公开评议')
})

test('6 公开评议: a villagers’ meeting with an opinion to check, answered', async ({ page }) => {
  await login(page, team)
  await openList(page)
  await expect(page.getByTestId('list-blocker')).toHaveText(/请先登记党员会或村民会/)
  await tab(page, 'records')
  const form = page.getByTestId('rec-form-villagers_meeting')
  await fill(form, 'rec-place', '竹园村委会会议室')
  await fill(form, 'rec-attendance', '86')
  await fill(form, 'rec-summary', '宣读拟调整名单，逐户评议')
  await form.getByTestId('rec-opinion-add').click()
  await fill(form, 'rec-opinion-text-0', '第3组有一户家里新买了货车，应核实')
  await form.getByTestId('rec-opinion-check-0').click()
  await form.getByTestId('rec-submit').click()
  await expect(page.getByTestId('list-blocker')).toHaveText(/还有 1 条群众意见未核实反馈/)
  await page.locator('[data-test^="opinion-answer-"]').first().click()
  await fill(page, 'answer-text', '经核实，货车系借用亲戚的，不属本户财产，已向提出意见的村民反馈')
  await page.getByTestId('answer-submit').click()
  await expect(page.getByTestId('opinions-table')).toContainText('已核实')
  await moveOn(page, 'village_decision', '村两委决定')
})

test('7 村两委决定: the village officer records the decision', async ({ page }) => {
  await login(page, team)
  await openList(page)
  await expect(page.getByTestId('list-move-on')).toHaveCount(0)
  await logout(page)
  await login(page, officer)
  await openList(page)
  await record(page, 'two_committee', { attendance: '9', decision: '同意公开评议后的名单，提交村组公示' })
  await moveOn(page, 'village_notice', '村组公示')
})

test('8 村组公示: posted, a report upheld supersedes the notice, posted again; printed and exported', async ({ page, context }) => {
  await login(page, team)
  await openList(page)
  await expect(page.getByTestId('list-blocker')).toHaveText(/请先登记公示张贴/)
  await postNotice(page, shanghaiDay(6), '竹园村委会公示栏')
  // The photo of the posted notice.
  await page.locator('[data-test^="notice-upload-"][data-test$="-input"]').first().setInputFiles({ name: '公示照片.png', mimeType: 'image/png', buffer: png })
  await expect(page.getByTestId('notice-file')).toHaveCount(1)

  // A report naming a household, investigated and upheld.
  await tab(page, 'reports')
  const form = page.getByTestId('report-form')
  await form.getByTestId('report-channel-phone').click()
  await choose(page, form.getByTestId('report-cases'), /530103011018-/)
  await fill(form, 'report-content', '该户家中长期无人居住，收入情况与公示不符')
  await form.getByTestId('report-submit').click()
  await expect(page.locator('[data-test^="report-status-"]')).toHaveText(['待调查'])
  await expect(page.getByTestId('list-blocker')).toContainText('还有 1 件举报未调查核实')
  await page.locator('[data-test^="report-investigate-"]').first().click()
  const inv = page.getByTestId('investigation-dialog')
  await inv.getByTestId('inv-upheld').click()
  await fill(inv, 'inv-findings', '入户核实，举报属实：该户常年在外务工，家庭收入较高')
  await fill(inv, 'inv-answer', '已电话答复举报人：举报属实，已调整该户意见')
  await choose(page, inv.locator('[data-test^="inv-proposal-"]').first(), '不纳入')
  await inv.getByTestId('inv-submit').click()
  await expect(page.locator('[data-test^="report-status-"]')).toHaveText(['属实'])

  // The change superseded the notice: it is posted again.
  await tab(page, 'notices')
  await expect(page.getByTestId('notices-table').locator('[data-status="superseded"]')).toHaveCount(1)
  await expect(page.getByTestId('notice-superseded')).toContainText('公示后户的意见有变化，须重新公示')
  await expect(page.getByTestId('list-blocker')).toHaveText(/请先登记公示张贴/)
  await postNotice(page, shanghaiDay(6), '竹园村委会公示栏（重新张贴）')

  // The printable notice: title, period, masked ID numbers; the button does not print.
  const popup = context.waitForEvent('page')
  await page.getByTestId('notice-print').click()
  const print = await popup
  await expect(print.getByTestId('notice-title')).toHaveText('竹园村委会2017年建档立卡贫困户动态管理评议结果公示')
  await expect(print.getByTestId('notice-period')).toContainText('公示期为')
  await expect(print.getByTestId('notice-draft')).toHaveCount(0)
  const ids = await print.getByTestId('notice-id').allInnerTexts()
  expect(ids.length).toBeGreaterThan(0)
  for (const id of ids) expect(id).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/)
  await expect(print.getByTestId('notice-contact')).toContainText('12317')
  await expect(print.getByTestId('notice-issuer')).toContainText('竹园村委会村民委员会')
  await print.emulateMedia({ media: 'print' })
  await expect(print.getByTestId('notice-print-button')).toBeHidden()
  await print.close()

  const dl = page.waitForEvent('download')
  await page.getByTestId('notice-export').click()
  const file = await dl
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/)
  expect((await readFile((await file.path())!)).subarray(0, 2).toString()).toBe('PK')

  await moveOn(page, 'representatives', '村民代表会决议')
})

test('9 村民代表会决议: the village officer records the resolution', async ({ page }) => {
  await login(page, officer)
  await openList(page)
  await expect(page.getByTestId('list-blocker')).toHaveText(/请先登记村民代表会决议/)
  await record(page, 'representatives', { attendance: '31', decision: '村民代表会议表决通过拟调整名单' })
  await moveOn(page, 'street_review', '街道审定')
})

test('10–11 街道审定: the street approves, then sends the list back with a reason; it comes back and is posted', async ({ page }) => {
  await login(page, street)
  await openList(page)
  await record(page, 'street_approval', { attendance: '7', decision: '经街道审定，同意竹园村拟调整名单' })
  await moveOn(page, 'street_notice', '街道公示')

  // The street sends it back to the representatives' meeting.
  await page.getByTestId('list-send-back').click()
  const dialog = page.getByTestId('send-back-dialog')
  await dialog.getByTestId('send-back-submit').click()
  await expect(dialog.getByTestId('send-back-error')).toContainText('请选择退回到的阶段')
  await choose(page, dialog.getByTestId('send-back-target'), '村民代表会决议')
  await fill(dialog, 'send-back-reason', '代表会议到会人数记录有误，请核对后重新报送')
  await dialog.getByTestId('send-back-submit').click()
  await expectStage(page, 'representatives', '村民代表会决议')
  await expect(page.getByTestId('list-move-on')).toHaveCount(0)
  await tab(page, 'history')
  const back = page.locator('[data-test="history-event"][data-kind="sent_back"]')
  await expect(back.first()).toContainText('街道公示 → 9. 村民代表会决议')
  await expect(back.first()).toContainText('代表会议到会人数记录有误，请核对后重新报送')
  await expect(back.first()).toContainText(street)
  await logout(page)

  await login(page, officer)
  await openList(page)
  await moveOn(page, 'street_review', '街道审定')
  await logout(page)

  await login(page, street)
  await openList(page)
  // The approval of before the send-back is void: recorded again.
  await tab(page, 'records')
  await expect(page.getByTestId('record-void')).toHaveCount(1)
  await record(page, 'street_approval', { attendance: '7', decision: '核对无误，同意' })
  await moveOn(page, 'street_notice', '街道公示')
  await postNotice(page, shanghaiDay(6), '滇源街道便民服务中心公示栏')
  await moveOn(page, 'district_confirm', '区扶贫办确定')
})

test('12–14 区扶贫办确定, 公告, 录入: the district confirms, announces and exports for the national system', async ({ page }) => {
  await login(page, district)
  await openList(page)
  await record(page, 'district_decision', { attendance: '5', decision: '区扶贫办研究确定竹园村名单' })
  await moveOn(page, 'announced', '公告')
  await expect(page.getByTestId('list-blocker')).toHaveText(/请先登记公告/)
  await record(page, 'announcement', { place: '盘龙区人民政府网站、竹园村委会公示栏', note: '公告期7天' })
  await moveOn(page, 'recorded', '录入全国扶贫开发信息系统')
  await expect(page.getByTestId('list-final')).toBeVisible()
  await expect(page.getByTestId('list-move-on')).toHaveCount(0)

  // The history has every move, the send-back among them.
  await tab(page, 'history')
  await expect(page.locator('[data-test="history-event"][data-kind="sent_back"]')).toHaveCount(1)
  await expect(page.locator('[data-test="history-event"][data-kind="moved"]')).toHaveCount(15)

  await page.getByTestId('menu-review').click()
  await expect(page.getByTestId(`board-open-${village}`)).toBeVisible()
  await page.getByTestId('national-export').click()
  const dl = page.waitForEvent('download')
  await page.getByTestId('national-export-xlsx').click()
  const file = await dl
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/)
  expect((await readFile((await file.path())!)).subarray(0, 2).toString()).toBe('PK')
})
