package service

import (
	"context"
	"slices"
	"sync"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/regions"
	"jingzhun/internal/store"
)

// Regions serves the regional tree. The tree changes only at set-up, so it is
// cached; every request still reads the account's grants from the database.
type Regions struct {
	store    *store.Store
	district regions.District

	mu    sync.RWMutex
	cache *store.Regions
}

// NewRegions builds the regions service for the district of the embedded tree.
func NewRegions(st *store.Store) (*Regions, error) {
	t, err := regions.Load()
	if err != nil {
		return nil, err
	}
	return &Regions{store: st, district: t.District}, nil
}

// District is the 区 served.
func (r *Regions) District() regions.District { return r.district }

// Tree returns the cached tree, reading it once.
func (r *Regions) Tree(ctx context.Context) (store.Regions, error) {
	r.mu.RLock()
	c := r.cache
	r.mu.RUnlock()
	if c != nil {
		return *c, nil
	}
	t, err := r.store.Regions(ctx)
	if err != nil {
		return t, apperr.Wrap(err, "read regions")
	}
	r.mu.Lock()
	r.cache = &t
	r.mu.Unlock()
	return t, nil
}

// Scope expands an account's grants into the scope it works in.
func (r *Regions) Scope(ctx context.Context, role access.Role, g access.Grant) (access.Scope, error) {
	t, err := r.Tree(ctx)
	if err != nil {
		return access.Scope{}, err
	}
	return t.ExpandScope(role, g), nil
}

// Seed writes the embedded tree into an empty database.
func (r *Regions) Seed(ctx context.Context) error {
	t, err := regions.Load()
	if err != nil {
		return err
	}
	var out store.Regions
	for _, tm := range t.Teams {
		out.Teams = append(out.Teams, store.CheckTeam{Code: tm.Code, Name: tm.Name})
	}
	for i, s := range t.Streets {
		out.Streets = append(out.Streets, store.Street{Code: s.Code, Name: s.Name, CheckTeam: s.CheckTeam, Sort: i + 1})
		for j, v := range s.Villages {
			out.Villages = append(out.Villages, store.Village{Code: v.Code, StreetCode: s.Code, Name: v.Name, Sort: j + 1})
		}
	}
	if err := r.store.SaveRegions(ctx, out); err != nil {
		return apperr.Wrap(err, "seed regions")
	}
	r.mu.Lock()
	r.cache = nil
	r.mu.Unlock()
	return nil
}

// VillageGroups lists the groups of a village in the caller's scope; a
// village outside it, or unknown, is not found (the same answer).
func (r *Regions) VillageGroups(ctx context.Context, actor access.Actor, villageCode string) ([]store.VillageGroup, error) {
	t, err := r.Tree(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(t.Villages, func(v store.Village) bool { return v.Code == villageCode }) || !actor.Scope.HasVillage(villageCode) {
		return nil, apperr.NotFoundf("行政村")
	}
	return r.Groups(ctx, villageCode)
}

// Groups lists a village's groups (村民小组).
func (r *Regions) Groups(ctx context.Context, villageCode string) ([]store.VillageGroup, error) {
	gs, err := r.store.VillageGroups(ctx, villageCode)
	return gs, apperr.Wrap(err, "village groups")
}
