import { computed, onMounted, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { useSession } from '@/stores/session'
import { useReference } from '@/stores/reference'
import { errorText } from '@/utils/format'

/**
 * Which department a page works for: a liaison's own (scope.department),
 * or, for the district, the one chosen (kept in the address as ?dept=).
 * Only the liaison acts; the district reads every department's lists.
 */
export function useDepartment() {
  const session = useSession()
  const reference = useReference()
  const route = useRoute()
  const router = useRouter()
  const { t } = useI18n()

  const isLiaison = computed(() => session.role === 'department')
  const chosen = ref(typeof route.query.dept === 'string' ? route.query.dept : '')
  const code = computed(() => (isLiaison.value ? (session.me?.scope.department ?? '') : chosen.value))
  const name = computed(() => reference.departments.find((d) => d.code === code.value)?.name ?? code.value)
  const error = ref('')

  watch(chosen, (v) => {
    if (!isLiaison.value) void router.replace({ query: { ...route.query, dept: v || undefined } })
  })

  onMounted(async () => {
    try {
      await reference.loadDepartments()
    } catch (e) {
      error.value = errorText(e, t('errors.generic'))
    }
  })

  return { code, name, chosen, isLiaison, departments: computed(() => reference.departments), error }
}
