package service

import (
	"context"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/store"
)

// Work lists each role's pending work for its home page (工作台). Later
// issues add their items here: lists to move on, fields to confirm, reports
// to investigate.
type Work struct {
	store         *store.Store
	confirmations *Confirmations
	now           func() time.Time
}

// NewWork builds the work service.
func NewWork(st *store.Store, c *Confirmations, now func() time.Time) *Work {
	return &Work{store: st, confirmations: c, now: now}
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
