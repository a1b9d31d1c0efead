import { defineStore } from 'pinia'
import { ref } from 'vue'
import { getRegions, type Regions } from '@/api/regions'
import { listDepartments, type Department } from '@/api/departments'
import { getCodeLists, type CodeLists } from '@/api/codelists'

// Reference data that changes rarely: loaded once per sign-in, kept in memory.
export const useReference = defineStore('reference', () => {
  const regions = ref<Regions | null>(null)
  const departments = ref<Department[]>([])
  const codeLists = ref<CodeLists | null>(null)

  async function loadRegions() {
    if (!regions.value) regions.value = await getRegions()
    return regions.value
  }
  async function loadDepartments() {
    if (!departments.value.length) departments.value = (await listDepartments()).items
    return departments.value
  }
  async function loadCodeLists() {
    if (!codeLists.value) codeLists.value = await getCodeLists()
    return codeLists.value
  }
  return { regions, departments, codeLists, loadRegions, loadDepartments, loadCodeLists }
})
