// The data-quality and directory pages (录入质量, 信息员名录, 核查组). All three
// are menu pages: the router makes their routes from the menu table
// (src/menu.ts), with the menu's roles, and takes their components from here.
export const qualityPages: Record<string, () => Promise<unknown>> = {
  'data-quality': () => import('@/views/quality/DataQualityView.vue'),
  officers: () => import('@/views/directories/OfficersView.vue'),
  'check-teams': () => import('@/views/directories/CheckTeamsView.vue'),
}
