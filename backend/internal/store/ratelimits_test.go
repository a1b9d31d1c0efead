package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// The counter is one atomic upsert: concurrent hits are all counted, a new
// window starts from one, and the sweep removes only ended windows.
func TestRateLimitCounter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 8, 10, 0, 30, 0, time.UTC)
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := st.HitRateLimit(ctx, "login:192.0.2.1", time.Minute, now); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		n, end, err := st.HitRateLimit(ctx, "login:192.0.2.1", time.Minute, now)
		if err != nil || n != 21 || !end.Equal(time.Date(2026, 12, 8, 10, 1, 0, 0, time.UTC)) {
			t.Fatalf("after 21 hits: %d %v %v", n, end, err)
		}
		if n, _, _ := st.HitRateLimit(ctx, "login:192.0.2.2", time.Minute, now); n != 1 {
			t.Fatalf("another bucket shares the count: %d", n)
		}
		next := now.Add(time.Minute)
		if n, _, _ := st.HitRateLimit(ctx, "login:192.0.2.1", time.Minute, next); n != 1 {
			t.Fatalf("the next window did not start afresh: %d", n)
		}
		gone, err := st.SweepRateLimits(ctx, next.Truncate(time.Minute))
		if err != nil || gone != 2 {
			t.Fatalf("sweep removed %d (%v), want the two old windows", gone, err)
		}
		if n, _, _ := st.HitRateLimit(ctx, "login:192.0.2.1", time.Minute, next); n != 2 {
			t.Fatalf("the sweep removed the current window: %d", n)
		}
	})
}
