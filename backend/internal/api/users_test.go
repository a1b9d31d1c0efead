package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

func TestAdminManagesAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		adm := s.as("admin")
		create := map[string]any{
			"username": "officer-zhang", "display_name": "张𠮷", "role": "village_officer",
			"scope": map[string]any{"villages": []string{"530103012004"}}, "password": "Start-2017-pw",
		}
		r := s.do(req{method: "POST", path: "/api/v1/users", token: adm.token, body: create})
		if r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		var u struct {
			ID                 int64  `json:"id"`
			DisplayName        string `json:"display_name"`
			MustChangePassword bool   `json:"must_change_password"`
			Scope              struct {
				Villages []string `json:"villages"`
			} `json:"scope"`
		}
		r.json(t, &u)
		if u.DisplayName != "张𠮷" || !u.MustChangePassword || len(u.Scope.Villages) != 1 {
			t.Fatalf("created: %s", r.Body)
		}
		if strings.Contains(r.Body.String(), "argon2") || strings.Contains(r.Body.String(), "password_hash") {
			t.Fatal("password hash leaked")
		}
		if r := s.do(req{method: "POST", path: "/api/v1/users", token: adm.token, body: create}); r.Code != 409 || r.errCode(t) != "username_taken" {
			t.Fatalf("duplicate: %d %s", r.Code, r.Body)
		}
		bad := map[string]any{"username": "x", "display_name": "", "role": "street",
			"scope": map[string]any{"villages": []string{"530103012004"}}, "password": "short"}
		r = s.do(req{method: "POST", path: "/api/v1/users", token: adm.token, body: bad})
		if r.Code != 422 {
			t.Fatalf("invalid: %d %s", r.Code, r.Body)
		}
		for _, field := range []string{`"username"`, `"display_name"`, `"scope.streets"`, `"password"`} {
			if !strings.Contains(r.Body.String(), field) {
				t.Errorf("422 details lack %s: %s", field, r.Body)
			}
		}
		if r := s.do(req{method: "POST", path: "/api/v1/users", token: adm.token, body: map[string]any{
			"username": "ghost", "display_name": "某", "role": "village_officer",
			"scope": map[string]any{"villages": []string{"999999999999"}}, "password": "Start-2017-pw"}}); r.Code != 422 {
			t.Fatalf("unknown village accepted: %d", r.Code)
		}

		// The admin cannot disable themself.
		self := userID(t, s, adm, "admin")
		if r := s.do(req{method: "PATCH", path: "/api/v1/users/" + self, token: adm.token, body: map[string]any{"disabled": true}}); r.Code != 422 {
			t.Fatalf("self-disable: %d", r.Code)
		}
		if r := s.do(req{method: "PATCH", path: "/api/v1/users/999999", token: adm.token, body: map[string]any{"disabled": true}}); r.Code != 404 {
			t.Fatalf("missing user: %d", r.Code)
		}

		// Everything above is in the audit log, with before and after.
		aud := s.as("auditor")
		r = s.do(req{method: "GET", path: "/api/v1/audit-events?action=user.&username=admin", token: aud.token})
		if !strings.Contains(r.Body.String(), `"action":"user.create"`) || !strings.Contains(r.Body.String(), `"after":"village_officer"`) {
			t.Fatalf("audit of create: %s", r.Body)
		}
		r = s.do(req{method: "GET", path: "/api/v1/users?role=village_officer&page_size=100", token: adm.token})
		var page struct {
			Total int `json:"total"`
		}
		r.json(t, &page)
		if page.Total != 44 {
			t.Fatalf("43 demo officers and one new: got %d", page.Total)
		}
	})
}

func TestAuditExport(t *testing.T) {
	s := newServer(t, storetest.SQLite(t))
	s.as("district")
	s.login("district", "Wrong@20170")
	aud := s.as("auditor")
	r := s.do(req{method: "GET", path: "/api/v1/audit-events/export?action=auth.login", token: aud.token})
	if r.Code != 200 || !strings.Contains(r.Header().Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("export: %d %v", r.Code, r.Header())
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("审计日志")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "时间" { // header + district ok + district failed + auditor ok
		t.Fatalf("rows: %v", rows)
	}
	var failed int
	for _, row := range rows[1:] {
		if row[7] == "failed" && row[1] == "district" && row[2] == "区扶贫办" {
			failed++
		}
	}
	if failed != 1 {
		t.Fatalf("failed login row missing: %v", rows)
	}
	if r := s.do(req{method: "GET", path: "/api/v1/audit-events?from=2017-13-01", token: aud.token}); r.Code != 422 {
		t.Fatalf("bad date: %d", r.Code)
	}
}

func TestAPIHygiene(t *testing.T) {
	s := newServer(t, storetest.SQLite(t))
	adm := s.as("admin")
	cases := []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"unknown field", req{method: "POST", path: "/api/v1/users", token: adm.token, body: `{"username":"a","role_id":1}`}, 400, "unknown_field"},
		{"not JSON", req{method: "POST", path: "/api/v1/users", token: adm.token, body: `{"username":`}, 400, "bad_request"},
		{"two objects", req{method: "POST", path: "/api/v1/users", token: adm.token, body: `{}{}`}, 400, "bad_request"},
		{"wrong type", req{method: "POST", path: "/api/v1/users", token: adm.token, body: `{"username":5}`}, 400, "bad_request"},
		{"too large", req{method: "POST", path: "/api/v1/users", token: adm.token, body: `{"display_name":"` + strings.Repeat("a", 1<<20) + `"}`}, 413, "payload_too_large"},
		{"page size", req{method: "GET", path: "/api/v1/users?page_size=101", token: adm.token}, 400, "bad_request"},
		{"unknown API path", req{method: "GET", path: "/api/v1/nothing", token: adm.token}, 404, "not_found"},
		{"garbage token", req{method: "GET", path: "/api/v1/me", token: "abc.def.ghi"}, 401, "unauthorized"},
	}
	for _, c := range cases {
		r := s.do(c.r)
		if r.Code != c.status || r.errCode(t) != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, r.Code, r.Body, c.status, c.code)
		}
		if strings.HasPrefix(c.r.path, "/api/") && r.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: no Cache-Control: no-store", c.name)
		}
		if r.Header().Get("X-Request-ID") == "" {
			t.Errorf("%s: no request ID", c.name)
		}
	}
	if r := s.do(req{method: "GET", path: "/healthz"}); r.Code != 200 || strings.TrimSpace(r.Body.String()) != `{"status":"ok"}` {
		t.Errorf("healthz: %d %s", r.Code, r.Body)
	}
	if r := s.do(req{method: "GET", path: "/readyz"}); r.Code != 200 {
		t.Errorf("readyz: %d", r.Code)
	}
	if r := s.do(req{method: "GET", path: "/metrics"}); r.Code != 200 || !strings.Contains(r.Body.String(), `http_request_duration_seconds_bucket{method="GET",route="/healthz"`) {
		t.Errorf("metrics lack the route histogram")
	}
	if r := s.do(req{method: "GET", path: "/swagger/index.html"}); r.Code != 200 {
		t.Errorf("swagger UI: %d", r.Code)
	}
	if r := s.do(req{method: "GET", path: "/swagger/doc.json"}); r.Code != 200 || !strings.Contains(r.Body.String(), "/auth/login") {
		t.Errorf("swagger doc.json: %d", r.Code)
	}
	if r := s.do(req{method: "GET", path: "/", header: map[string]string{"X-Request-ID": "abcdef123456"}}); r.Header().Get("X-Request-ID") != "abcdef123456" {
		t.Errorf("a well-formed request ID is not echoed")
	}
}
