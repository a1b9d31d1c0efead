package api_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"jingzhun/internal/api"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// clientOnly marks the matrix rows of the API clients' routes: no user role
// may call them (a user's token is refused with 401); TestAPIClientScopes
// checks the clients' side.
var clientOnly = []string{"api_client"}

type apiClient struct {
	id       int64 // row id
	clientID string
	secret   string
}

// newClient registers an API client as the admin and returns its credentials.
func (s *testServer) newClient(admin string, body map[string]any) apiClient {
	s.t.Helper()
	r := s.do(req{method: "POST", path: "/api/v1/api-clients", token: admin, body: body})
	if r.Code != http.StatusCreated {
		s.t.Fatalf("create client: %d %s", r.Code, r.Body)
	}
	var out struct {
		Client struct {
			ID       int64  `json:"id"`
			ClientID string `json:"client_id"`
		} `json:"client"`
		Secret string `json:"client_secret"`
	}
	r.json(s.t, &out)
	if out.Client.ClientID == "" || len(out.Secret) < 40 {
		s.t.Fatalf("create client: %s", r.Body)
	}
	return apiClient{id: out.Client.ID, clientID: out.Client.ClientID, secret: out.Secret}
}

// tokenRequest posts form values to the token endpoint, with HTTP Basic
// when basic is set.
func (s *testServer) tokenRequest(form url.Values, basic *apiClient) response {
	s.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if basic != nil {
		h["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(basic.clientID)+":"+url.QueryEscape(basic.secret)))
	}
	return s.do(req{method: "POST", path: "/api/v1/oauth/token", body: form.Encode(), header: h})
}

// clientToken gets a token for c (all its scopes, or those asked) or fails.
func (s *testServer) clientToken(c apiClient, scope string) string {
	s.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	r := s.tokenRequest(form, &c)
	if r.Code != http.StatusOK {
		s.t.Fatalf("token: %d %s", r.Code, r.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	r.json(s.t, &tok)
	if tok.TokenType != "Bearer" || tok.ExpiresIn <= 0 || tok.ExpiresIn > 3600 || tok.AccessToken == "" {
		s.t.Fatalf("token answer: %s", r.Body)
	}
	return tok.AccessToken
}

func (s *testServer) search(token, idNumber string) response {
	s.t.Helper()
	return s.do(req{method: "POST", path: "/api/v1/integrations/households/search", token: token, body: map[string]string{"id_number": idNumber}})
}

// push posts a department register as an API client.
func (s *testServer) push(token, dept, dataset, query string, content []byte) response {
	s.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("dataset", dataset)
	fw, _ := w.CreateFormFile("file", "push.csv")
	fw.Write(content)
	w.Close()
	r := httptest.NewRequest("POST", "/api/v1/integrations/departments/"+dept+"/imports"+query, &buf)
	r.RemoteAddr = "192.0.2.10:1234"
	r.Header.Set("Content-Type", w.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	return response{rec}
}

type auditRow struct {
	Username   string `json:"username"`
	Role       string `json:"role"`
	Action     string `json:"action"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	Result     string `json:"result"`
	Reason     string `json:"reason"`
}

// auditOf reads the audit records of a username as the auditor, with the
// raw answer.
func (s *testServer) auditOf(username string) ([]auditRow, string) {
	s.t.Helper()
	aud := s.as("auditor")
	r := s.do(req{method: "GET", path: "/api/v1/audit-events?page_size=100&username=" + url.QueryEscape(username), token: aud.token})
	if r.Code != http.StatusOK {
		s.t.Fatalf("audit: %d %s", r.Code, r.Body)
	}
	var page struct {
		Items []auditRow `json:"items"`
	}
	r.json(s.t, &page)
	return page.Items, r.Body.String()
}

func countAudit(rows []auditRow, action, result string) int {
	n := 0
	for _, r := range rows {
		if r.Action == action && (result == "" || r.Result == result) {
			n++
		}
	}
	return n
}

func TestAPIClientTokenAndRegisterSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		admin := s.as("admin")
		platform := s.newClient(admin.token, map[string]any{"name": "省大数据平台", "organisation": "云南省大数据中心",
			"scopes": []string{"register:read"}, "rate_per_minute": 100})

		// The list never shows the secret.
		r := s.do(req{method: "GET", path: "/api/v1/api-clients", token: admin.token})
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), platform.clientID) ||
			strings.Contains(r.Body.String(), platform.secret) || strings.Contains(r.Body.String(), "secret") {
			t.Fatalf("list: %d %s", r.Code, r.Body)
		}

		// Credentials by HTTP Basic and in the body both work.
		tok := s.clientToken(platform, "")
		r = s.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {platform.clientID}, "client_secret": {platform.secret}}, nil)
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `"scope":"register:read"`) {
			t.Fatalf("token with body credentials: %d %s", r.Code, r.Body)
		}

		// A wrong secret and an unknown client get one and the same answer.
		wrong := platform
		wrong.secret = platform.secret[:len(platform.secret)-2] + "xx"
		unknown := apiClient{clientID: "jzc_nobody", secret: platform.secret}
		var answers []string
		for _, c := range []apiClient{wrong, unknown} {
			r := s.tokenRequest(url.Values{"grant_type": {"client_credentials"}}, &c)
			if r.Code != http.StatusUnauthorized || r.Header().Get("WWW-Authenticate") == "" {
				t.Fatalf("bad credentials %s: %d %s", c.clientID, r.Code, r.Body)
			}
			answers = append(answers, r.Body.String())
		}
		if answers[0] != answers[1] || !strings.Contains(answers[0], `"error":"invalid_client"`) {
			t.Fatalf("answers differ or are not RFC 6749: %q", answers)
		}
		// RFC 6749 §5.2 errors for the grant, the scope and the request.
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"grant_type": {"password"}}, "unsupported_grant_type"},
			{url.Values{}, "invalid_request"},
			{url.Values{"grant_type": {"client_credentials"}, "scope": {"departments:push"}}, "invalid_scope"},
			{url.Values{"grant_type": {"client_credentials"}, "scope": {"register:write"}}, "invalid_scope"},
			{url.Values{"grant_type": {"client_credentials"}, "client_id": {platform.clientID}}, "invalid_request"}, // two methods
		} {
			r := s.tokenRequest(tc.form, &platform)
			if r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), `"error":"`+tc.want+`"`) {
				t.Errorf("%v: %d %s, want %s", tc.form, r.Code, r.Body, tc.want)
			}
		}

		// A person of a household in the register.
		officer := s.as("officer-530103012004")
		head, spouse := personID("1961-04-09", 31), personID("1963-02-11", 42)
		if r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token,
			body: householdBody("530103012004-7701", "530103012004", head, spouse)}); r.Code != http.StatusCreated {
			t.Fatalf("household: %d %s", r.Code, r.Body)
		}
		r = s.search(tok, spouse)
		if r.Code != http.StatusOK {
			t.Fatalf("search: %d %s", r.Code, r.Body)
		}
		var found map[string]any
		r.json(t, &found)
		if found["in_register"] != true || found["household_code"] != "530103012004-7701" || found["village_code"] != "530103012004" ||
			found["street_code"] != "530103012" || found["status"] != "registered" || found["village_name"] == "" || found["street_name"] == "" {
			t.Fatalf("found: %v", found)
		}
		// No more than intended: no name, no ID number, no members, no incomes.
		keys := make([]string, 0, len(found))
		for k := range found {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		allowed := []string{"household_code", "in_register", "status", "street_code", "street_name", "village_code", "village_name", "exited_year"}
		for _, k := range keys {
			if !slices.Contains(allowed, k) {
				t.Errorf("search answer carries %q", k)
			}
		}
		if body := r.Body.String(); strings.Contains(body, "成员") || strings.Contains(body, spouse) || strings.Contains(body, spouse[len(spouse)-4:]) {
			t.Fatalf("search answer carries personal data: %s", body)
		}
		// Someone not in the register: nothing but that.
		r = s.search(tok, personID("1970-01-01", 99))
		if r.Code != http.StatusOK || strings.TrimSpace(r.Body.String()) != `{"in_register":false}` {
			t.Fatalf("not found: %d %s", r.Code, r.Body)
		}
		// An ID number that is not one is 422.
		if r := s.search(tok, "53010319610409003"); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("invalid id: %d %s", r.Code, r.Body)
		}

		// Every token, refusal and call is audited as the client; the search
		// with the blind index, never the number.
		rows, raw := s.auditOf("client:" + platform.clientID)
		if n := countAudit(rows, "auth.client_token", "ok"); n != 2 {
			t.Errorf("tokens audited: %d, want 2", n)
		}
		if n := countAudit(rows, "auth.client_token", "failed"); n < 3 { // wrong secret, invalid scope ×2
			t.Errorf("token refusals audited: %d", n)
		}
		if n := countAudit(rows, "integration.call", ""); n != 3 {
			t.Errorf("calls audited: %d, want 3", n)
		}
		var searches []auditRow
		for _, a := range rows {
			if a.Role != "api_client" {
				t.Errorf("client record with role %q", a.Role)
			}
			if a.Action == "integration.register_search" {
				searches = append(searches, a)
			}
		}
		if len(searches) != 2 || len(searches[0].ObjectID) != 64 || searches[0].ObjectType != "person_index" {
			t.Fatalf("searches audited: %+v", searches)
		}
		ix := memberIndex(t, st, "530103012004-7701", searches)
		if ix == "" {
			t.Fatalf("no search record names the member's blind index: %+v", searches)
		}
		if strings.Contains(raw, spouse) || strings.Contains(raw, spouse[:6]+"********") {
			t.Fatal("the audit log holds the searched ID number")
		}
		if unknownRows, _ := s.auditOf("client:jzc_nobody"); countAudit(unknownRows, "auth.client_token", "failed") != 1 {
			t.Fatalf("unknown client's attempt not audited: %+v", unknownRows)
		}
		// Nothing stores the secret in clear (every table scanned), and
		// api_clients keeps its SHA-256.
		rawHasNo(t, st, "after token issue", platform.secret)
		db, _ := st.SQL()
		var hash string
		if err := db.QueryRow("SELECT secret_hash FROM api_clients WHERE client_id = ?", platform.clientID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256([]byte(platform.secret)); hash != hex.EncodeToString(sum[:]) {
			t.Fatalf("secret_hash %q is not the secret's SHA-256", hash)
		}
	})
}

// memberIndex returns the blind index of a member of the household that a
// search record names, or "".
func memberIndex(t *testing.T, st *store.Store, code string, searches []auditRow) string {
	t.Helper()
	db, _ := st.SQL()
	rows, err := db.Query("SELECT members.id_index FROM members JOIN households ON households.id = members.household_id WHERE households.code = ?", code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ix sql.NullString
		if err := rows.Scan(&ix); err != nil {
			t.Fatal(err)
		}
		for _, s := range searches {
			if s.ObjectID == ix.String {
				return ix.String
			}
		}
	}
	return ""
}

func TestAPIClientScopesAndSeparation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		admin := s.as("admin")
		reader := s.newClient(admin.token, map[string]any{"name": "省平台", "organisation": "省大数据中心", "scopes": []string{"register:read"}})
		police := s.newClient(admin.token, map[string]any{"name": "公安数据交换", "organisation": "区公安分局",
			"scopes": []string{"departments:push"}, "department": "police"})
		evaluator := s.newClient(admin.token, map[string]any{"name": "测算接口", "organisation": "集成商", "scopes": []string{"evaluations:run"}})
		readTok, pushTok, evalTok := s.clientToken(reader, ""), s.clientToken(police, ""), s.clientToken(evaluator, "")
		person := personID("1958-03-04", 61)

		// Scope enforcement: a reader cannot push, a pusher cannot search.
		csv := []byte("身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期\n" + person + ",成员1,云A00001,小型轿车,45000,2016-03-15\n")
		if r := s.push(readTok, "police", "vehicles", "", csv); r.Code != http.StatusForbidden ||
			!strings.Contains(r.Header().Get("WWW-Authenticate"), "insufficient_scope") {
			t.Fatalf("reader pushes: %d %s", r.Code, r.Body)
		}
		if r := s.search(pushTok, person); r.Code != http.StatusForbidden {
			t.Fatalf("pusher searches: %d %s", r.Code, r.Body)
		}
		// A pusher pushes for its own department only.
		if r := s.push(pushTok, "civil", "dibao", "", csv); r.Code != http.StatusForbidden {
			t.Fatalf("push for civil: %d %s", r.Code, r.Body)
		}
		r := s.push(pushTok, "police", "vehicles", "?dry_run=true", csv)
		if r.Code != http.StatusAccepted {
			t.Fatalf("push: %d %s", r.Code, r.Body)
		}
		var imp importBody
		r.json(t, &imp)
		s.app.Jobs.Wait()
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/integrations/department-imports/%d", imp.ID), token: pushTok})
		var done importBody
		r.json(t, &done)
		if r.Code != http.StatusOK || done.Status != "validated" || done.Rows != 1 {
			t.Fatalf("pushed import: %d %s", r.Code, r.Body)
		}
		if strings.Contains(r.Body.String(), "unmatched_people") {
			t.Fatalf("the status carries people: %s", r.Body)
		}
		// The push went through the liaisons' import: the liaison sees it,
		// made by the client.
		liaison := s.as("dept-police")
		r = s.do(req{method: "GET", path: "/api/v1/departments/police/imports", token: liaison.token})
		if !strings.Contains(r.Body.String(), `"created_by":"client:`+police.clientID+`"`) {
			t.Fatalf("liaison's imports: %s", r.Body)
		}
		// Another department's import is not found.
		civil := s.as("dept-civil")
		other := s.finishedImport(civil.token, "civil", "dibao", "dibao.csv", "?dry_run=true",
			[]byte("身份证号,姓名,保障类别,月保障金额（元）,起始日期\n"+person+",成员1,rural,300,2016-01-01\n"))
		if r := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/integrations/department-imports/%d", other.ID), token: pushTok}); r.Code != http.StatusNotFound {
			t.Fatalf("civil's import as the police client: %d %s", r.Code, r.Body)
		}

		// POST /evaluations admits a client with evaluations:run (api-contract.md), not one without.
		campaign, hs := fixtureCases(t)
		env := envelope(campaign, hs[0])
		if r := s.do(req{method: "POST", path: "/api/v1/evaluations", token: evalTok, body: env}); r.Code != http.StatusOK {
			t.Fatalf("evaluations as a client: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/evaluations", token: readTok, body: env}); r.Code != http.StatusForbidden {
			t.Fatalf("evaluations without the scope: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/evaluations", token: s.as("district").token, body: env}); r.Code != http.StatusOK {
			t.Fatalf("evaluations as the district: %d %s", r.Code, r.Body)
		}

		// A client's token opens no user route; a user's token opens no
		// client route.
		all := s.newClient(admin.token, map[string]any{"name": "全部", "organisation": "测试", "department": "police",
			"scopes": []string{"register:read", "departments:push", "evaluations:run"}})
		allTok := s.clientToken(all, "")
		for _, rt := range api.Routes() {
			if rt.Roles == nil || rt.ClientScope != "" {
				continue
			}
			path := "/api/v1" + strings.NewReplacer(":id", "1", ":code", "police", ":dataset", "vehicles", ":oid", "1", ":fid", "1", ":rid", "1", ":year", "2017").Replace(rt.Path)
			if r := s.do(req{method: rt.Method, path: path, token: allTok, body: "{}"}); r.Code != http.StatusUnauthorized {
				t.Errorf("client token on %s %s: %d", rt.Method, rt.Path, r.Code)
			}
		}
		users := map[string]string{}
		for _, u := range []string{"admin", "district", "dept-police"} {
			users[u] = s.as(u).token
		}
		for _, rt := range api.ClientRoutes() {
			if rt.Scope == "" {
				continue
			}
			path := "/api/v1" + strings.NewReplacer(":id", fmt.Sprint(imp.ID), ":code", "police").Replace(rt.Path)
			for u, tok := range users {
				if r := s.do(req{method: rt.Method, path: path, token: tok, body: "{}"}); r.Code != http.StatusUnauthorized {
					t.Errorf("%s's token on %s %s: %d", u, rt.Method, rt.Path, r.Code)
				}
			}
		}

		// The refusals are audited as the clients'.
		rows, _ := s.auditOf("client:" + reader.clientID)
		if countAudit(rows, "access.denied", "denied") < 2 { // push, evaluations
			t.Errorf("reader's refusals: %+v", rows)
		}
		rows, _ = s.auditOf("client:" + police.clientID)
		var deniedCivil, imported bool
		for _, a := range rows {
			deniedCivil = deniedCivil || a.Action == "access.denied" && a.ObjectID == "civil"
			imported = imported || a.Action == "department.import" && a.Result == "ok"
		}
		if !deniedCivil || !imported {
			t.Errorf("pusher's records: %+v", rows)
		}
	})
}

func TestAPIClientRevocationAndRotation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		admin := s.as("admin")
		person := personID("1970-01-01", 99)
		a := s.newClient(admin.token, map[string]any{"name": "A", "organisation": "甲", "scopes": []string{"register:read"}})
		b := s.newClient(admin.token, map[string]any{"name": "B", "organisation": "乙", "scopes": []string{"register:read"}})
		tokA, tokB := s.clientToken(a, ""), s.clientToken(b, "")
		for _, tok := range []string{tokA, tokB} {
			if r := s.search(tok, person); r.Code != http.StatusOK {
				t.Fatalf("before: %d %s", r.Code, r.Body)
			}
		}

		// Revocation: the live token is refused on the next call, no new
		// token is issued, and the answer is the unknown client's.
		if r := s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/api-clients/%d/revoke", a.id), token: admin.token, body: map[string]string{}}); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("revoke without reason: %d %s", r.Code, r.Body)
		}
		r := s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/api-clients/%d/revoke", a.id), token: admin.token, body: map[string]string{"reason": "协议到期"}})
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `"status":"revoked"`) {
			t.Fatalf("revoke: %d %s", r.Code, r.Body)
		}
		if r := s.search(tokA, person); r.Code != http.StatusUnauthorized {
			t.Fatalf("revoked client's token: %d %s", r.Code, r.Body)
		}
		revoked := s.tokenRequest(url.Values{"grant_type": {"client_credentials"}}, &a)
		unknown := s.tokenRequest(url.Values{"grant_type": {"client_credentials"}}, &apiClient{clientID: "jzc_nobody", secret: a.secret})
		if revoked.Code != http.StatusUnauthorized || revoked.Body.String() != unknown.Body.String() {
			t.Fatalf("token for a revoked client: %d %s", revoked.Code, revoked.Body)
		}
		if r := s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/api-clients/%d/revoke", a.id), token: admin.token, body: map[string]string{"reason": "again"}}); r.Code != http.StatusConflict {
			t.Fatalf("revoke twice: %d", r.Code)
		}
		if r := s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/api-clients/%d/rotate-secret", a.id), token: admin.token}); r.Code != http.StatusConflict {
			t.Fatalf("rotate a revoked client: %d", r.Code)
		}

		// Rotation: the old secret and its tokens die, the new one works.
		r = s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/api-clients/%d/rotate-secret", b.id), token: admin.token})
		if r.Code != http.StatusOK {
			t.Fatalf("rotate: %d %s", r.Code, r.Body)
		}
		var rotated struct {
			Secret string `json:"client_secret"`
		}
		r.json(t, &rotated)
		if r := s.search(tokB, person); r.Code != http.StatusUnauthorized {
			t.Fatalf("token of the old secret: %d", r.Code)
		}
		if r := s.tokenRequest(url.Values{"grant_type": {"client_credentials"}}, &b); r.Code != http.StatusUnauthorized {
			t.Fatalf("old secret: %d", r.Code)
		}
		b.secret = rotated.Secret
		if r := s.search(s.clientToken(b, ""), person); r.Code != http.StatusOK {
			t.Fatalf("new secret: %d %s", r.Code, r.Body)
		}

		// The admin's actions are audited.
		rows, _ := s.auditOf("admin")
		for _, action := range []string{"api_client.create", "api_client.revoke", "api_client.rotate_secret"} {
			if countAudit(rows, action, "ok") == 0 {
				t.Errorf("%s not audited", action)
			}
		}
		rows, _ = s.auditOf("client:" + a.clientID)
		if countAudit(rows, "access.denied", "denied") != 1 {
			t.Errorf("the revoked client's call is not audited: %+v", rows)
		}
	})
}

func TestAPIClientRateLimit(t *testing.T) {
	s := newServer(t, storetest.SQLite(t))
	admin := s.as("admin")
	slow := s.newClient(admin.token, map[string]any{"name": "慢", "organisation": "丙", "scopes": []string{"register:read"}, "rate_per_minute": 3})
	fast := s.newClient(admin.token, map[string]any{"name": "快", "organisation": "丁", "scopes": []string{"register:read"}, "rate_per_minute": 100})
	slowTok, fastTok := s.clientToken(slow, ""), s.clientToken(fast, "")
	person := personID("1970-01-01", 99)
	for i := range 3 {
		if r := s.search(slowTok, person); r.Code != http.StatusOK {
			t.Fatalf("call %d: %d", i+1, r.Code)
		}
	}
	for range 2 {
		r := s.search(slowTok, person)
		if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" {
			t.Fatalf("over the limit: %d %q", r.Code, r.Header().Get("Retry-After"))
		}
	}
	// The limit is the client's own: another client is not held back.
	for range 5 {
		if r := s.search(fastTok, person); r.Code != http.StatusOK {
			t.Fatalf("other client: %d", r.Code)
		}
	}
	// The first refusal of a run is audited, not every one.
	rows, _ := s.auditOf("client:" + slow.clientID)
	if n := countAudit(rows, "integration.call", "denied"); n != 1 {
		t.Fatalf("rate-limited calls audited: %d, want 1", n)
	}
	if n := countAudit(rows, "integration.register_search", "ok"); n != 3 {
		t.Fatalf("searches audited: %d, want 3", n)
	}
}

func TestAPIClientAdministration(t *testing.T) {
	s := newServer(t, storetest.SQLite(t))
	admin := s.as("admin")
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "x", "organisation": "y", "scopes": []string{"departments:push"}}, "department"},
		{map[string]any{"name": "x", "organisation": "y", "scopes": []string{"register:read"}, "department": "police"}, "department"},
		{map[string]any{"name": "x", "organisation": "y", "scopes": []string{"departments:push"}, "department": "nowhere"}, "department"},
		{map[string]any{"name": "x", "organisation": "y", "scopes": []string{"register:write"}}, "scopes"},
		{map[string]any{"name": "x", "organisation": "y", "scopes": []string{}}, "scopes"},
		{map[string]any{"name": "", "organisation": "y", "scopes": []string{"register:read"}}, "name"},
		{map[string]any{"name": "x", "organisation": "y", "scopes": []string{"register:read"}, "rate_per_minute": 100000}, "rate_per_minute"},
	} {
		r := s.do(req{method: "POST", path: "/api/v1/api-clients", token: admin.token, body: tc.body})
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), `"field":"`+tc.field+`"`) {
			t.Errorf("%v: %d %s", tc.body, r.Code, r.Body)
		}
	}
	// A client cannot be created with fields the admin does not set.
	r := s.do(req{method: "POST", path: "/api/v1/api-clients", token: admin.token, body: map[string]any{"name": "x", "organisation": "y",
		"scopes": []string{"register:read"}, "client_secret": "chosen"}})
	if r.Code != http.StatusBadRequest {
		t.Fatalf("mass assignment: %d %s", r.Code, r.Body)
	}
	c := s.newClient(admin.token, map[string]any{"name": "默认", "organisation": "戊", "scopes": []string{"register:read", "register:read"}})
	r = s.do(req{method: "GET", path: "/api/v1/api-clients", token: admin.token})
	var page struct {
		Items []struct {
			ClientID      string   `json:"client_id"`
			Scopes        []string `json:"scopes"`
			RatePerMinute int      `json:"rate_per_minute"`
			Status        string   `json:"status"`
			CreatedBy     string   `json:"created_by"`
		} `json:"items"`
	}
	r.json(t, &page)
	if len(page.Items) != 1 || page.Items[0].ClientID != c.clientID || page.Items[0].RatePerMinute != 60 ||
		!slices.Equal(page.Items[0].Scopes, []string{"register:read"}) || page.Items[0].Status != "active" || page.Items[0].CreatedBy != "admin" {
		b, _ := json.Marshal(page)
		t.Fatalf("list: %s", b)
	}
}
