package service

import (
	"context"

	"jingzhun/internal/apperr"
	"jingzhun/internal/store"
)

// Reference seeds the reference data every installation needs — regions,
// departments, code lists, the national poverty lines and the first
// campaign — on first start, demo or not.
type Reference struct {
	store       *store.Store
	regions     *Regions
	departments *Departments
	codeLists   *CodeLists
	campaigns   *Campaigns
}

// NewReference builds the reference-data seeder.
func NewReference(st *store.Store, r *Regions, d *Departments, c *CodeLists, cs *Campaigns) *Reference {
	return &Reference{store: st, regions: r, departments: d, codeLists: c, campaigns: cs}
}

// Ensure seeds whatever reference table is still empty, and code list
// entries a release added.
func (r *Reference) Ensure(ctx context.Context) error {
	return apperr.Wrap(r.store.InTx(ctx, func(ctx context.Context) error {
		tree, err := r.store.Regions(ctx)
		if err != nil {
			return err
		}
		if len(tree.Streets) == 0 {
			if err := r.regions.Seed(ctx); err != nil {
				return err
			}
		}
		ds, err := r.store.Departments(ctx)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			if err := r.departments.Seed(ctx); err != nil {
				return err
			}
		}
		if err := r.codeLists.Seed(ctx); err != nil {
			return err
		}
		// The national poverty lines and the first campaign.
		return r.campaigns.Ensure(ctx)
	}), "reference data")
}
