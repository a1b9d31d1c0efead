import type { RouteRecordRaw } from 'vue-router'
import { villageFactReaders } from '@/menu'

// The departments' pages (部门核实任务, 行业数据比对导入, 比对差异, 村表). The
// menu pages take their routes and roles from the menu table (src/menu.ts)
// and their components from here; a village's own 村表 page has its own route.
const villageFacts = () => import('@/views/crosscheck/VillageFactsView.vue')

export const crosscheckPages: Record<string, () => Promise<unknown>> = {
  'department-tasks': () => import('@/views/crosscheck/DepartmentTasksView.vue'),
  'department-imports': () => import('@/views/crosscheck/DepartmentImportView.vue'),
  discrepancies: () => import('@/views/crosscheck/DiscrepanciesView.vue'),
  'village-facts': villageFacts,
}

export const crosscheckRoutes: RouteRecordRaw[] = [
  {
    path: 'villages/:code(\\d+)/facts',
    name: 'village-facts-of',
    component: villageFacts,
    meta: { roles: villageFactReaders, title: 'menu.villageFacts' },
  },
]
