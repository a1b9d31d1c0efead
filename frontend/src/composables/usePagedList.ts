import { ref, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import type { Page } from '@/api/http'
import { errorText } from '@/utils/format'

/** What a server-paged list needs of its page: the current page and size. */
export interface Paging {
  page: number
  page_size: number
}

/**
 * A server-paged list (accounts, audit log, households): load on page or size
 * change, search from page 1, a failure shown as a message, never thrown.
 * `fetch` reads the view's own filter, so the view keeps its filter's shape.
 */
export function usePagedList<T>(paging: Paging, fetch: () => Promise<Page<T>>) {
  const { t } = useI18n()
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      const p = await fetch()
      rows.value = p.items
      total.value = p.total
    } catch (e) {
      ElMessage.error(errorText(e, t('errors.generic')))
    } finally {
      loading.value = false
    }
  }
  watch(() => [paging.page, paging.page_size], load)

  function search() {
    paging.page = 1
    void load()
  }

  return { rows, total, loading, load, search }
}

/** Runs a long action (an export) with a busy flag and a message on failure. */
export function useBusy() {
  const { t } = useI18n()
  const busy = ref(false)
  async function run(action: () => Promise<unknown>) {
    busy.value = true
    try {
      await action()
    } catch (e) {
      ElMessage.error(errorText(e, t('errors.generic')))
    } finally {
      busy.value = false
    }
  }
  return { busy, run }
}
