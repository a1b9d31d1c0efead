// Test helpers of the review views (used by the *.spec.ts files only): the
// fixtures of a board and a list, and a view mounted with the messages, a
// session of the given role and a router that knows the review's routes.
import { defineComponent, h, type Component } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import zh from '@/i18n/zh-CN'
import type { Me } from '@/api/auth'
import type { Case, ListDetail, Stage, StageKey, VillageList } from '@/api/villageLists'
import { stageKeys } from '@/api/villageLists'
import { useSession } from '@/stores/session'
import { useReference } from '@/stores/reference'
import { regions } from '@/views/crosscheck/testing'

export { me, byTest, bodyText, click, type } from '@/views/crosscheck/testing'

const Blank = defineComponent({ render: () => h('div') })

const labels: Record<StageKey, [string, Stage['owner']]> = {
  analysis: ['贫情分析', 'check_team'],
  survey: ['实地调查', 'check_team'],
  cross_check: ['信息数据复核', 'check_team'],
  exit_first: ['先退', 'check_team'],
  enter_after: ['后进', 'check_team'],
  public_review: ['公开评议', 'check_team'],
  village_decision: ['村两委决定', 'village_officer'],
  village_notice: ['村组公示', 'check_team'],
  representatives: ['村民代表会决议', 'village_officer'],
  street_review: ['街道审定', 'street'],
  street_notice: ['街道公示', 'street'],
  district_confirm: ['区扶贫办确定', 'district'],
  announced: ['公告', 'district'],
  recorded: ['录入全国扶贫开发信息系统', 'district'],
}

/** The fourteen stages with the 2017 deadlines. */
export const allStages: Stage[] = stageKeys.map((key, i) => ({
  stage: i + 1,
  key,
  label: labels[key][0],
  owner: labels[key][1],
  deadline: i < 8 ? '2017-06-30' : i < 11 ? '2017-07-10' : i === 11 ? '2017-07-15' : i === 12 ? '2017-07-20' : '2017-07-31',
}))
export const stageOf = (key: StageKey) => allStages.find((s) => s.key === key)!

export function list(id: number, stage: Stage, over: Partial<VillageList> = {}, counts: Partial<VillageList['counts']> = {}): VillageList {
  return {
    id,
    campaign_id: 1,
    village_code: `53010301201${id}`,
    village_name: `村${id}`,
    street_code: '530103012',
    street_name: '滇源街道',
    stage,
    version: 1,
    stage_since: '2017-06-05T01:00:00Z',
    moved_by: 'district',
    deadline: stage.deadline ?? '',
    overdue: false,
    counts: { cases: 10, proposed: 0, flagged: 0, changes: 0, ...counts },
    ...over,
  }
}

export function aCase(id: number, over: Partial<Case> = {}): Case {
  return {
    id,
    household_id: 100 + id,
    household_code: `530103012004-000${id}`,
    head_name: `户主${id}`,
    head_id_masked: '530103********001' + (id % 10),
    group_name: '第1村民小组',
    members: 4,
    status: 'registered',
    computed: 'keep',
    computed_label: '保留',
    proposal: '',
    proposal_label: '',
    proposal_override: false,
    proposal_reason: '',
    proposal_basis: '',
    proposed_by: '',
    proposed_at: null,
    flagged: false,
    keep_reason: '',
    refuses_exit: false,
    referral_on: '',
    referral_to: '',
    referral_note: '',
    recover_amount: null,
    recover_items: '',
    recovered_amount: null,
    version: 1,
    ...over,
  }
}

export function detail(stage: StageKey, over: Partial<ListDetail> = {}): ListDetail {
  return {
    list: { ...list(43, stageOf(stage)), village_name: '鼠街村委会', village_code: '530103012004', version: 5 },
    campaign: {
      id: 1, name: '2017年动态管理', campaign_year: 2017, income_year: 2016, poverty_line: '2952.00', vehicle_value_limit: '30000.00',
      reference_date: '2017-06-30', active: true, report_phone: '12317', supervisor_unit: '盘龙区纪委监委、区扶贫办', version: 1, updated_at: '', updated_by: 'system',
    },
    stages: allStages,
    facts: {
      groups: 2, groups_analysed: 0, households: 3, surveyed: 0, open_discrepancies: 0, removal_cases: 1, removals_proposed: 0, cases: 3, proposed: 0,
      flagged: 0, public_meetings: 0, open_opinions: 0, open_reports: 0, notice_posted_on: '', notice_over_on: '',
    },
    can_move_on: false,
    blockers: [],
    send_back_to: [],
    can_record: [],
    can_notice: false,
    can_propose: false,
    cases: [aCase(1, { computed: 'remove_wrong', computed_label: '错评剔除' }), aCase(2), aCase(3, { computed: 'needs_review', computed_label: '待核实' })],
    groups: [{ id: 173, name: '第1村民小组' }, { id: 174, name: '第2村民小组' }],
    records: [],
    opinions: [],
    files: [],
    notices: [],
    reports: [],
    events: [],
    ...over,
  }
}

/** Mounts a view as `who` at `path` with the review's routes; waits for its first loads. */
export async function mountReview(view: Component, who: Me, path = '/', props: Record<string, unknown> = {}) {
  setActivePinia(createPinia())
  const session = useSession()
  session.me = who
  const reference = useReference()
  reference.regions = regions
  reference.codeLists = {}
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/review', name: 'review', component: view },
      { path: '/review/lists/:id', name: 'village-list', component: view },
      { path: '/review/lists/:id/notice', name: 'notice-print', component: view },
      { path: '/households/:id', name: 'household', component: Blank },
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
