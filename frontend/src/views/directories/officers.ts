import type { Attendee, Officer, Training } from '@/api/directories'

// The information officer directory as the page shows it: by village, and a
// training's attendees in one line.

type Translate = (key: string, params?: Record<string, unknown>) => string

/** By street, village, then name. */
export function sortOfficers(os: Officer[]): Officer[] {
  return [...os].sort((a, b) => a.street_code.localeCompare(b.street_code) || a.village_code.localeCompare(b.village_code) || a.name.localeCompare(b.name, 'zh-CN'))
}

/** 李建华（乌龙社区）、王丽萍（庄房社区，已移出名录）…, and how many others outside the scope. */
export function attendeesText(tr: Pick<Training, 'attendees' | 'attendee_count'>, t: Translate): string {
  const named = tr.attendees.map((a: Attendee) => (a.removed ? t('trainings.removedName', { name: a.name, village: a.village_name }) : t('trainings.attendeeName', { name: a.name, village: a.village_name })))
  const others = tr.attendee_count - tr.attendees.length
  if (others > 0) named.push(t('trainings.others', { n: others }))
  return named.join(t('checkTeams.listSep'))
}

/** The officers a training of a street may name: that street's, or all for a district training. */
export const attendeeChoices = (os: Officer[], street: string) => sortOfficers(street ? os.filter((o) => o.street_code === street) : os)
