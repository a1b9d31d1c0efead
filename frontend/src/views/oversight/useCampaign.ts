import { computed, ref } from 'vue'
import { activeCampaign, listCampaigns, type Campaign } from '@/api/campaigns'

/** The campaigns and the one chosen (the active one unless the address names another). */
export function useCampaign(initial = 0) {
  const campaigns = ref<Campaign[]>([])
  const campaignId = ref(initial)
  const campaign = computed(() => campaigns.value.find((c) => c.id === campaignId.value) ?? null)
  async function loadCampaigns() {
    campaigns.value = await listCampaigns()
    if (!campaign.value) campaignId.value = activeCampaign(campaigns.value)?.id ?? 0
  }
  return { campaigns, campaignId, campaign, loadCampaigns }
}
