import { del, download, get, post, put } from './http'

// The directories (名录库): the information officers of the villages
// (信息员) with their trainings, and the check teams (核查组) with the
// officials the departments second to them and the staffing rule of 三(一)
// (at least two officials from each named department). Phones come masked
// (139****1234); an update without `phone` keeps the phone.

// ---- information officers ----

export interface Officer {
  id: number
  street_code: string
  street_name: string
  village_code: string
  village_name: string
  name: string
  /** masked */
  phone: string
  /** the officer's village-officer account, null for none */
  username: string | null
  appointed_on: string
  /** trainings attended */
  trainings: number
  /** hours of training attended, "6.5" */
  training_hours: string
  version: number
  updated_at: string
}

/** A village with poverty work (a registered or exited household) and no officer. */
export interface MissingOfficer {
  street_code: string
  street_name: string
  village_code: string
  village_name: string
  households: number
}

export interface OfficerDirectory {
  items: Officer[]
  missing: MissingOfficer[]
}

export interface OfficerFilter {
  street?: string
  village?: string
}

export interface OfficerInput {
  village_code: string
  name: string
  phone: string
  /** a village-officer account of the same village, '' for none */
  username: string
  /** YYYY-MM-DD */
  appointed_on: string
}

/** An edit: the whole entry at the version read; phone left out keeps it. */
export interface OfficerUpdate extends Omit<OfficerInput, 'phone'> {
  version: number
  phone?: string
}

export const listOfficers = (f: OfficerFilter = {}) => get<OfficerDirectory>('/officers', { street: f.street, village: f.village })
export const exportOfficers = (f: OfficerFilter = {}) => download('/officers/export', { street: f.street, village: f.village }, '信息员名录.xlsx')
export const createOfficer = (o: OfficerInput) => post<Officer>('/officers', o)
export const updateOfficer = (id: number, o: OfficerUpdate) => put<Officer>(`/officers/${id}`, o)
export const deleteOfficer = (id: number, version: number, reason: string) => del<void>(`/officers/${id}`, { version, reason })

// ---- trainings ----

export interface Attendee {
  officer_id: number
  name: string
  village_code: string
  village_name: string
  /** no longer in the directory */
  removed: boolean
}

export interface Training {
  id: number
  held_on: string
  topic: string
  trainer: string
  /** "4.0" */
  hours: string
  /** the organising street, '' for the district */
  street_code: string
  street_name: string
  /** those in the caller's scope */
  attendees: Attendee[]
  /** all of them */
  attendee_count: number
  created_by: string
  created_at: string
}

export interface TrainingInput {
  held_on: string
  topic: string
  trainer: string
  /** decimal, at most one place: "2.5" */
  hours: string
  /** the organising street; '' for a district training */
  street: string
  /** officer ids */
  attendees: number[]
}

export const listTrainings = (street?: string) => get<{ items: Training[] }>('/trainings', { street })
export const createTraining = (t: TrainingInput) => post<Training>('/trainings', t)

// ---- check teams ----

export type TeamRole = 'lead' | 'member'
export const teamRoles: TeamRole[] = ['lead', 'member']

export interface TeamMember {
  id: number
  team_code: string
  name: string
  department: string
  department_name: string
  post: string
  /** masked */
  phone: string
  role: TeamRole
  version: number
  updated_at: string
}

/** One named department's staffing in a team. */
export interface DepartmentCheck {
  department: string
  department_name: string
  required: number
  have: number
  met: boolean
}

/** 三(一): at least two officials from each named department; `missing` those short. */
export interface StaffingRule {
  met: boolean
  departments: DepartmentCheck[]
  missing: DepartmentCheck[]
}

export interface CheckTeam {
  code: string
  name: string
  streets: { code: string; name: string }[]
  members: TeamMember[]
  rule: StaffingRule
}

export interface TeamMemberInput {
  name: string
  /** a code of GET /departments */
  department: string
  post: string
  phone: string
  role: TeamRole
}

export interface TeamMemberUpdate extends Omit<TeamMemberInput, 'phone'> {
  version: number
  phone?: string
}

export const listCheckTeams = () => get<{ items: CheckTeam[] }>('/check-teams')
export const exportCheckTeams = () => download('/check-teams/export', undefined, '核查组.xlsx')
export const addTeamMember = (team: string, m: TeamMemberInput) => post<TeamMember>(`/check-teams/${encodeURIComponent(team)}/members`, m)
export const updateTeamMember = (team: string, id: number, m: TeamMemberUpdate) =>
  put<TeamMember>(`/check-teams/${encodeURIComponent(team)}/members/${id}`, m)
export const removeTeamMember = (team: string, id: number, version: number) =>
  del<void>(`/check-teams/${encodeURIComponent(team)}/members/${id}`, { version })
