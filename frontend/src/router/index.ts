import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import type { Role } from '@/api/auth'
import { menu, allowed, householdEditors, householdReaders } from '@/menu'
import { useSession } from '@/stores/session'
import { outcomePages } from './outcomes'
import { crosscheckPages, crosscheckRoutes } from './crosscheck'
import { reviewPages, reviewPrintRoutes, reviewRoutes } from './review'
import { oversightPages } from './oversight'
import { qualityPages } from './quality'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    roles?: Role[] | 'all'
    title?: string
  }
}

const pages: Record<string, () => Promise<unknown>> = {
  home: () => import('@/views/HomeView.vue'),
  households: () => import('@/views/households/HouseholdListView.vue'),
  regions: () => import('@/views/regions/RegionsView.vue'),
  imports: () => import('@/views/imports/RegisterImportView.vue'),
  users: () => import('@/views/admin/UsersView.vue'),
  'api-clients': () => import('@/views/admin/ApiClientsView.vue'),
  audit: () => import('@/views/audit/AuditView.vue'),
  ...outcomePages,
  ...crosscheckPages,
  ...reviewPages,
  ...oversightPages,
  ...qualityPages,
}

// Menu pages take their roles from the menu table (src/menu.ts).
const inLayout: RouteRecordRaw[] = [
  ...menu.map((m) => ({
    path: m.path === '/' ? '' : m.path.slice(1),
    name: m.name,
    component: pages[m.name],
    meta: { roles: m.roles, title: m.label },
  })),
  {
    path: 'security',
    name: 'security',
    component: () => import('@/views/SecurityView.vue'),
    meta: { roles: 'all', title: 'menu.security' },
  },
  {
    path: 'password',
    name: 'password',
    component: () => import('@/views/PasswordView.vue'),
    meta: { roles: 'all', title: 'menu.password' },
  },
  // The household register: detail and forms (the list is a menu page).
  {
    path: 'households/new',
    name: 'household-new',
    component: () => import('@/views/households/HouseholdFormView.vue'),
    meta: { roles: householdEditors, title: 'household.newTitle' },
  },
  {
    path: 'households/:id(\\d+)',
    name: 'household',
    component: () => import('@/views/households/HouseholdDetailView.vue'),
    meta: { roles: householdReaders, title: 'menu.households' },
  },
  {
    path: 'households/:id(\\d+)/edit',
    name: 'household-edit',
    component: () => import('@/views/households/HouseholdFormView.vue'),
    meta: { roles: householdEditors, title: 'household.editTitle' },
  },
  ...crosscheckRoutes,
  ...reviewRoutes,
  { path: '403', name: 'forbidden', component: () => import('@/views/ForbiddenView.vue'), meta: { roles: 'all' } },
]

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
  // The print form has no layout around it, but the same guard.
  {
    path: '/households/:id(\\d+)/print',
    name: 'household-print',
    component: () => import('@/views/households/HouseholdPrintView.vue'),
    meta: { roles: householdReaders, title: 'household.print.title' },
  },
  ...reviewPrintRoutes,
  { path: '/', component: () => import('@/layouts/MainLayout.vue'), children: inLayout },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { public: true } },
]

export function installGuards(router: Router) {
  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    const session = useSession()
    if (!(await session.restore())) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    if (session.mustChange) return to.name === 'password' ? true : { name: 'password' }
    if (session.mustEnrol) return to.name === 'security' ? true : { name: 'security' }
    if (!allowed(to.meta.roles ?? 'all', session.role)) return { name: 'forbidden' }
    return true
  })
}

export function makeRouter(): Router {
  const router = createRouter({ history: createWebHistory(), routes })
  installGuards(router)
  return router
}
