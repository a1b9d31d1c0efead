package service_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// clock is a settable now for the session limits.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestSessionIdleAndAbsoluteLimits: a session unused for the idle time ends,
// and no amount of use keeps one past its absolute limit (身份鉴别 8.1.4.1 b).
func TestSessionIdleAndAbsoluteLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2017, 6, 1, 9, 0, 0, 0, time.UTC)}
		hasher := auth.Hasher{MemoryKiB: 64, Time: 1}
		hash, err := hasher.Hash("Audit@2017x")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateUser(ctx, &store.User{Username: "aud", DisplayName: "审计", Role: access.Auditor,
			PasswordHash: hash, PasswordChangedAt: clk.now(), Version: 1}); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		regions, err := service.NewRegions(st)
		if err != nil {
			t.Fatal(err)
		}
		signer := auth.Signer{Key: []byte("session-test-key-session-test-key"), KeyID: "t1", TTL: 15 * time.Minute, Now: clk.now}
		s, err := service.NewSessions(st, signer, hasher, service.NewAuditLog(st, clk.now, loc), regions, service.SessionPolicy{
			AccessTTL: 15 * time.Minute, RefreshTTL: 12 * time.Hour, Idle: 30 * time.Minute, Limit: 12 * time.Hour,
			MaxFailures: 5, FailureWindow: 15 * time.Minute, LockDuration: 30 * time.Minute,
		}, clk.now, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		c := service.Client{RequestID: "req-session-test", IP: "127.0.0.1"}
		unauthorized := func(err error) bool { return apperr.Is(err, apperr.Unauthorized) }

		// Idle: a refresh 29 minutes after the last use works, one 31 minutes after does not.
		tok, err := s.Login(ctx, c, "aud", "Audit@2017x")
		if err != nil {
			t.Fatal(err)
		}
		clk.add(29 * time.Minute)
		if tok, err = s.Refresh(ctx, c, tok.RefreshToken); err != nil {
			t.Fatalf("refresh within the idle time: %v", err)
		}
		clk.add(31 * time.Minute)
		if _, err := s.Refresh(ctx, c, tok.RefreshToken); !unauthorized(err) {
			t.Fatalf("refresh after 31 idle minutes: %v, want unauthorized", err)
		}

		// Absolute: used every 20 minutes, the session still ends at 12 hours.
		tok, err = s.Login(ctx, c, "aud", "Audit@2017x")
		if err != nil {
			t.Fatal(err)
		}
		for elapsed := 20 * time.Minute; elapsed < 12*time.Hour; elapsed += 20 * time.Minute {
			clk.add(20 * time.Minute)
			if tok, err = s.Refresh(ctx, c, tok.RefreshToken); err != nil {
				t.Fatalf("refresh at %v: %v", elapsed, err)
			}
		}
		clk.add(20 * time.Minute)
		if _, err := s.Refresh(ctx, c, tok.RefreshToken); !unauthorized(err) {
			t.Fatalf("refresh past the 12-hour limit: %v, want unauthorized", err)
		}
		if _, err := s.Authenticate(ctx, c, tok.AccessToken); !unauthorized(err) {
			t.Fatalf("access token of an ended session: %v, want unauthorized", err)
		}
	})
}
