package service

import (
	"context"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/localdate"
	"jingzhun/internal/store"
	"jingzhun/internal/workflow"
)

// Work lists each role's pending work for its home page (工作台). Later
// issues add their items here: lists to move on, fields to confirm, reports
// to investigate.
type Work struct {
	store         *store.Store
	confirmations *Confirmations
	quality       *DataQuality
	now           func() time.Time
}

// NewWork builds the work service.
func NewWork(st *store.Store, c *Confirmations, q *DataQuality, now func() time.Time) *Work {
	return &Work{store: st, confirmations: c, quality: q, now: now}
}

// WorkItem is one kind of pending work: Key names it (the SPA translates
// work.<key>), Count how many, Route where to do it.
type WorkItem struct {
	Key   string
	Count int64
	Route string
}

// Pending returns the caller's pending work; items with nothing to do are left out.
func (w *Work) Pending(ctx context.Context, actor access.Actor) ([]WorkItem, error) {
	var items []WorkItem
	add := func(key, route string, n int64, err error) error {
		if err != nil {
			return apperr.Wrap(err, "pending work "+key)
		}
		if n > 0 {
			items = append(items, WorkItem{Key: key, Count: n, Route: route})
		}
		return nil
	}
	since := w.now().Add(-24 * time.Hour)
	switch actor.Role {
	case access.Auditor:
		n, err := w.store.CountAuditSince(ctx, since, "denied")
		if err := add("denied_access_24h", "/audit?result=denied", n, err); err != nil {
			return nil, err
		}
		n, err = w.store.CountAuditSince(ctx, since, "failed")
		if err := add("failed_logins_24h", "/audit?result=failed", n, err); err != nil {
			return nil, err
		}
	case access.CheckTeam, access.Street, access.District, access.Supervisor:
		c, err := w.store.ActiveCampaign(ctx)
		if err != nil {
			return nil, apperr.Wrap(err, "active campaign")
		}
		if c != nil {
			counts, err := w.store.DiscrepancyCounts(ctx, actor.Scope, store.DiscrepancyFilter{CampaignID: c.ID})
			if err := add("open_discrepancies", "/discrepancies", counts[store.DiscrepancyOpen], err); err != nil {
				return nil, err
			}
		}
	}
	if err := w.review(ctx, actor, add); err != nil {
		return nil, err
	}
	if actor.Role == access.VillageOfficer || actor.Role == access.CheckTeam {
		n, err := w.quality.ErrorCount(ctx, actor)
		if err := add("data_quality_errors", "/data-quality?severity=error", n, err); err != nil {
			return nil, err
		}
	}
	switch actor.Role {
	case access.Department:
		n, err := w.confirmations.PendingCount(ctx, actor)
		if err := add("pending_fields", "/department-tasks", n, err); err != nil {
			return nil, err
		}
	case access.Admin, access.SecurityAdmin:
		n, err := w.store.CountLockedUsers(ctx, w.now())
		if err := add("locked_accounts", "/admin/users", n, err); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// review adds the review procedure's items: lists waiting on the caller's
// role, reports to investigate, flagged cases and overdue lists, each
// counted over the active campaign's lists in the caller's scope.
func (w *Work) review(ctx context.Context, actor access.Actor, add func(key, route string, n int64, err error) error) error {
	switch actor.Role {
	case access.VillageOfficer, access.CheckTeam, access.Street, access.District, access.Supervisor:
	default:
		return nil
	}
	c, err := w.store.ActiveCampaign(ctx)
	if err != nil || c == nil {
		return apperr.Wrap(err, "active campaign")
	}
	lists, err := w.store.VillageLists(ctx, actor.Scope, c.ID, store.VillageListFilter{})
	if err != nil {
		return apperr.Wrap(err, "village lists")
	}
	due, err := w.store.CampaignDeadlines(ctx, c.ID)
	if err != nil {
		return apperr.Wrap(err, "deadlines")
	}
	ids := make([]int64, len(lists))
	for i, l := range lists {
		ids[i] = l.ID
	}
	counts, err := w.store.CaseCountsByList(ctx, c.ID, ids)
	if err != nil {
		return apperr.Wrap(err, "case counts")
	}
	reports, err := w.store.OpenReportCounts(ctx, ids)
	if err != nil {
		return apperr.Wrap(err, "report counts")
	}
	today := localdate.Today(w.now())
	var mine, open, flagged, overdue int64
	for _, l := range lists {
		st := workflow.Stage(l.Stage)
		if st.Owner() == actor.Role && st != workflow.Last {
			mine++
			if _, notice := workflow.NoticeStage(st); notice {
				open += int64(reports[l.ID])
			}
		}
		if actor.Role == access.CheckTeam || actor.Role == access.District || actor.Role == access.Supervisor {
			flagged += int64(counts[l.ID].Flagged)
		}
		if actor.Role != access.VillageOfficer && workflow.Overdue(st, due[l.Stage], today) {
			overdue++
		}
	}
	for _, it := range []struct {
		key, route string
		n          int64
	}{{"lists_to_move", "/review?mine=1", mine}, {"reports_to_investigate", "/review?reports=1", open},
		{"flagged_cases", "/review?flagged=1", flagged}, {"overdue_lists", "/review?overdue=1", overdue}} {
		if err := add(it.key, it.route, it.n, nil); err != nil {
			return err
		}
	}
	return nil
}
