// Figures and accountability (统计分析, 本次纠正, 检查考核, 检查记录, 政策模拟).
// All are menu pages: the router makes their routes from the menu table
// (src/menu.ts), with the menu's roles, and takes their components from here.
export const oversightPages: Record<string, () => Promise<unknown>> = {
  dashboard: () => import('@/views/oversight/DashboardView.vue'),
  figures: () => import('@/views/oversight/FiguresView.vue'),
  rates: () => import('@/views/oversight/RatesView.vue'),
  inspections: () => import('@/views/oversight/InspectionsView.vue'),
  'what-if': () => import('@/views/oversight/WhatIfView.vue'),
}
