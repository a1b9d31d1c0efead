package store_test

import (
	"context"
	"testing"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// Failures count towards a lock within the window only: five in 15 minutes
// lock, five spread over a day do not.
func TestFailedLoginsCountWithinTheWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := &store.User{Username: "u1", DisplayName: "u", Role: access.Street, PasswordHash: "h", PasswordChangedAt: time.Now().UTC()}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2017, 6, 1, 9, 0, 0, 0, time.UTC)
		window := 15 * time.Minute
		for i, gap := range []time.Duration{0, time.Minute, 2 * time.Minute} {
			n, err := st.RecordFailedLogin(ctx, u.ID, start.Add(gap), window)
			if err != nil || n != i+1 {
				t.Fatalf("failure %d: count %d %v", i+1, n, err)
			}
		}
		// An hour later the earlier failures no longer count.
		n, err := st.RecordFailedLogin(ctx, u.ID, start.Add(time.Hour), window)
		if err != nil || n != 1 {
			t.Fatalf("after the window: count %d %v", n, err)
		}
	})
}
