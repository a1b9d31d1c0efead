package service

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/auth"
	"jingzhun/internal/jobs"
	"jingzhun/internal/localdate"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// A page of a recomputation is read outside the transaction that writes
// it: a household edited in between keeps the outcome its edit computed,
// not the one of the version the page read.
func TestRecomputePageSkipsHouseholdsEditedSinceRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		audit := NewAuditLog(st, time.Now, localdate.Shanghai)
		runner := jobs.NewRunner(st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
		t.Cleanup(runner.Shutdown)
		regions, err := NewRegions(st)
		if err != nil {
			t.Fatal(err)
		}
		o := NewOutcomes(st, audit, time.Now)
		if err := NewReference(st, regions, NewDepartments(st), NewCodeLists(st), NewCampaigns(st, audit, o, runner, time.Now)).Ensure(ctx); err != nil {
			t.Fatal(err)
		}
		demo := NewDemo(st, auth.Hasher{MemoryKiB: 64, Time: 1, Threads: 1}, regions, NewDepartments(st), o)
		if _, err := demo.SeedGenerated(ctx, 3, 20, GenerateOptions{}); err != nil {
			t.Fatal(err)
		}
		c, err := st.ActiveCampaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		whole := access.Scope{Whole: true}
		p, err := o.evaluatePage(ctx, c.ID, c.Parameters(), whole, "", "", 0, map[string]map[int64]string{})
		if err != nil || p == nil || len(p.save) != 20 {
			t.Fatalf("page: %+v %v", p, err)
		}
		// Household 5 is edited meanwhile (its version moves on).
		h, err := st.Household(ctx, whole, 5)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateHousehold(ctx, h); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(ctx context.Context) error { return o.storePage(ctx, c.ID, p) }); err != nil {
			t.Fatal(err)
		}
		for id := int64(1); id <= 20; id++ {
			got, err := st.OutcomeOf(ctx, id, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if id == 5 && got != nil {
				t.Fatalf("household 5 got the outcome of its version %d after it was edited", got.HouseholdVersion)
			}
			if id != 5 && (got == nil || got.HouseholdVersion != 1) {
				t.Fatalf("household %d: outcome %+v", id, got)
			}
		}
	})
}
