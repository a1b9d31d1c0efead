package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
)

// TestStartWithoutDemoCreatesNoAccounts: a start without --demo sets up the
// schema and reference data but never an account with a known password
// (api-contract.md). The listen address is taken so that serve stops right
// after everything it does before taking traffic.
func TestStartWithoutDemoCreatesNoAccounts(t *testing.T) {
	keys, err := sealing.Generate()
	if err != nil {
		t.Fatal(err)
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	t.Setenv("JZ_DATA_KEYS", strings.ReplaceAll(strings.TrimSpace(keys), "\n", ","))
	t.Setenv("JZ_DATA_KEY_FILE", "")
	t.Setenv("JZ_DEMO", "false")
	t.Setenv("JZ_DB_DSN", "")
	t.Setenv("JZ_JWT_SECRET", "a-jwt-secret-for-this-test-only-0123456789")
	var stdout, stderr bytes.Buffer
	if got := run([]string{"serve", "--data-dir", dir, "--addr", taken.Addr().String()}, nil, &stdout, &stderr); got != 1 ||
		!strings.Contains(stderr.String(), "address already in use") {
		t.Fatalf("serve on a taken address: exit %d, %s", got, stderr.String())
	}
	st, err := store.Open("", filepath.Join(dir, "jingzhun.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountUsers(context.Background())
	if err != nil {
		t.Fatalf("the start did not migrate: %v", err)
	}
	if n != 0 {
		t.Fatalf("a start without --demo created %d accounts", n)
	}
	if strings.Contains(stdout.String(), "Jingzhun@2017") {
		t.Fatalf("a start without --demo printed the demo password: %s", stdout.String())
	}
}
