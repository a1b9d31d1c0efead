import { ref } from 'vue'
import { ApiError } from '@/api/http'
import { errorText } from '@/utils/format'

/**
 * The errors of a form dialog: the server's details by field (shown under
 * each field) and one line above the form. `fixFields` is the line shown when
 * the server named fields; otherwise its message (or the network's) is shown.
 */
export function useFormErrors(fixFields: () => string, network: () => string) {
  const fieldErrors = ref<Record<string, string>>({})
  const formError = ref('')
  function clear() {
    fieldErrors.value = {}
    formError.value = ''
  }
  function show(e: unknown) {
    clear()
    if (e instanceof ApiError) {
      fieldErrors.value = Object.fromEntries(e.details.map((d) => [d.field, d.message]))
      formError.value = e.details.length ? fixFields() : e.message
    } else formError.value = errorText(e, network())
  }
  return { fieldErrors, formError, clear, show }
}
