package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// TestAuditPurge: records older than the retention go, by age only; the
// younger stay; the chain still verifies, and each purge is itself in it.
// A retention under 180 days is refused.
func TestAuditPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Date(2018, 3, 1, 9, 0, 0, 0, loc)
		clock := func() time.Time { return now }
		audit := service.NewAuditLog(st, clock, loc)
		district := access.Actor{Username: "district", Role: access.District}
		record := func(at time.Time, n int) {
			for i := 0; i < n; i++ {
				now = at
				if err := audit.Record(ctx, district, service.Entry{Action: "household.update", ObjectType: "household", ObjectID: "1"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		start := time.Date(2018, 3, 1, 9, 0, 0, 0, loc)
		record(start.AddDate(0, 0, -400), 3)
		record(start.AddDate(0, 0, -181), 2)
		record(start.AddDate(0, 0, -179), 2) // younger than 180 days
		record(start, 1)
		now = start

		system := access.Actor{Username: "system", Role: "system"}
		if _, err := audit.Purge(ctx, system, 179*24*time.Hour, "tester"); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("a retention of 179 days: %v", err)
		}
		res, err := audit.Purge(ctx, system, service.MinAuditRetention, "tester@host as sqlite")
		if err != nil {
			t.Fatal(err)
		}
		if res.Removed != 5 || res.AnchorSeq != 5 {
			t.Fatalf("purge: %+v", res)
		}
		items, total, err := audit.List(ctx, access.Actor{}, service.AuditQuery{Page: 1, PageSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		// 2 younger + 1 today + the purge's own record.
		if total != 4 || items[0].Action != "audit.purge" || !strings.Contains(items[0].Reason, "removed 5 records") || items[0].Seq != 9 {
			t.Fatalf("after purge: %d %+v", total, items)
		}
		for _, it := range items[1:] {
			if it.At.Before(start.AddDate(0, 0, -180)) {
				t.Errorf("a record older than the retention is left: %+v", it)
			}
		}
		r, err := audit.Check(ctx)
		if err != nil || !r.OK || r.AnchorSeq != 5 || r.Records != 4 || r.HeadSeq != 9 {
			t.Fatalf("verify after purge: %+v %v", r, err)
		}
		// Again: nothing more is old enough.
		if res, err := audit.Purge(ctx, system, service.MinAuditRetention, "tester"); err != nil || res.Removed != 0 {
			t.Fatalf("second purge: %+v %v", res, err)
		}
	})
}

// TestAuditVerifyRecorded: the auditor's check is itself recorded, with
// what it found.
func TestAuditVerifyRecorded(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	audit := service.NewAuditLog(st, time.Now, loc)
	auditor := access.Actor{UserID: 9, Username: "auditor", Role: access.Auditor}
	for i := 0; i < 3; i++ {
		if err := audit.Record(ctx, auditor, service.Entry{Action: "x.y"}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := audit.Verify(ctx, auditor)
	if err != nil || !r.OK || r.Records != 3 {
		t.Fatalf("verify: %+v %v", r, err)
	}
	db, _ := st.SQL()
	if _, err := db.Exec("UPDATE audit_events SET reason = 'x' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	r, err = audit.Verify(ctx, auditor)
	if err != nil || r.OK || r.BrokenSeq != 2 || r.Problem != store.AuditAltered {
		t.Fatalf("verify after an edit: %+v %v", r, err)
	}
	items, _, _ := audit.List(ctx, auditor, service.AuditQuery{Action: "audit.verify", Page: 1, PageSize: 10})
	if len(items) != 2 || items[0].Result != service.ResultFailed || items[0].ObjectID != "2" || items[1].Result != service.ResultOK {
		t.Fatalf("verifications recorded: %+v", items)
	}
}
