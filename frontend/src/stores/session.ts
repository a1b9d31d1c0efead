import { defineStore } from 'pinia'
import { ref, computed } from 'vue'
import * as auth from '@/api/auth'
import { ApiError, hasToken, refresh } from '@/api/http'

// The signed-in user. Nothing about the session is written to storage: the
// access token lives in memory, the refresh token in an HttpOnly cookie, so a
// reload restores the session with one silent refresh.
export const useSession = defineStore('session', () => {
  const me = ref<auth.Me | null>(null)
  const role = computed(() => me.value?.role)
  // While a password change is due the server answers every call but the
  // change itself with 403 password_change_required, /me included: the
  // session exists, but who it is stays unknown until the change.
  const mustChange = ref(false)

  async function load() {
    try {
      me.value = await auth.me()
      mustChange.value = me.value.must_change_password
    } catch (e) {
      if (e instanceof ApiError && e.code === 'password_change_required') {
        me.value = null
        mustChange.value = true
        return
      }
      throw e
    }
  }

  async function login(username: string, password: string) {
    await auth.login(username, password)
    await load()
  }

  /** Restores a session after a reload; false when there is none. */
  async function restore(): Promise<boolean> {
    if ((me.value || mustChange.value) && hasToken()) return true
    if (!hasToken() && !(await refresh())) return false
    try {
      await load()
      return true
    } catch {
      return false
    }
  }

  async function logout() {
    try {
      await auth.logout()
    } catch {
      /* the session may already be gone; clearing below is what matters */
    }
    clearAll()
  }

  /** Forgets everything the browser holds for this user (the server's
   * Clear-Site-Data on logout does the same for browsers that honour it). */
  function clearAll() {
    me.value = null
    mustChange.value = false
    localStorage.clear()
    sessionStorage.clear()
  }

  return { me, role, mustChange, load, login, restore, logout, clearAll }
})
