package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// TestAuditCommands: `jingzhun audit verify` exits 0 on a whole chain and 1
// naming the first broken seq; `audit purge` refuses a retention under 180
// days and otherwise removes only what is older.
func TestAuditCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JZ_DATA_KEYS", storetest.KeyText)
	t.Setenv("JZ_DB_DSN", "")
	st, err := store.Open("", filepath.Join(dir, "jingzhun.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st.SetKeys(storetest.Keys(t))
	for i, at := range []time.Time{time.Now().AddDate(-1, 0, 0), time.Now().AddDate(-1, 0, 0), time.Now(), time.Now()} {
		if err := st.AppendAudit(ctx, &store.AuditEvent{At: at, Username: "u", Action: "x.y", ObjectID: string(rune('a' + i)), Changes: "[]", Result: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	cmd := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(append(args, "--data-dir", dir), strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errs := cmd("audit", "verify"); code != 0 || !strings.Contains(out, "4 records verified") {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}
	t.Setenv("JZ_AUDIT_RETENTION", "90")
	if code, _, errs := cmd("audit", "purge"); code != 1 || !strings.Contains(errs, "180 days") {
		t.Fatalf("purge with 90 days: %d %q", code, errs)
	}
	t.Setenv("JZ_AUDIT_RETENTION", "180d")
	if code, out, errs := cmd("audit", "purge"); code != 0 || !strings.Contains(out, "removed 2 records") {
		t.Fatalf("purge: %d %q %q", code, out, errs)
	}
	// What is left, with the purge's record, still verifies.
	if code, out, errs := cmd("audit", "verify"); code != 0 || !strings.Contains(out, "3 records verified (seq 3–5)") || !strings.Contains(out, "purged up to seq 2") {
		t.Fatalf("verify after purge: %d %q %q", code, out, errs)
	}
	db, _ := st.SQL()
	if _, err := db.Exec("UPDATE audit_events SET object_id = 'z' WHERE seq = 4"); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := cmd("audit", "verify"); code != 1 || !strings.Contains(errs, "BROKEN at seq 4") {
		t.Fatalf("verify after an edit: %d %q", code, errs)
	}
	if code, _, _ := cmd("audit"); code != 2 {
		t.Fatalf("audit without a subcommand: %d", code)
	}
	st.Close()
}
