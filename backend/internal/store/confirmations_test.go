package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

func TestVillageFactsVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seedRegions(t, st)
		whole := access.Scope{Whole: true}
		v, err := st.VillageFacts(ctx, whole, "530103012004")
		if err != nil || v.Version != 0 || v.Households != nil {
			t.Fatalf("empty facts: %+v %v", v, err)
		}
		n, yes := 120, true
		income := decimal.RequireFromString("52000.50")
		v.Households, v.BroadcastTV, v.CollectiveIncome, v.ResidentWorkTeam, v.UpdatedBy = &n, &yes, &income, "驻村工作队 𠮷", "officer"
		if err := st.SaveVillageFacts(ctx, v); err != nil || v.Version != 1 {
			t.Fatalf("first save: %v %d", err, v.Version)
		}
		again := &register.VillageFacts{VillageCode: "530103012004"}
		if err := st.SaveVillageFacts(ctx, again); !apperr.Is(err, apperr.VersionConflict) {
			t.Fatalf("second first save: %v", err)
		}
		got, err := st.VillageFacts(ctx, whole, "530103012004")
		if err != nil || got.Version != 1 || *got.Households != 120 || got.BroadcastTV == nil || !*got.BroadcastTV ||
			got.CollectiveIncome.StringFixed(2) != "52000.50" || got.ResidentWorkTeam != "驻村工作队 𠮷" || got.UpdatedBy != "officer" {
			t.Fatalf("read back: %+v %v", got, err)
		}
		got.Households = nil
		if err := st.SaveVillageFacts(ctx, got); err != nil || got.Version != 2 {
			t.Fatalf("update: %v", err)
		}
		stale := *got
		stale.Version = 1
		if err := st.SaveVillageFacts(ctx, &stale); !apperr.Is(err, apperr.VersionConflict) {
			t.Fatalf("stale update: %v", err)
		}
		if _, err := st.VillageFacts(ctx, access.Scope{Villages: []string{"530103012005"}}, "530103012004"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("out of scope: %v", err)
		}
		if _, err := st.VillageFacts(ctx, whole, "530103019999"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown village: %v", err)
		}
	})
}

func TestConfirmationsSealedAndReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		id := "530103195110080015"
		put := func(member int64, field, state string, v *string) {
			c := &store.Confirmation{CampaignID: 1, Entity: store.EntityHousehold, EntityRef: "7", HouseholdID: 7, MemberID: member,
				Field: field, Department: "police", State: state, Value: v, Username: "dept-police", At: time.Now().UTC()}
			if err := st.PutConfirmation(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		put(3, "members.id_number", store.StateConfirmed, &id)
		put(3, "members.id_number", store.StateDisputed, &id) // replaces
		put(4, "members.id_number", store.StateConfirmed, nil)
		put(0, "hukou", store.StateConfirmed, nil)

		db, _ := st.SQL()
		var raw string
		if err := db.QueryRow("SELECT value FROM field_confirmations WHERE member_id = 3").Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, id) || !strings.HasPrefix(raw, "v1:") {
			t.Fatalf("value stored in clear: %q", raw)
		}
		cs, err := st.Confirmations(ctx, 1, store.EntityHousehold, "police", []string{"7"})
		if err != nil || len(cs) != 3 {
			t.Fatalf("read: %v %v", cs, err)
		}
		for _, c := range cs {
			if c.MemberID == 3 && (c.State != store.StateDisputed || c.Value == nil || *c.Value != id) {
				t.Fatalf("member 3: %+v", c)
			}
			if c.MemberID == 4 && c.Value != nil {
				t.Fatalf("nil value read back as %q", *c.Value)
			}
		}
		versions, err := st.KeyVersions(ctx)
		if err != nil || versions[1] < 3 {
			t.Fatalf("key versions: %v %v", versions, err)
		}

		// Member 3's ID number changed; member 4 left the household.
		if err := st.ResetConfirmations(ctx, 7, []store.ConfirmationKey{{MemberID: 3, Field: "members.id_number"}}, []int64{3}); err != nil {
			t.Fatal(err)
		}
		cs, _ = st.Confirmations(ctx, 1, store.EntityHousehold, "police", []string{"7"})
		if len(cs) != 1 || cs[0].Field != "hukou" {
			t.Fatalf("after reset: %+v", cs)
		}
	})
}
