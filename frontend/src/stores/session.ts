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

  // A role that signs in with a second factor sets it up first.
  const mustEnrol = ref(false)

  async function load() {
    try {
      me.value = await auth.me()
      mustChange.value = me.value.must_change_password
      mustEnrol.value = me.value.mfa_enrolment_required
    } catch (e) {
      if (e instanceof ApiError && e.code === 'password_change_required') {
        me.value = null
        mustChange.value = true
        return
      }
      throw e
    }
  }

  /** Signs in; returns the token of the second step when a code is due. */
  async function login(username: string, password: string): Promise<string | null> {
    const step = await auth.login(username, password)
    if (!step.done) return step.mfaToken
    await load()
    return null
  }

  async function completeMFA(mfaToken: string, code: string) {
    await auth.completeMFA(mfaToken, code)
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
    mustEnrol.value = false
    localStorage.clear()
    sessionStorage.clear()
  }

  return { me, role, mustChange, mustEnrol, load, login, completeMFA, restore, logout, clearAll }
})
