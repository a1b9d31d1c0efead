import { ApiError } from '@/api/http'

// A refusal of the server as the clerk reads it: the message, then each
// detail that says something the message does not (a 409 condition_unmet
// already joins its conditions into the message; a 422 names each field).
export interface Problem {
  title: string
  items: string[]
}

export function problemOf(e: unknown, fallback: string): Problem {
  if (e instanceof ApiError) {
    const title = e.message || fallback
    const items = [...new Set(e.details.map((d) => d.message).filter((m) => m && !title.includes(m)))]
    return { title, items }
  }
  if (e instanceof Error && e.message) return { title: e.message, items: [] }
  return { title: fallback, items: [] }
}

/** The same in one line, for a message box. */
export function problemLine(e: unknown, fallback: string): string {
  const p = problemOf(e, fallback)
  return [p.title, ...p.items].join('；')
}
