// The outcome pages (识别测算, 测算参数). Both are menu pages: the router makes
// their routes from the menu table (src/menu.ts), with the menu's roles, and
// takes their components from here.
export const outcomePages: Record<string, () => Promise<unknown>> = {
  outcomes: () => import('@/views/outcomes/OutcomesView.vue'),
  campaigns: () => import('@/views/outcomes/CampaignView.vue'),
}
