import { defineStore } from 'pinia'
import { ref } from 'vue'

// The recomputation running for a campaign, as far as this tab knows: saving
// the parameters starts one, and the outcomes page shows the same progress
// when the clerk goes there. Memory only (a sign-out reloads the page).
export const useRecompute = defineStore('recompute', () => {
  const running = ref<Record<number, number>>({})
  function track(campaignId: number, jobId: number) {
    running.value = { ...running.value, [campaignId]: jobId }
  }
  function finish(campaignId: number, jobId: number) {
    if (running.value[campaignId] !== jobId) return
    const next = { ...running.value }
    delete next[campaignId]
    running.value = next
  }
  return { running, track, finish }
})
