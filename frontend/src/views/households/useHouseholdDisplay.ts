import { computed, ref, toRaw } from 'vue'
import { useI18n } from 'vue-i18n'
import { useReference } from '@/stores/reference'
import { villageGroups, type VillageGroup } from '@/api/regions'
import { fieldLabel } from './fields'
import type { DisplayContext } from './display'

// What the household pages share: the display context (labels of codes,
// regions and village groups in the current language) and field names.
export function useHouseholdDisplay() {
  const { t, te, locale } = useI18n()
  const reference = useReference()
  const groups = ref<VillageGroup[]>([])
  const groupsOf = ref('')

  async function loadGroups(village: string) {
    if (village === groupsOf.value) return
    groupsOf.value = village
    groups.value = []
    if (!village) return
    try {
      const items = (await villageGroups(village)).items
      if (groupsOf.value === village) groups.value = items
    } catch {
      groups.value = []
    }
  }

  const ctx = computed<DisplayContext>(() => ({
    t: (k, p) => (p ? t(k, p) : t(k)),
    locale: locale.value,
    codeLists: reference.codeLists,
    regions: reference.regions,
    groupName: (id: number) => groups.value.find((g) => g.id === id)?.name ?? String(id),
  }))
  const label = (path: string) => fieldLabel(path, (k, p) => (p ? t(k, p) : t(k)), te)
  return { t, te, locale, reference, groups, loadGroups, ctx, label }
}

// Stable v-for keys for rows that have no id of their own (new members,
// vehicles…), without adding anything to the rows sent to the server.
const keys = new WeakMap<object, number>()
let next = 1
export function rowKey(row: object): number {
  const raw = toRaw(row)
  let k = keys.get(raw)
  if (k === undefined) {
    k = next++
    keys.set(raw, k)
  }
  return k
}
