import { del, fetchBlob, get, request, saveBlob } from './http'

// Files kept with a household (危房鉴定书, 残疾证, the signed paper form,
// photos): PDF, JPEG or PNG, judged by content on the server.

export interface Attachment {
  id: number
  member_id: number | null
  /** attachment_kind code */
  kind: string
  file_name: string
  content_type: string
  size: number
  sha256: string
  created_at: string
  created_by: string
}

/** The server's default upload limit (JZ_UPLOAD_LIMIT, 10 MiB); the server answers 413 beyond its own. */
export const uploadLimit = 10 << 20
export const acceptedTypes = ['application/pdf', 'image/jpeg', 'image/png']
export const acceptAttr = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png'

export const listAttachments = async (householdId: number) =>
  (await get<{ items: Attachment[] }>(`/households/${householdId}/attachments`)).items

export function uploadAttachment(householdId: number, file: File | Blob, kind: string, memberId?: number | null, fileName?: string) {
  const form = new FormData()
  if (fileName) form.append('file', file, fileName)
  else form.append('file', file)
  form.append('kind', kind)
  if (memberId) form.append('member_id', String(memberId))
  return request<Attachment>('POST', `/households/${householdId}/attachments`, { form })
}

export async function downloadAttachment(a: Pick<Attachment, 'id' | 'file_name'>) {
  saveBlob(await fetchBlob(`/attachments/${a.id}`), a.file_name)
}

export const deleteAttachment = (id: number) => del<void>(`/attachments/${id}`)

/** 1.5 MB, 320 KB, 69 B: sizes as clerks read them. */
export function fileSize(n: number): string {
  if (n >= 1 << 20) return `${Number((n / (1 << 20)).toFixed(1))} MB`
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} KB`
  return `${n} B`
}
