import type { Component } from 'vue'
import { Document, House, HomeFilled, MapLocation, Upload, User } from '@element-plus/icons-vue'
import { DataAnalysis, SetUp } from '@element-plus/icons-vue'
import { DocumentChecked, OfficeBuilding, UploadFilled, Warning } from '@element-plus/icons-vue'
import { Finished } from '@element-plus/icons-vue'
import { Avatar, CircleCheck, UserFilled } from '@element-plus/icons-vue'
import { Histogram, Medal, Memo, PieChart, TrendCharts } from '@element-plus/icons-vue'
import { Connection } from '@element-plus/icons-vue'
import type { Role } from './api/auth'

// The menu of each role. The server decides what a role may do; this only
// hides what would answer 403 anyway. The router reads the same table, so a
// page can never be in a menu its route guard refuses.
export interface MenuItem {
  path: string
  name: string // route name
  label: string // i18n key
  icon: Component
  roles: Role[] | 'all'
}

export const householdReaders: Role[] = ['village_officer', 'check_team', 'street', 'district', 'supervisor']
/** who may record, edit and delete households (the readers but the supervisor, who only reads) */
export const householdEditors: Role[] = ['village_officer', 'check_team', 'street', 'district']
/** 部门核实任务 and 行业数据比对导入: a liaison for its own department, the district for any (departments.md) */
export const departmentDesk: Role[] = ['department', 'district']
/** 比对差异: read by the check teams (their streets), streets, the district and the supervisor */
export const discrepancyReaders: Role[] = ['check_team', 'street', 'district', 'supervisor']
/** who may resolve a discrepancy */
export const discrepancyResolvers: Role[] = ['check_team', 'district']
/** 村表: read by whoever works with the register and the departments */
export const villageFactReaders: Role[] = ['village_officer', 'check_team', 'department', 'street', 'district', 'supervisor']
/** who may edit a village's facts */
export const villageFactEditors: Role[] = ['village_officer', 'check_team', 'street', 'district']
/** 村级名单 (the review procedure): the village, the check teams, streets, district and the supervisor */
export const listReaders: Role[] = ['village_officer', 'check_team', 'street', 'district', 'supervisor']
/** 录入质量: whoever reads the register (the village its village, the check team its streets …) */
export const qualityReaders: Role[] = ['village_officer', 'check_team', 'street', 'district', 'supervisor']
/** 信息员名录: read where the officers work; kept by the district and the streets (their own street) */
export const officerReaders: Role[] = ['village_officer', 'check_team', 'street', 'district', 'supervisor']
/** 核查组: the district (who staffs them), the supervisor, the streets (their team) and the teams themselves */
export const teamReaders: Role[] = ['district', 'supervisor', 'street', 'check_team']
/** 统计分析, 本次纠正, 检查考核, 检查记录, 政策模拟: read by the district and the supervisor (whole), a street (its own), a check team (its streets); written by the district */
export const oversightReaders: Role[] = ['district', 'supervisor', 'street', 'check_team']
export const regionReaders: Role[] = ['village_officer', 'check_team', 'department', 'street', 'district', 'supervisor', 'admin']

export const menu: MenuItem[] = [
  { path: '/', name: 'home', label: 'menu.home', icon: HomeFilled, roles: 'all' },
  { path: '/households', name: 'households', label: 'menu.households', icon: House, roles: householdReaders },
  { path: '/data-quality', name: 'data-quality', label: 'menu.dataQuality', icon: CircleCheck, roles: qualityReaders },
  { path: '/outcomes', name: 'outcomes', label: 'outcome.menu', icon: DataAnalysis, roles: householdReaders },
  { path: '/campaigns', name: 'campaigns', label: 'campaign.menu', icon: SetUp, roles: householdReaders },
  { path: '/review', name: 'review', label: 'menu.review', icon: Finished, roles: listReaders },
  { path: '/dashboard', name: 'dashboard', label: 'menu.dashboard', icon: PieChart, roles: oversightReaders },
  { path: '/figures', name: 'figures', label: 'menu.figures', icon: Histogram, roles: oversightReaders },
  { path: '/rates', name: 'rates', label: 'menu.rates', icon: Medal, roles: oversightReaders },
  { path: '/inspections', name: 'inspections', label: 'menu.inspections', icon: Memo, roles: oversightReaders },
  { path: '/what-if', name: 'what-if', label: 'menu.whatIf', icon: TrendCharts, roles: oversightReaders },
  { path: '/imports', name: 'imports', label: 'menu.imports', icon: Upload, roles: ['district'] },
  { path: '/department-tasks', name: 'department-tasks', label: 'menu.departmentTasks', icon: DocumentChecked, roles: departmentDesk },
  { path: '/department-imports', name: 'department-imports', label: 'menu.departmentImports', icon: UploadFilled, roles: departmentDesk },
  { path: '/discrepancies', name: 'discrepancies', label: 'menu.discrepancies', icon: Warning, roles: discrepancyReaders },
  { path: '/village-facts', name: 'village-facts', label: 'menu.villageFacts', icon: OfficeBuilding, roles: villageFactReaders },
  { path: '/officers', name: 'officers', label: 'menu.officers', icon: Avatar, roles: officerReaders },
  { path: '/check-teams', name: 'check-teams', label: 'menu.checkTeams', icon: UserFilled, roles: teamReaders },
  { path: '/regions', name: 'regions', label: 'menu.regions', icon: MapLocation, roles: regionReaders },
  { path: '/admin/users', name: 'users', label: 'menu.users', icon: User, roles: ['admin'] },
  { path: '/admin/api-clients', name: 'api-clients', label: 'apiClients.menu', icon: Connection, roles: ['admin'] },
  { path: '/audit', name: 'audit', label: 'menu.audit', icon: Document, roles: ['auditor'] },
]

export function allowed(roles: Role[] | 'all', role: Role | undefined): boolean {
  if (!role) return false
  return roles === 'all' || roles.includes(role)
}

export function menuFor(role: Role | undefined): MenuItem[] {
  return menu.filter((m) => allowed(m.roles, role))
}
