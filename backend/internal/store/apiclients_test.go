package store_test

import (
	"context"
	"testing"
	"time"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// An API client's use is recorded at most once a minute, revocation is
// final and a revoked client's secret cannot be rotated.
func TestAPIClientRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2017, 6, 1, 8, 0, 0, 0, time.UTC)
		c := &store.APIClient{ClientID: "jzc_x", SecretHash: "h1", SecretVersion: 1, Name: "n", Organisation: "o",
			Scopes: "register:read", RatePerMinute: 60, CreatedAt: t0, CreatedBy: "admin"}
		if err := st.CreateAPIClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		last := func() time.Time {
			r, err := st.APIClientByClientID(ctx, "jzc_x")
			if err != nil || r == nil || r.LastUsedAt == nil {
				t.Fatalf("%+v %v", r, err)
			}
			return r.LastUsedAt.UTC()
		}
		for _, at := range []time.Time{t0, t0.Add(30 * time.Second)} {
			if err := st.TouchAPIClient(ctx, c.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		if !last().Equal(t0) {
			t.Fatalf("touched within the minute: %v", last())
		}
		if err := st.TouchAPIClient(ctx, c.ID, t0.Add(61*time.Second)); err != nil || !last().Equal(t0.Add(61*time.Second)) {
			t.Fatalf("not touched after a minute: %v %v", last(), err)
		}

		if ok, err := st.RotateAPIClientSecret(ctx, c.ID, "h2", "admin", t0); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if ok, err := st.RevokeAPIClient(ctx, c.ID, "admin", "r", t0); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if ok, _ := st.RevokeAPIClient(ctx, c.ID, "admin", "r", t0); ok {
			t.Fatal("revoked twice")
		}
		if ok, _ := st.RotateAPIClientSecret(ctx, c.ID, "h3", "admin", t0); ok {
			t.Fatal("a revoked client's secret rotated")
		}
		r, _ := st.APIClientByID(ctx, c.ID)
		if r.SecretHash != "h2" || r.SecretVersion != 2 || r.RevokedAt == nil || r.Version != 3 {
			t.Fatalf("row: %+v", r)
		}
		if r, err := st.APIClientByClientID(ctx, "jzc_none"); r != nil || err != nil {
			t.Fatal(r, err)
		}
		if e, err := st.RegisterEntryByIDIndex(ctx, "nobody"); e != nil || err != nil {
			t.Fatal(e, err)
		}
	})
}
