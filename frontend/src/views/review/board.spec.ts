import { describe, expect, it } from 'vitest'
import type { Stage, VillageList } from '@/api/villageLists'
import { list, stageOf } from './testing'
import { filterLists, quickOf, stageSummary } from './board'

// The board's filters: the quick filters the home page's work items link to
// (mine, flagged, overdue, reports), the stage, and the count by stage.

const stages: Stage[] = [stageOf('analysis'), stageOf('village_decision'), stageOf('street_review')]

const lists = [
  list(3, stages[2], {}, { open_reports: 2 }),
  list(1, stages[0], { overdue: true }),
  list(2, stages[1], {}, { flagged: 1 }),
  list(4, stages[0], { street_code: '530103009', village_code: '530103009001' }),
  list(5, stages[1]),
]
const ids = (ls: VillageList[]) => ls.map((l) => l.id)

describe('board filters', () => {
  it('orders the lists by stage, then street and village', () => {
    expect(ids(filterLists(lists, {}, 'district'))).toEqual([4, 1, 2, 5, 3])
  })
  it('keeps the lists whose stage the role moves on', () => {
    expect(ids(filterLists(lists, { mine: true }, 'check_team'))).toEqual([4, 1])
    expect(ids(filterLists(lists, { mine: true }, 'village_officer'))).toEqual([2, 5])
    expect(ids(filterLists(lists, { mine: true }, 'supervisor'))).toEqual([])
  })
  it('keeps flagged, overdue and reported lists; open_reports may be absent', () => {
    expect(ids(filterLists(lists, { flagged: true }, 'district'))).toEqual([2])
    expect(ids(filterLists(lists, { overdue: true }, 'district'))).toEqual([1])
    expect(ids(filterLists(lists, { reports: true }, 'district'))).toEqual([3])
    expect(ids(filterLists(lists, { mine: true, overdue: true }, 'check_team'))).toEqual([1])
  })
  it('filters by stage key', () => {
    expect(ids(filterLists(lists, { stage: 'village_decision' }, 'district'))).toEqual([2, 5])
    expect(ids(filterLists(lists, { stage: '' }, 'district'))).toHaveLength(5)
  })
  it('reads the quick filters of the work items’ routes', () => {
    expect(quickOf({ mine: '1' })).toEqual({ mine: true, flagged: false, overdue: false, reports: false })
    expect(quickOf({ overdue: 'true', reports: '1', flagged: '0' })).toEqual({ mine: false, flagged: false, overdue: true, reports: true })
    expect(quickOf({})).toEqual({ mine: false, flagged: false, overdue: false, reports: false })
  })
  it('counts the lists of every stage, the overdue apart', () => {
    expect(stageSummary(stages, lists).map((s) => [s.stage.key, s.count, s.overdue])).toEqual([
      ['analysis', 2, 1],
      ['village_decision', 2, 0],
      ['street_review', 1, 0],
    ])
  })
})
