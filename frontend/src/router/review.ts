import type { RouteRecordRaw } from 'vue-router'
import { listReaders } from '@/menu'

// The review procedure's pages (村级名单). The board is a menu page: the
// router makes its route from the menu table (src/menu.ts) and takes its
// component from here. A village list has its own page in the layout; its
// notice prints on a page of its own, without the layout.
export const reviewPages: Record<string, () => Promise<unknown>> = {
  review: () => import('@/views/review/ReviewBoardView.vue'),
}

export const reviewRoutes: RouteRecordRaw[] = [
  {
    path: 'review/lists/:id(\\d+)',
    name: 'village-list',
    component: () => import('@/views/review/VillageListView.vue'),
    meta: { roles: listReaders, title: 'menu.review' },
  },
]

export const reviewPrintRoutes: RouteRecordRaw[] = [
  {
    path: '/review/lists/:id(\\d+)/notice',
    name: 'notice-print',
    component: () => import('@/views/review/NoticePrintView.vue'),
    meta: { roles: listReaders, title: 'review.print.title' },
  },
]
