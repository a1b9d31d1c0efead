package api

import (
	"strings"
	"testing"
	"time"
)

// Every full-record read named for the strict budget is a real route (a
// renamed route must not silently lose its limit), and every download of
// data is an export.
func TestStrictClassesCoverTheRoutes(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Routes() {
		key := r.Method + " " + r.Path
		seen[key] = true
		got := strictClass(r)
		switch {
		case r.Path == "/auth/login" || r.Path == "/auth/mfa":
			if got != classLogin {
				t.Errorf("%s: %q, want the sign-in budget", key, got)
			}
		case r.Method == "GET" && (strings.Contains(r.Path, "export")):
			if got != classExport {
				t.Errorf("%s: %q, want the export budget", key, got)
			}
		case strings.HasSuffix(r.Path, "template"):
			if got != "" {
				t.Errorf("%s: a blank template spends %q", key, got)
			}
		}
	}
	for key := range recordReads {
		if !seen[key] {
			t.Errorf("full-record read %s is not a route", key)
		}
	}
}

func TestKeyLimiterRefillsAndForgets(t *testing.T) {
	l := newKeyLimiter(60) // one a second, a burst of 60
	now := time.Unix(1_800_000_000, 0)
	for i := 0; i < 60; i++ {
		if d := l.reserve("a", now); d != 0 {
			t.Fatalf("request %d refused", i)
		}
	}
	if d := l.reserve("a", now); d <= 0 || d > time.Second {
		t.Fatalf("61st request: wait %v, want up to a second", d)
	}
	if d := l.reserve("b", now); d != 0 {
		t.Fatal("another key shares the bucket")
	}
	if d := l.reserve("a", now.Add(time.Second)); d != 0 {
		t.Fatal("no refill after a second")
	}
	l.reserve("c", now.Add(5*time.Minute)) // sweeps the idle buckets
	if len(l.buckets) != 1 {
		t.Fatalf("idle buckets kept: %d", len(l.buckets))
	}
}
