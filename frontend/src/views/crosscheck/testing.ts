// Test helpers of the cross-check views (used by the *.spec.ts files only):
// a view mounted with the messages, a session of the given role and a
// router in memory.
import { defineComponent, h, type Component } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import zh from '@/i18n/zh-CN'
import type { Me, Role, Scope } from '@/api/auth'
import type { Regions } from '@/api/regions'
import { useSession } from '@/stores/session'
import { useReference } from '@/stores/reference'

const Blank = defineComponent({ render: () => h('div') })

export const regions: Regions = {
  district: { code: '530103', name: '盘龙区' },
  streets: [
    { code: '530103012', name: '滇源街道', check_team: 'A', villages: [{ code: '530103012004', name: '鼠街村委会' }, { code: '530103012005', name: '甸尾村委会' }] },
    { code: '530103013', name: '阿子营街道', check_team: 'B', villages: [{ code: '530103013001', name: '阿子营村委会' }] },
  ],
  teams: [
    { code: 'A', name: '核查组A', streets: ['530103012'] },
    { code: 'B', name: '核查组B', streets: ['530103013'] },
  ],
}

export function me(role: Role, scope: Partial<Scope> = {}): Me {
  return {
    username: role,
    display_name: role,
    role,
    scope: { streets: ['530103012', '530103013'], villages: ['530103012004', '530103012005', '530103013001'], department: null, team: null, ...scope },
    must_change_password: false,
    mfa_enabled: false,
    mfa_enrolment_required: false,
  }
}

/** Mounts a view as `who` at `path`, with the regions known; waits for its first loads. */
export async function mountView(view: Component, who: Me, path = '/', props: Record<string, unknown> = {}) {
  setActivePinia(createPinia())
  const session = useSession()
  session.me = who
  const reference = useReference()
  reference.regions = regions
  reference.departments = [
    { code: 'police', name: '区公安分局' },
    { code: 'agri', name: '区农林局' },
  ]
  reference.codeLists = {}
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/households/:id', name: 'household', component: Blank },
      { path: '/villages/:code/facts', name: 'village-facts-of', component: view },
      { path: '/:rest(.*)*', name: 'any', component: Blank },
    ],
  })
  await router.push(path)
  await router.isReady()
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
  const w = mount(view, { props, attachTo: document.body, global: { plugins: [i18n, router] } })
  await flushPromises()
  await flushPromises()
  return { w, router, session }
}

/** The text of the whole page, dialogs (teleported to the body) included. */
export const bodyText = () => document.body.textContent ?? ''

/** An element anywhere in the page by its data-test. */
export function byTest(name: string): HTMLElement | null {
  return document.body.querySelector(`[data-test="${name}"]`)
}

/** Types into an input or text area anywhere in the page. */
export async function type(el: Element | null, value: string) {
  if (!el) throw new Error('no such input')
  const input = (el.matches('input, textarea') ? el : el.querySelector('input, textarea')) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  input.dispatchEvent(new Event('change', { bubbles: true }))
  input.dispatchEvent(new FocusEvent('blur'))
  await flushPromises()
}

export async function click(el: Element | null) {
  if (!el) throw new Error('nothing to click')
  ;(el as HTMLElement).click()
  await flushPromises()
}

/** Hands a file to the el-upload inside `root` as if chosen in the file dialog. */
export async function chooseFile(root: Element, name: string, content = 'x') {
  const input = root.querySelector('input[type="file"]') as HTMLInputElement | null
  if (!input) throw new Error('no file input')
  const file = new File([content], name)
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change', { bubbles: true }))
  await flushPromises()
  return file
}
