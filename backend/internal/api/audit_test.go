package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// TestAuditVerifyEndpoint: the auditor checks the chain from the API; an
// edited record is named by its seq. (Other roles: 403, matrix_test.go.)
func TestAuditVerifyEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		s.as("district")
		aud := s.as("auditor")
		var v struct {
			OK        bool   `json:"ok"`
			Records   int64  `json:"records"`
			HeadSeq   int64  `json:"head_seq"`
			HeadHash  string `json:"head_hash"`
			BrokenSeq int64  `json:"broken_seq"`
			Problem   string `json:"problem"`
		}
		r := s.do(req{method: "GET", path: "/api/v1/audit-events/verify", token: aud.token})
		if r.Code != http.StatusOK {
			t.Fatalf("verify: %d %s", r.Code, r.Body)
		}
		r.json(t, &v)
		if !v.OK || v.Records < 2 || v.HeadSeq != v.Records || len(v.HeadHash) != 64 {
			t.Fatalf("verify: %s", r.Body)
		}
		db, _ := st.SQL()
		if _, err := db.Exec("UPDATE audit_events SET username = 'nobody' WHERE seq = 2"); err != nil {
			t.Fatal(err)
		}
		r = s.do(req{method: "GET", path: "/api/v1/audit-events/verify", token: aud.token})
		v.OK = true
		r.json(t, &v)
		if r.Code != http.StatusOK || v.OK || v.BrokenSeq != 2 || v.Problem != store.AuditAltered {
			t.Fatalf("verify after an edit: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/audit-events/verify", token: s.as("admin").token}); r.Code != http.StatusForbidden {
			t.Fatalf("admin: %d", r.Code)
		}
	})
}

// TestAuditExportChain: the auditor's workbook carries each record's seq,
// previous hash and hash, and they link up.
func TestAuditExportChain(t *testing.T) {
	s := newServer(t, storetest.SQLite(t))
	s.as("district")
	aud := s.as("auditor")
	r := s.do(req{method: "GET", path: "/api/v1/audit-events/export", token: aud.token})
	if r.Code != 200 {
		t.Fatalf("export: %d", r.Code)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("审计日志")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][11] != "序号" || rows[0][12] != "前一哈希" || rows[0][13] != "哈希" {
		t.Fatalf("header: %v", rows[0])
	}
	// Newest first: each row's previous hash is the next row's hash.
	for i := 1; i+1 < len(rows); i++ {
		seq, _ := strconv.Atoi(rows[i][11])
		next, _ := strconv.Atoi(rows[i+1][11])
		if seq != next+1 || rows[i][12] != rows[i+1][13] || len(rows[i][13]) != 64 {
			t.Fatalf("rows %d and %d do not link: %v / %v", i, i+1, rows[i], rows[i+1])
		}
	}
}
