package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

func auditAppend(t *testing.T, st *store.Store, n int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		uid := int64(i + 1)
		err := st.AppendAudit(ctx, &store.AuditEvent{At: at, UserID: &uid, Username: fmt.Sprintf("user-%d", i), Role: "district",
			Action: "household.update", ObjectType: "household", ObjectID: fmt.Sprint(100 + i),
			Changes: `[{"field":"phone","before":"139****0000","after":"139****0001"}]`, Result: "ok", Reason: "原因 𠮷",
			RequestID: fmt.Sprintf("req-%08d", i), ClientIP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// auditCase runs fn on both databases as a named subtest. (Two Each in one
// test would share one SQLite file: the "#01" Go adds to the second
// subtest's name ends the file: URI in store.Open.)
func auditCase(t *testing.T, name string, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	t.Run(name, func(t *testing.T) { storetest.Each(t, fn) })
}

func auditCheck(t *testing.T, st *store.Store) store.AuditVerification {
	t.Helper()
	v, err := st.VerifyAuditChain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func auditMustBreak(t *testing.T, st *store.Store, seq int64, problem string) {
	t.Helper()
	v := auditCheck(t, st)
	if v.Break == nil {
		t.Fatalf("want a break at seq %d (%s), the chain verified: %+v", seq, problem, v)
	}
	if v.Break.Seq != seq || v.Break.Problem != problem {
		t.Fatalf("want a break at seq %d (%s), got %+v", seq, problem, *v.Break)
	}
}

func auditMustVerify(t *testing.T, st *store.Store, records int64) store.AuditVerification {
	t.Helper()
	v := auditCheck(t, st)
	if v.Break != nil {
		t.Fatalf("chain broken: %+v", *v.Break)
	}
	if v.Records != records {
		t.Fatalf("verified %d records, want %d: %+v", v.Records, records, v)
	}
	return v
}

func auditDB(t *testing.T, st *store.Store) *sql.DB {
	t.Helper()
	db, err := st.SQL()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func execSQL(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestAuditChainVerifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		// An empty log verifies.
		auditMustVerify(t, st, 0)
		auditAppend(t, st, 30, time.Now())
		// Several records in one transaction take consecutive numbers.
		err := st.InTx(ctx, func(ctx context.Context) error {
			for i := 0; i < 3; i++ {
				if err := st.AppendAudit(ctx, &store.AuditEvent{At: time.Now(), Username: "u", Action: "x.y", Changes: "[]", Result: "ok"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		v := auditMustVerify(t, st, 33)
		if v.FirstSeq != 1 || v.LastSeq != 33 || v.HeadSeq != 33 || len(v.HeadHash) != 64 {
			t.Fatalf("verification: %+v", v)
		}
		es, _, err := st.AuditEvents(ctx, store.AuditFilter{Page: 1, PageSize: 1})
		if err != nil || es[0].Seq == nil || *es[0].Seq != 33 || es[0].Hash != v.HeadHash || len(es[0].PrevHash) != 64 {
			t.Fatalf("newest record: %+v %v", es, err)
		}
	})
}

// The head row is locked by each writer: concurrent writers make one
// unbroken chain. Without the lock two writers take the same seq (refused
// by the unique index, so appends fail) or fork the chain.
func TestAuditChainConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// SQLite gets fewer writers: under eight at once its driver now and
		// then answers SQLITE_BUSY past InTx's retries, with or without the
		// audit log (a plain INSERT and UPDATE do it too).
		writers, each := 8, 15
		if st.Dialect == "sqlite" {
			writers = 4
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					errs <- st.InTx(context.Background(), func(ctx context.Context) error {
						for j := 0; j < 1+i%2; j++ {
							if err := st.AppendAudit(ctx, &store.AuditEvent{At: time.Now(), Username: fmt.Sprintf("w%d", w),
								Action: "x.y", ObjectID: fmt.Sprint(i), Changes: "[]", Result: "ok"}); err != nil {
								return err
							}
						}
						return nil
					})
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		per := int64(0)
		for i := 0; i < each; i++ {
			per += int64(1 + i%2)
		}
		auditMustVerify(t, st, int64(writers)*per)
	})
}

// A transaction's records are chained when it commits, so an open
// transaction that has recorded something does not hold the chain's head:
// another writer appends meanwhile. (SQLite has one writer at a time anyway.)
func TestAuditHeadNotHeldByOpenTransaction(t *testing.T) {
	st := storetest.MySQL(t)
	recorded, done := make(chan struct{}), make(chan error, 1)
	go func() {
		<-recorded
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- st.AppendAudit(ctx, &store.AuditEvent{At: time.Now(), Username: "b", Action: "x.y", Changes: "[]", Result: "ok"})
	}()
	err := st.InTx(context.Background(), func(ctx context.Context) error {
		if err := st.AppendAudit(ctx, &store.AuditEvent{At: time.Now(), Username: "a", Action: "x.y", Changes: "[]", Result: "ok"}); err != nil {
			return err
		}
		close(recorded)
		select {
		case err := <-done:
			return err
		case <-time.After(8 * time.Second):
			return fmt.Errorf("the second writer waited for the open transaction")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	auditMustVerify(t, st, 2)
}

func TestAuditVerifyDetectsEdits(t *testing.T) {
	edits := []struct {
		name, stmt string
		problem    string
	}{
		{"reason", "UPDATE audit_events SET reason = 'nothing happened' WHERE seq = 4", store.AuditAltered},
		{"username", "UPDATE audit_events SET username = 'someone-else' WHERE seq = 4", store.AuditAltered},
		{"result", "UPDATE audit_events SET result = 'ok', changes = '[]' WHERE seq = 4", store.AuditAltered},
		{"time", "UPDATE audit_events SET at = ? WHERE seq = 4", store.AuditAltered},
		{"user id", "UPDATE audit_events SET user_id = NULL WHERE seq = 4", store.AuditAltered},
		{"client ip", "UPDATE audit_events SET client_ip = '10.0.0.1' WHERE seq = 4", store.AuditAltered},
		{"hash", "UPDATE audit_events SET hash = '" + strings.Repeat("0", 64) + "' WHERE seq = 4", store.AuditAltered},
		{"prev hash", "UPDATE audit_events SET prev_hash = '' WHERE seq = 4", store.AuditUnlinked},
		{"seq moved away", "UPDATE audit_events SET seq = 1000 WHERE seq = 4", store.AuditMissing},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				auditAppend(t, st, 8, time.Now())
				auditMustVerify(t, st, 8)
				var args []any
				if strings.Contains(e.stmt, "?") {
					args = append(args, time.Now().Add(-time.Hour).UTC())
				}
				execSQL(t, auditDB(t, st), e.stmt, args...)
				auditMustBreak(t, st, 4, e.problem)
			})
		})
	}
}

func TestAuditVerifyDetectsInsertedRecords(t *testing.T) {
	const cols = "(at, username, role, action, object_type, object_id, changes, result, reason, request_id, client_ip, seq, prev_hash, hash)"
	now := time.Now().UTC()
	auditCase(t, "beyond head", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 6, now)
		db := auditDB(t, st)
		var headHash string
		if err := db.QueryRow("SELECT last_hash FROM audit_chain WHERE id = 1").Scan(&headHash); err != nil {
			t.Fatal(err)
		}
		// Beyond the head.
		execSQL(t, db, "INSERT INTO audit_events "+cols+" VALUES (?, 'x', 'district', 'user.create', '', '', '[]', 'ok', '', '', '', 7, ?, ?)",
			now, headHash, strings.Repeat("a", 64))
		// Its hash is not the keyed one, with or without the head moved
		// too (as an account that may write the head could).
		auditMustBreak(t, st, 7, store.AuditAltered)
		execSQL(t, db, "UPDATE audit_chain SET last_seq = 7, last_hash = ? WHERE id = 1", strings.Repeat("a", 64))
		auditMustBreak(t, st, 7, store.AuditAltered)
	})
	auditCase(t, "head rolled back", func(t *testing.T, st *store.Store) {
		// The head taken back one record, as if the newest were never
		// written: the newest is beyond it.
		auditAppend(t, st, 6, now)
		db := auditDB(t, st)
		execSQL(t, db, "UPDATE audit_chain SET last_seq = 5, last_hash = (SELECT hash FROM audit_events WHERE seq = 5) WHERE id = 1")
		auditMustBreak(t, st, 6, store.AuditBeyondHead)
		// Its hash changed instead: the head names another record.
		execSQL(t, db, "UPDATE audit_chain SET last_seq = 6, last_hash = ? WHERE id = 1", strings.Repeat("c", 64))
		auditMustBreak(t, st, 6, store.AuditHeadMismatch)
	})
	auditCase(t, "in the middle", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 6, now)
		db := auditDB(t, st)
		// In the middle: the later records moved up one to make room.
		for seq := 6; seq >= 3; seq-- {
			execSQL(t, db, "UPDATE audit_events SET seq = ? WHERE seq = ?", seq+1, seq)
		}
		var prev string
		if err := db.QueryRow("SELECT hash FROM audit_events WHERE seq = 2").Scan(&prev); err != nil {
			t.Fatal(err)
		}
		execSQL(t, db, "INSERT INTO audit_events "+cols+" VALUES (?, 'x', 'district', 'user.create', '', '', '[]', 'ok', '', '', '', 3, ?, ?)",
			now, prev, strings.Repeat("b", 64))
		auditMustBreak(t, st, 3, store.AuditAltered)
	})
	auditCase(t, "without seq", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 3, now)
		// Outside the chain altogether, without a seq.
		execSQL(t, auditDB(t, st), "INSERT INTO audit_events "+cols+" VALUES (?, 'x', 'district', 'user.create', '', '', '[]', 'ok', '', '', '', NULL, '', '')", now)
		auditMustBreak(t, st, 4, store.AuditUnchained)
		// It is never taken into the chain later.
		if n, err := st.ChainLegacyAudit(context.Background()); err != nil || n != 0 {
			t.Fatalf("chained %d records after the chain began: %v", n, err)
		}
		auditMustBreak(t, st, 4, store.AuditUnchained)
	})
}

func TestAuditVerifyDetectsRemovedRecords(t *testing.T) {
	auditCase(t, "middle", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 10, time.Now())
		execSQL(t, auditDB(t, st), "DELETE FROM audit_events WHERE seq = 5")
		auditMustBreak(t, st, 5, store.AuditMissing)
	})
	auditCase(t, "newest", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 10, time.Now())
		execSQL(t, auditDB(t, st), "DELETE FROM audit_events WHERE seq >= 9")
		auditMustBreak(t, st, 9, store.AuditMissingNewest)
	})
	auditCase(t, "first", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 10, time.Now())
		execSQL(t, auditDB(t, st), "DELETE FROM audit_events WHERE seq = 1")
		auditMustBreak(t, st, 1, store.AuditMissing)
	})
	auditCase(t, "all", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 3, time.Now())
		execSQL(t, auditDB(t, st), "DELETE FROM audit_events")
		auditMustBreak(t, st, 1, store.AuditMissingNewest)
	})
}

// Records written before migration 0013 are chained once, in id order, at
// start-up; verification reports them until then.
func TestAuditLegacyRecordsChained(t *testing.T) {
	auditCase(t, "legacy", func(t *testing.T, st *store.Store) {
		db := auditDB(t, st)
		for _, id := range []int{10, 3, 7} { // ids with gaps, inserted out of order
			execSQL(t, db, "INSERT INTO audit_events (id, at, username, role, action, object_type, object_id, changes, result, reason, request_id, client_ip)"+
				" VALUES (?, ?, 'old', 'district', 'user.update', 'user', ?, '[]', 'ok', '', '', '')", id, time.Now().UTC(), fmt.Sprint(id))
		}
		auditMustBreak(t, st, 0, store.AuditNotChained)
		n, err := st.ChainLegacyAudit(context.Background())
		if err != nil || n != 3 {
			t.Fatalf("chained %d: %v", n, err)
		}
		auditMustVerify(t, st, 3)
		rows, err := db.Query("SELECT id FROM audit_events ORDER BY seq")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for rows.Next() {
			var id int
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if fmt.Sprint(ids) != "[3 7 10]" {
			t.Fatalf("chained in id order: %v", ids)
		}
		if n, err := st.ChainLegacyAudit(context.Background()); err != nil || n != 0 {
			t.Fatalf("second run chained %d: %v", n, err)
		}
		auditAppend(t, st, 2, time.Now())
		auditMustVerify(t, st, 5)
	})
	// The first append chains them if start-up did not.
	auditCase(t, "first append", func(t *testing.T, st *store.Store) {
		execSQL(t, auditDB(t, st), "INSERT INTO audit_events (at, username, role, action, object_type, object_id, changes, result, reason, request_id, client_ip)"+
			" VALUES (?, 'old', 'district', 'user.update', 'user', '1', '[]', 'ok', '', '', '')", time.Now().UTC())
		auditAppend(t, st, 1, time.Now())
		auditMustVerify(t, st, 2)
	})
}

func auditPurge(t *testing.T, st *store.Store, cutoff time.Time, limit int) store.AuditAnchor {
	t.Helper()
	var a store.AuditAnchor
	err := st.InTx(context.Background(), func(ctx context.Context) error {
		var err error
		a, err = st.PurgeAuditBefore(ctx, cutoff, "tester@host as sqlite", limit)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func auditCount(t *testing.T, st *store.Store, where string) int {
	t.Helper()
	var n int
	if err := auditDB(t, st).QueryRow("SELECT COUNT(*) FROM audit_events WHERE " + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAuditPurgeByAge(t *testing.T) {
	now := time.Now().UTC()
	cutoff := now.AddDate(0, 0, -180)
	auditCase(t, "runs", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 7, now.AddDate(0, 0, -200)) // seq 1–7, old
		auditAppend(t, st, 1, now.AddDate(0, 0, -10))  // seq 8, young
		auditAppend(t, st, 2, now.AddDate(0, 0, -190)) // seq 9–10, old but after a young one
		auditAppend(t, st, 3, now)                     // seq 11–13
		// In runs of 3: anchors at 3, 6, 7.
		var anchors []store.AuditAnchor
		for {
			a := auditPurge(t, st, cutoff, 3)
			if a.Count == 0 {
				break
			}
			anchors = append(anchors, a)
		}
		if len(anchors) != 3 || anchors[2].Seq != 7 || anchors[0].Count+anchors[1].Count+anchors[2].Count != 7 {
			t.Fatalf("anchors: %+v", anchors)
		}
		// Only the old records at the start went; the young one stops the
		// purge, and the old ones after it stay too.
		if n := auditCount(t, st, "1 = 1"); n != 6 || auditCount(t, st, "seq <= 7") != 0 {
			t.Fatalf("%d records left", n)
		}
		v := auditMustVerify(t, st, 6)
		if v.AnchorSeq != 7 || v.FirstSeq != 8 || v.Anchors != 3 {
			t.Fatalf("after purge: %+v", v)
		}
		// Writing goes on after a purge.
		auditAppend(t, st, 1, now)
		auditMustVerify(t, st, 7)

		db := auditDB(t, st)
		// A record removed after the purge that was not old enough is
		// still noticed: the first kept one.
		execSQL(t, db, "DELETE FROM audit_events WHERE seq = 8")
		auditMustBreak(t, st, 8, store.AuditMissing)
	})
	auditCase(t, "anchors", func(t *testing.T, st *store.Store) {
		auditAppend(t, st, 4, now.AddDate(0, 0, -200))
		auditAppend(t, st, 2, now)
		auditPurge(t, st, cutoff, 2) // anchor at 2
		auditPurge(t, st, cutoff, 2) // anchor at 4
		auditMustVerify(t, st, 2)
		db := auditDB(t, st)
		// Removing the newest anchor makes the records it stood for missing.
		execSQL(t, db, "DELETE FROM audit_anchors WHERE seq = 4")
		auditMustBreak(t, st, 3, store.AuditMissing)
		// A forged anchor does not verify.
		execSQL(t, db, "INSERT INTO audit_anchors (seq, hash, purged_at, count, cutoff, purged_by, mac) SELECT 4, hash, ?, 2, ?, 'me', '' FROM audit_events WHERE seq = 6",
			now, cutoff)
		auditMustBreak(t, st, 4, store.AuditAnchorForged)
	})
	auditCase(t, "broken stretch", func(t *testing.T, st *store.Store) {
		// A purge refuses to wipe out a broken stretch of the chain.
		auditAppend(t, st, 5, now.AddDate(0, 0, -200))
		execSQL(t, auditDB(t, st), "UPDATE audit_events SET reason = 'edited' WHERE seq = 2")
		err := st.InTx(context.Background(), func(ctx context.Context) error {
			_, err := st.PurgeAuditBefore(ctx, cutoff, "tester", 100)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "seq 2") {
			t.Fatalf("purge over an edited record: %v", err)
		}
		if n := auditCount(t, st, "1 = 1"); n != 5 {
			t.Fatalf("purge removed records anyway: %d left", n)
		}
	})
}

// Nothing in the application updates or deletes an audit record, apart from
// the two guarded steps allowed below. The scan reads every Go source file
// (tests excepted) of the backend: a function that names the audit tables
// or models and updates, saves or deletes, or runs UPDATE/DELETE SQL, fails.
var auditWriteAllowed = map[string]string{
	"store.chainLegacy":      "chains the records from before migration 0013, once, while the chain is empty",
	"store.PurgeAuditBefore": "removes records older than the retention, from the chain's start, leaving an anchor",
}

var (
	auditNames   = regexp.MustCompile(`\bAuditEvent\b|\bAuditAnchor\b|audit_events|audit_anchors|auditEvent0001|auditAnchor0013`)
	writeMethods = map[string]bool{"Update": true, "Updates": true, "UpdateColumn": true, "UpdateColumns": true, "Delete": true, "Save": true}
	writeSQL     = regexp.MustCompile(`(?i)\b(UPDATE|DELETE|REPLACE|TRUNCATE|DROP)\b`)
)

// auditWriters returns "pkg.Func" for each function in the Go source that
// writes to existing audit records.
func auditWriters(pkg, src string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "src.go", src, 0)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		body := src[fset.Position(fn.Pos()).Offset:fset.Position(fn.End()).Offset]
		if !auditNames.MatchString(body) {
			continue
		}
		writes := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if writeMethods[n.Sel.Name] {
					writes = true
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING && writeSQL.MatchString(n.Value) {
					writes = true
				}
			}
			return true
		})
		if writes {
			found = append(found, pkg+"."+fn.Name.Name)
		}
	}
	return found, nil
}

func TestAuditScannerFindsWrites(t *testing.T) {
	cases := map[string]string{
		"gorm update":  `package x; func f(db *gorm.DB) { db.Model(&AuditEvent{}).Where("id = 1").Update("reason", "") }`,
		"gorm delete":  `package x; func f(db *gorm.DB) { db.Delete(&AuditEvent{}, 1) }`,
		"gorm save":    `package x; func f(db *gorm.DB, e AuditEvent) { db.Save(&e) }`,
		"raw sql":      "package x; func f(db *gorm.DB) { db.Exec(`delete from audit_events where id = 1`) }",
		"anchor table": `package x; func f(db *gorm.DB) { db.Exec("UPDATE audit_anchors SET seq = 1") }`,
	}
	for name, src := range cases {
		if got, err := auditWriters("x", src); err != nil || len(got) != 1 {
			t.Errorf("%s: found %v, %v", name, got, err)
		}
	}
	// Appending, and moving the head in a function of its own, are not writes
	// to existing records.
	if got, _ := auditWriters("x", `package x; func f(db *gorm.DB, e *AuditEvent) { db.Create(e); move(db) }
func move(db *gorm.DB) { db.Model(&auditChain{}).Updates(nil) }`); len(got) != 0 {
		t.Errorf("appending flagged: %v", got)
	}
}

func TestAuditNoUpdateOrDeletePath(t *testing.T) {
	root := filepath.Join("..", "..") // backend/
	var found []string
	seen := map[string]bool{}
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && (info.Name() == "node_modules" || info.Name() == "apidocs" || info.Name() == "tools") {
			return filepath.SkipDir
		}
		if info.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ws, err := auditWriters(filepath.Base(filepath.Dir(path)), string(src))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, w := range ws {
			if _, ok := auditWriteAllowed[w]; !ok {
				found = append(found, path+": "+w)
			}
			seen[w] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Fatalf("update or delete paths for audit records:\n%s", strings.Join(found, "\n"))
	}
	// The scan must see the allowed ones, or it is looking in the wrong place.
	for w := range auditWriteAllowed {
		if !seen[w] {
			t.Errorf("the allowed audit write %s was not found: renamed? update auditWriteAllowed", w)
		}
	}
}
