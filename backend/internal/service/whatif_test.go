package service_test

import (
	"context"
	"maps"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/rules"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// seedRegister fills the register with the demo's synthetic households
// (every outcome in every street) and their stored outcomes.
func seedRegister(t *testing.T, st *store.Store, n int) (*outcomeFixture, *service.Regions) {
	t.Helper()
	f := newOutcomeFixture(t, st)
	regions, err := service.NewRegions(st)
	if err != nil {
		t.Fatal(err)
	}
	demo := service.NewDemo(st, auth.Hasher{MemoryKiB: 64, Time: 1, Threads: 1}, regions, service.NewDepartments(st), f.outcomes)
	if _, err := demo.SeedHouseholds(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	return f, regions
}

// storedByHousehold reads every stored outcome of a campaign.
func storedByHousehold(t *testing.T, st *store.Store, campaignID int64) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	err := st.EachOutcome(context.Background(), access.Scope{Whole: true}, campaignID, store.OutcomeFilter{}, func(r store.OutcomeListRow) error {
		out[r.HouseholdID] = r.Outcome
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWhatIfAgreesWithARealRecomputation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f, _ := seedRegister(t, st, 300)
		c, _ := st.ActiveCampaign(ctx)
		before := storedByHousehold(t, st, c.ID)

		// The campaign's own parameters change nothing.
		same, err := f.outcomes.WhatIf(ctx, f.district, c.ID, service.WhatIfChange{PovertyLine: &c.PovertyLine})
		if err != nil {
			t.Fatal(err)
		}
		if same.Changed != 0 || len(same.Changes) != 0 || same.Households != int64(len(before)) || len(same.Streets) != 4 {
			t.Fatalf("own parameters: %d changed of %d (stored %d), %d streets", same.Changed, same.Households, len(before), len(same.Streets))
		}
		for _, s := range same.Streets {
			if !maps.Equal(s.Now, s.Then) || s.Changed != 0 || len(s.Now) != len(rules.Outcomes) {
				t.Fatalf("street %s: now %v then %v", s.Code, s.Now, s.Then)
			}
		}

		// A higher poverty line: the what-if stores nothing …
		line := decimal.NewFromInt(4200)
		w, err := f.outcomes.WhatIf(ctx, f.district, c.ID, service.WhatIfChange{PovertyLine: &line})
		if err != nil {
			t.Fatal(err)
		}
		if w.Changed == 0 || !w.Parameters.PovertyLine.Equal(line) || !w.Parameters.VehicleValueLimit.Equal(c.VehicleValueLimit) {
			t.Fatalf("line 4200: %d changed, parameters %+v", w.Changed, w.Parameters)
		}
		if now := storedByHousehold(t, st, c.ID); !maps.Equal(now, before) {
			t.Fatal("the what-if changed stored outcomes")
		}
		if after, _ := st.CampaignByID(ctx, c.ID); after.Version != c.Version || !after.PovertyLine.Equal(c.PovertyLine) {
			t.Fatalf("the what-if changed the campaign: %+v", after)
		}

		// … and predicts exactly what the real recomputation then stores.
		if _, _, err := f.campaigns.Update(ctx, f.district, c.ID, service.CampaignChange{Version: c.Version, PovertyLine: &line}); err != nil {
			t.Fatal(err)
		}
		f.runner.Wait()
		after := storedByHousehold(t, st, c.ID)
		predicted := map[int64]rules.Outcome{}
		for _, h := range w.Changes {
			predicted[h.HouseholdID] = h.Then
			if rules.Outcome(before[h.HouseholdID]) != h.Now || h.Code == "" || h.VillageName == "" || h.HeadName == "" {
				t.Fatalf("changed household %+v (stored before %s)", h, before[h.HouseholdID])
			}
		}
		var changed int64
		for id, o := range after {
			if o != before[id] {
				changed++
				if predicted[id] != rules.Outcome(o) {
					t.Errorf("household %d: recomputed %s, what-if said %q", id, o, predicted[id])
				}
			} else if _, ok := predicted[id]; ok {
				t.Errorf("household %d: what-if predicted a change to %s, stayed %s", id, predicted[id], o)
			}
		}
		if changed != w.Changed || int64(len(w.Changes)) != min(w.Changed, service.WhatIfListCap) || w.Truncated != (w.Changed > service.WhatIfListCap) {
			t.Fatalf("recomputation changed %d, what-if %d (%d listed)", changed, w.Changed, len(w.Changes))
		}
		for _, s := range w.Streets {
			counts, err := st.OutcomeCounts(ctx, access.Scope{Whole: true}, c.ID, store.OutcomeFilter{StreetCode: s.Code})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range rules.Outcomes {
				if counts[string(o)] != s.Then[o] {
					t.Errorf("street %s %s: stored %d after recomputing, what-if said %d", s.Code, o, counts[string(o)], s.Then[o])
				}
			}
		}
		// Now that the line is the campaign's, trying it again changes nothing.
		again, err := f.outcomes.WhatIf(ctx, f.district, c.ID, service.WhatIfChange{})
		if err != nil || again.Changed != 0 {
			t.Fatalf("after the recomputation: %v, %d changed", err, again.Changed)
		}
		t.Logf("%d households, %d change at a line of 4200", w.Households, w.Changed)
	})
}

func TestWhatIfStaysInTheCallersScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f, regions := seedRegister(t, st, 150)
		c, _ := st.ActiveCampaign(ctx)
		line := decimal.NewFromInt(4200)
		whole, err := f.outcomes.WhatIf(ctx, f.district, c.ID, service.WhatIfChange{PovertyLine: &line})
		if err != nil {
			t.Fatal(err)
		}
		byStreet := map[string]service.WhatIfStreet{}
		for _, s := range whole.Streets {
			byStreet[s.Code] = s
		}

		const own, other = "530103012", "530103009"
		sc, err := regions.Scope(ctx, access.Street, access.Grant{Street: own})
		if err != nil {
			t.Fatal(err)
		}
		street := access.Actor{Username: "street-" + own, Role: access.Street, Scope: sc}
		w, err := f.outcomes.WhatIf(ctx, street, c.ID, service.WhatIfChange{PovertyLine: &line})
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Streets) != 1 || w.Streets[0].Code != own || w.Changed != byStreet[own].Changed || !maps.Equal(w.Streets[0].Then, byStreet[own].Then) {
			t.Fatalf("street account: %+v, want only %s as in %+v", w.Streets, own, byStreet[own])
		}
		var n int64
		for _, v := range w.Streets[0].Now {
			n += v
		}
		if w.Households != n || n == 0 {
			t.Fatalf("street households %d, counted %d", w.Households, n)
		}
		for _, h := range w.Changes {
			if h.StreetCode != own {
				t.Fatalf("street account sees household %s of street %s", h.Code, h.StreetCode)
			}
		}
		// Another street, or a village of it, is not found; a village of its own is fine.
		if _, err := f.outcomes.WhatIf(ctx, street, c.ID, service.WhatIfChange{Street: other}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another street: %v", err)
		}
		if _, err := f.outcomes.WhatIf(ctx, street, c.ID, service.WhatIfChange{Village: other + "001"}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a village of another street: %v", err)
		}
		v, err := f.outcomes.WhatIf(ctx, street, c.ID, service.WhatIfChange{Village: own + "004", PovertyLine: &line})
		if err != nil || len(v.Streets) != 1 || v.Households > w.Households {
			t.Fatalf("own village: %v %+v", err, v)
		}
		for _, h := range v.Changes {
			if h.VillageCode != own+"004" {
				t.Fatalf("village what-if lists %s", h.Code)
			}
		}

		// A check team sees its two streets.
		tsc, _ := regions.Scope(ctx, access.CheckTeam, access.Grant{Team: "B"})
		team, err := f.outcomes.WhatIf(ctx, access.Actor{Username: "team-B", Role: access.CheckTeam, Scope: tsc}, c.ID, service.WhatIfChange{PovertyLine: &line})
		if err != nil {
			t.Fatal(err)
		}
		if len(team.Streets) != 2 || team.Changed != byStreet["530103009"].Changed+byStreet["530103011"].Changed {
			t.Fatalf("team B: %+v", team.Streets)
		}

		// Parameters are checked as a campaign's are.
		bad := decimal.NewFromInt(-1)
		if _, err := f.outcomes.WhatIf(ctx, f.district, c.ID, service.WhatIfChange{PovertyLine: &bad}); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("negative line: %v", err)
		}
		year := 2010
		if _, err := f.outcomes.WhatIf(ctx, f.district, c.ID, service.WhatIfChange{IncomeYear: &year}); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("income year 2010: %v", err)
		}
		if _, err := f.outcomes.WhatIf(ctx, f.district, 99, service.WhatIfChange{}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown campaign: %v", err)
		}
	})
}
