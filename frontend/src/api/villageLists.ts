import { download, fetchBlob, get, post, put, request, saveBlob, type Query } from './http'
import type { Campaign } from './campaigns'
import type { Role } from './auth'

// The review procedure (workflow.md): each administrative village's list
// (村级名单) of a campaign moves through fourteen stages, each moved on by
// its owner when its condition holds. The server decides everything and
// says what the caller may do now (can_move_on with the blockers,
// send_back_to, can_record, can_notice, can_propose); the SPA only shows it.
// Dates are YYYY-MM-DD local dates of Asia/Shanghai; amounts decimal strings.

export const stageKeys = [
  'analysis',
  'survey',
  'cross_check',
  'exit_first',
  'enter_after',
  'public_review',
  'village_decision',
  'village_notice',
  'representatives',
  'street_review',
  'street_notice',
  'district_confirm',
  'announced',
  'recorded',
] as const
export type StageKey = (typeof stageKeys)[number]

export interface Stage {
  /** 1–14 */
  stage: number
  key: StageKey
  /** Chinese name given by the server */
  label: string
  owner: Role
  /** YYYY-MM-DD; absent when the campaign has none */
  deadline?: string
}

export interface ListCounts {
  cases: number
  proposed: number
  flagged: number
  /** proposals that change the register (they go on the notice) */
  changes: number
  /** reports not yet investigated (the board only; may be absent) */
  open_reports?: number
}

export interface VillageList {
  id: number
  campaign_id: number
  village_code: string
  village_name: string
  street_code: string
  street_name: string
  stage: Stage
  version: number
  stage_since: string
  moved_by: string
  deadline: string
  overdue: boolean
  counts: ListCounts
}

export interface Board {
  stages: Stage[]
  lists: VillageList[]
}

export interface BoardFilter {
  street?: string
  village?: string
  stage?: StageKey | ''
}

/** What may go on a list (not needs_review nor invalid). */
export const proposableOutcomes = ['include', 'not_eligible', 'keep', 'remove_wrong', 'exit_normal', 'dissolve', 'reinclude', 'continue_support', 'keep_exited'] as const
export const removalOutcomes = ['remove_wrong', 'exit_normal', 'dissolve']
export const inclusionOutcomes = ['include', 'reinclude', 'continue_support']
export const isRemoval = (o: string | null | undefined) => !!o && removalOutcomes.includes(o)
/** An outcome that changes the register (it goes on the notice). */
export const isChange = (o: string | null | undefined) => !!o && (removalOutcomes.includes(o) || inclusionOutcomes.includes(o))

/** A household's case: the computed outcome (always current) and, apart, the proposal. */
export interface Case {
  id: number
  household_id: number
  household_code: string
  head_name: string
  /** 530103********0018 */
  head_id_masked: string
  group_name: string
  members: number
  status: string
  computed: string
  computed_label: string
  /** '' before a proposal is made */
  proposal: string
  proposal_label: string
  /** the proposal is not the computed outcome: reason below */
  proposal_override: boolean
  proposal_reason: string
  /** the computed outcome the proposal was made on */
  proposal_basis: string
  proposed_by: string
  proposed_at: string | null
  /** the computed outcome changed under the proposal: accept it or keep with a reason */
  flagged: boolean
  keep_reason: string
  refuses_exit: boolean
  referral_on: string
  referral_to: string
  referral_note: string
  recover_amount: string | null
  recover_items: string
  recovered_amount: string | null
  version: number
}

export const recordKinds = [
  'analysis_meeting',
  'survey',
  'party_meeting',
  'villagers_meeting',
  'two_committee',
  'representatives',
  'street_approval',
  'district_decision',
  'announcement',
] as const
export type RecordKind = (typeof recordKinds)[number]

/** The stage each kind of record is kept in (workflow.md). */
export const recordStage: Record<RecordKind, StageKey> = {
  analysis_meeting: 'analysis',
  survey: 'survey',
  party_meeting: 'public_review',
  villagers_meeting: 'public_review',
  two_committee: 'village_decision',
  representatives: 'representatives',
  street_approval: 'street_review',
  district_decision: 'district_confirm',
  announcement: 'announced',
}

export interface AnalysisMeetingBody {
  chair: string
  attendees: string
  key_households?: string
  work_plan: string
  responsibilities?: string
}
export interface SurveyBody {
  surveyors: string
  main_cause?: string
  note?: string
}
export interface MeetingBody {
  place?: string
  attendance: number
  summary: string
}
export interface DecisionBody {
  attendance?: number
  decision: string
}
export interface AnnouncementBody {
  place: string
  note?: string
}
export type RecordBody = AnalysisMeetingBody | SurveyBody | MeetingBody | DecisionBody | AnnouncementBody

export interface ListRecord {
  id: number
  kind: RecordKind
  stage: number
  held_on: string
  group_id: number | null
  household_id: number | null
  body: Record<string, unknown>
  /** voided by a send-back: to be done again */
  void: boolean
  created_by: string
  created_at: string
}

export interface Opinion {
  id: number
  record_id: number
  text: string
  needs_check: boolean
  answer: string
  answered_by: string
  answered_at: string | null
}

export interface ListFile {
  id: number
  record_id: number | null
  notice_id: number | null
  file_name: string
  content_type: string
  size: number
  created_by: string
  created_at: string
}

export type NoticeLevel = 'village' | 'street'

export interface Notice {
  id: number
  level: NoticeLevel
  posted_on: string
  runs_until: string
  over_on: string
  place: string
  report_phone: string
  supervisor: string
  issued_by: string
  posted_by: string
  created_at: string
  superseded_at: string | null
  superseded_why: string
}

export const reportChannels = ['phone', 'letter', 'visit', 'other'] as const
export type ReportChannel = (typeof reportChannels)[number]
export type ReportStatus = 'open' | 'upheld' | 'rejected'

export interface Report {
  id: number
  notice_id: number
  level: NoticeLevel
  received_on: string
  channel: ReportChannel
  content: string
  case_ids: number[]
  status: ReportStatus
  findings: string
  answer: string
  investigated_by: string
  investigated_at: string | null
  created_by: string
  created_at: string
}

export interface ListEvent {
  kind: 'opened' | 'moved' | 'sent_back' | string
  from: Stage | null
  to: Stage
  reason: string
  actor: string
  actor_role: Role | string
  at: string
}

/** An unmet condition or a refusal, in Chinese from the server. */
export interface Reason {
  code: string
  message: string
}

export interface Facts {
  groups: number
  groups_analysed: number
  households: number
  surveyed: number
  open_discrepancies: number
  removal_cases: number
  removals_proposed: number
  cases: number
  proposed: number
  flagged: number
  public_meetings: number
  open_opinions: number
  open_reports: number
  notice_posted_on: string
  notice_over_on: string
}

export interface Group {
  id: number
  name: string
}

export interface ListDetail {
  list: VillageList
  campaign: Campaign
  stages: Stage[]
  facts: Facts
  can_move_on: boolean
  /** why the caller may not move it on now */
  blockers: Reason[]
  send_back_to: Stage[]
  /** the kinds of record the caller may add now */
  can_record: RecordKind[]
  /** post notices, record reports and their investigations */
  can_notice: boolean
  can_propose: boolean
  cases: Case[]
  groups: Group[]
  records: ListRecord[]
  opinions: Opinion[]
  files: ListFile[]
  notices: Notice[]
  reports: Report[]
  events: ListEvent[]
}

export interface RecordRequest {
  kind: RecordKind
  held_on: string
  /** analysis meetings: the groups covered (one record each) */
  group_ids?: number[]
  /** surveys: the households surveyed (one record each) */
  household_ids?: number[]
  body: RecordBody
  /** party and villagers' meetings */
  opinions?: { text: string; needs_check: boolean }[]
}

export interface NoticeRequest {
  posted_on: string
  place: string
  report_phone?: string
  supervisor?: string
  issued_by?: string
}

export interface NoticeRow {
  head_name: string
  head_id_masked: string
  group_name: string
  household_size: number
  /** 错评剔除 */
  change: string
  reason: string
}

export interface NoticeSheet {
  title: string
  level: NoticeLevel
  place: string
  posted_on: string
  runs_until: string
  /** no current posting: a draft dated today */
  draft: boolean
  report_phone: string
  supervisor: string
  issued_by: string
  rows: NoticeRow[]
}

export interface ReportRequest {
  received_on: string
  channel: ReportChannel
  content: string
  case_ids: number[]
}

export interface InvestigationRequest {
  upheld: boolean
  findings: string
  answer: string
  /** upheld: the new proposal of each named case */
  changes: { case_id: number; proposal: string }[]
}

/** accept the computed outcome; or a proposal with a reason (override); or, flagged, keep with a reason */
export type ProposalRequest =
  | { version: number; accept: true }
  | { version: number; accept?: false; proposal: string; reason: string }
  | { version: number; keep: true; reason: string }

export interface BatchProposalRequest {
  case_ids: number[]
  accept: boolean
  proposal?: string
  reason?: string
}

export interface BatchProposalResult {
  proposed: number
  refused: { case_id: number; message: string }[]
}

export interface RecoveryRequest {
  version: number
  refuses_exit: boolean
  referral_on: string | null
  referral_to: string
  referral_note: string
  recover_amount: string | null
  recover_items: string
  recovered_amount: string | null
}

export const getBoard = (campaignId: number, f: BoardFilter = {}) => get<Board>(`/campaigns/${campaignId}/lists`, f as Query)
export const getVillageList = (id: number) => get<ListDetail>(`/village-lists/${id}`)
export const moveOn = (id: number, version: number, note = '') => post<VillageList>(`/village-lists/${id}/move-on`, { version, note })
export const sendBack = (id: number, version: number, target: StageKey, reason: string) =>
  post<VillageList>(`/village-lists/${id}/send-back`, { version, target, reason })
export const addRecord = (id: number, r: RecordRequest) => post<ListRecord[]>(`/village-lists/${id}/records`, r)
export const answerOpinion = (id: number, opinionId: number, answer: string) => post<void>(`/village-lists/${id}/opinions/${opinionId}/answer`, { answer })

/** Attaches a scan or photo (PDF, JPEG, PNG) to a record or a notice. */
export function uploadListFile(id: number, file: File | Blob, to: { record_id: number } | { notice_id: number }, fileName?: string) {
  const form = new FormData()
  if (fileName) form.append('file', file, fileName)
  else form.append('file', file)
  if ('record_id' in to) form.append('record_id', String(to.record_id))
  else form.append('notice_id', String(to.notice_id))
  return request<ListFile>('POST', `/village-lists/${id}/files`, { form })
}
export async function downloadListFile(id: number, f: Pick<ListFile, 'id' | 'file_name'>) {
  saveBlob(await fetchBlob(`/village-lists/${id}/files/${f.id}`), f.file_name)
}

export const postNotice = (id: number, n: NoticeRequest) => post<Notice>(`/village-lists/${id}/notices`, n)
export const getNoticeSheet = (id: number, level?: NoticeLevel) => get<NoticeSheet>(`/village-lists/${id}/notice`, { level })
export const exportNotice = (id: number, level?: NoticeLevel) => download(`/village-lists/${id}/notice/export`, { level }, 'notice.xlsx')
export const addReport = (id: number, r: ReportRequest) => post<Report>(`/village-lists/${id}/reports`, r)
export const investigateReport = (id: number, reportId: number, r: InvestigationRequest) =>
  post<Report>(`/village-lists/${id}/reports/${reportId}/investigation`, r)
export const proposeCase = (caseId: number, p: ProposalRequest) => post<Case>(`/cases/${caseId}/proposal`, p)
export const proposeBatch = (id: number, b: BatchProposalRequest) => post<BatchProposalResult>(`/village-lists/${id}/proposals`, b)
export const setRecovery = (caseId: number, r: RecoveryRequest) => put<Case>(`/cases/${caseId}/recovery`, r)

/** The notice level of a stage: the village's notice up to stage 8, the street's after. */
export function noticeLevelOf(stage: number): NoticeLevel {
  return stage >= 11 ? 'street' : 'village'
}

/** Today in Asia/Shanghai as YYYY-MM-DD (dates the server checks against its own today). */
export function todayInShanghai(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(now)
}

/** A YYYY-MM-DD date moved by whole days (calendar arithmetic, no time zone). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`)
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10)
}

/** A YYYY-MM-DD date a number of years later; 29 February becomes 28 February. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const ny = y + years
  const leap = (ny % 4 === 0 && ny % 100 !== 0) || ny % 400 === 0
  const day = m === 2 && d === 29 && !leap ? 28 : d
  return `${ny}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}
