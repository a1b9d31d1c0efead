package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"jingzhun/internal/config"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

func TestLoginAndMe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		sess, r := s.login("officer-530103012004", demoPassword)
		if r.Code != http.StatusOK {
			t.Fatalf("login: %d %s", r.Code, r.Body)
		}
		if sess.refresh == nil || !sess.refresh.HttpOnly || sess.refresh.SameSite != http.SameSiteStrictMode {
			t.Fatalf("refresh cookie not HttpOnly/SameSite=Strict: %+v", sess.refresh)
		}
		if !strings.Contains(r.Body.String(), `"token_type":"Bearer"`) || !strings.Contains(r.Body.String(), `"expires_in":900`) {
			t.Fatalf("token body: %s", r.Body)
		}
		if r.Header().Get("Cache-Control") != "no-store" {
			t.Fatal("API response without Cache-Control: no-store")
		}
		me := s.do(req{method: "GET", path: "/api/v1/me", token: sess.token})
		var m struct {
			Username string `json:"username"`
			Role     string `json:"role"`
			Scope    struct {
				Streets    []string `json:"streets"`
				Villages   []string `json:"villages"`
				Department *string  `json:"department"`
				Team       *string  `json:"team"`
			} `json:"scope"`
		}
		me.json(t, &m)
		if m.Username != "officer-530103012004" || m.Role != "village_officer" ||
			len(m.Scope.Villages) != 1 || m.Scope.Villages[0] != "530103012004" ||
			len(m.Scope.Streets) != 1 || m.Scope.Streets[0] != "530103012" || m.Scope.Department != nil || m.Scope.Team != nil {
			t.Fatalf("me: %s", me.Body)
		}

		team := s.as("team-A")
		me = s.do(req{method: "GET", path: "/api/v1/me", token: team.token})
		me.json(t, &m)
		if m.Scope.Team == nil || *m.Scope.Team != "A" || len(m.Scope.Streets) != 2 || len(m.Scope.Villages) != 21 {
			t.Fatalf("team-A scope: %s", me.Body)
		}
		dept := s.as("dept-police")
		me = s.do(req{method: "GET", path: "/api/v1/me", token: dept.token})
		me.json(t, &m)
		if m.Scope.Department == nil || *m.Scope.Department != "police" || len(m.Scope.Villages) != 43 {
			t.Fatalf("dept-police scope: %s", me.Body)
		}
		adm := s.as("admin")
		me = s.do(req{method: "GET", path: "/api/v1/me", token: adm.token})
		me.json(t, &m)
		if len(m.Scope.Streets) != 0 || len(m.Scope.Villages) != 0 {
			t.Fatalf("admin must have no regional scope: %s", me.Body)
		}
	})
}

func TestLoginRefusalsLookAlike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		_, unknown := s.login("nobody", demoPassword)
		_, wrong := s.login("district", "Wrong@20170")
		if unknown.Code != 401 || wrong.Code != 401 {
			t.Fatalf("codes %d %d", unknown.Code, wrong.Code)
		}
		strip := func(b string) string { return b[:strings.Index(b, `"request_id"`)] }
		if strip(unknown.Body.String()) != strip(wrong.Body.String()) {
			t.Fatalf("unknown user and wrong password answer differently:\n%s\n%s", unknown.Body, wrong.Body)
		}
		// Five failures lock the account: even the right password is refused, alike.
		for i := 0; i < 4; i++ {
			s.login("district", "Wrong@20170")
		}
		_, locked := s.login("district", demoPassword)
		if locked.Code != 401 || strip(locked.Body.String()) != strip(wrong.Body.String()) {
			t.Fatalf("locked account: %d %s", locked.Code, locked.Body)
		}
		// The failures are audited.
		aud := s.as("auditor")
		r := s.do(req{method: "GET", path: "/api/v1/audit-events?action=auth.login&result=failed&page_size=100", token: aud.token})
		var page struct {
			Total int `json:"total"`
		}
		r.json(t, &page)
		if page.Total != 7 {
			t.Fatalf("want 7 failed logins audited, got %d: %s", page.Total, r.Body)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	s := newServer(t, storetest.SQLite(t), func(c *config.Config) { c.LoginPerMinute = 3 })
	for i := 0; i < 3; i++ {
		if _, r := s.login("nobody", "x"); r.Code != 401 {
			t.Fatalf("attempt %d: %d", i, r.Code)
		}
	}
	_, r := s.login("district", demoPassword)
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") == "" || r.errCode(t) != "rate_limited" {
		t.Fatalf("fourth attempt: %d %s %q", r.Code, r.Body, r.Header().Get("Retry-After"))
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		sess := s.as("district")
		r1 := s.do(req{method: "POST", path: "/api/v1/auth/refresh", cookies: []*http.Cookie{sess.refresh}})
		if r1.Code != 200 {
			t.Fatalf("refresh: %d %s", r1.Code, r1.Body)
		}
		var next *http.Cookie
		for _, c := range r1.Result().Cookies() {
			if c.Name == "jz_refresh" {
				next = c
			}
		}
		if next == nil || next.Value == sess.refresh.Value {
			t.Fatal("refresh token not rotated")
		}
		// The old token again: refused, and the whole family dies.
		r2 := s.do(req{method: "POST", path: "/api/v1/auth/refresh", cookies: []*http.Cookie{sess.refresh}})
		if r2.Code != 401 {
			t.Fatalf("reused refresh token: %d", r2.Code)
		}
		r3 := s.do(req{method: "POST", path: "/api/v1/auth/refresh", cookies: []*http.Cookie{next}})
		if r3.Code != 401 {
			t.Fatalf("token of a revoked family still works: %d", r3.Code)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/me", token: sess.token}); r.Code != 401 {
			t.Fatalf("access token of a revoked session still works: %d", r.Code)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/auth/refresh"}); r.Code != 401 {
			t.Fatalf("refresh without cookie: %d", r.Code)
		}
	})
}

func TestLogoutEndsSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		sess := s.as("street-530103012")
		r := s.do(req{method: "POST", path: "/api/v1/auth/logout", cookies: []*http.Cookie{sess.refresh}})
		if r.Code != 204 || r.Header().Get("Clear-Site-Data") == "" {
			t.Fatalf("logout: %d %v", r.Code, r.Header())
		}
		if r := s.do(req{method: "GET", path: "/api/v1/me", token: sess.token}); r.Code != 401 {
			t.Fatalf("access token after logout: %d", r.Code)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/auth/refresh", cookies: []*http.Cookie{sess.refresh}}); r.Code != 401 {
			t.Fatalf("refresh after logout: %d", r.Code)
		}
	})
}

func TestDisableAndMoveTakeEffectAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		adm := s.as("admin")
		officer := s.as("officer-530103012004")
		id := userID(t, s, adm, "officer-530103012004")

		// Move the officer to another village: the next request sees it.
		r := s.do(req{method: "PATCH", path: "/api/v1/users/" + id, token: adm.token,
			body: map[string]any{"scope": map[string]any{"villages": []string{"530103011001"}}}})
		if r.Code != 200 {
			t.Fatalf("move: %d %s", r.Code, r.Body)
		}
		// Changing the scope ends the officer's sessions.
		if r := s.do(req{method: "GET", path: "/api/v1/me", token: officer.token}); r.Code != 401 {
			t.Fatalf("session survived a scope change: %d", r.Code)
		}
		officer = s.as("officer-530103012004")
		me := s.do(req{method: "GET", path: "/api/v1/me", token: officer.token})
		if !strings.Contains(me.Body.String(), `"villages":["530103011001"]`) {
			t.Fatalf("moved officer: %s", me.Body)
		}

		r = s.do(req{method: "PATCH", path: "/api/v1/users/" + id, token: adm.token, body: map[string]any{"disabled": true}})
		if r.Code != 200 {
			t.Fatalf("disable: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/me", token: officer.token}); r.Code != 401 {
			t.Fatalf("disabled user still served: %d", r.Code)
		}
		if _, r := s.login("officer-530103012004", demoPassword); r.Code != 401 {
			t.Fatalf("disabled user signs in: %d", r.Code)
		}
	})
}

func TestPasswordChangeRequired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		adm := s.as("admin")
		id := userID(t, s, adm, "district")
		if r := s.do(req{method: "POST", path: "/api/v1/users/" + id + "/password-reset", token: adm.token,
			body: map[string]string{"password": "Temp@123456"}}); r.Code != 204 {
			t.Fatalf("reset: %d %s", r.Code, r.Body)
		}
		sess, r := s.login("district", "Temp@123456")
		if r.Code != 200 {
			t.Fatalf("login with temporary password: %d", r.Code)
		}
		r = s.do(req{method: "GET", path: "/api/v1/me", token: sess.token})
		if r.Code != 403 || r.errCode(t) != "password_change_required" {
			t.Fatalf("me before change: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: "/api/v1/auth/password", token: sess.token,
			body: map[string]string{"old_password": "Temp@123456", "new_password": "district"}})
		if r.Code != 422 {
			t.Fatalf("weak new password: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: "/api/v1/auth/password", token: sess.token,
			body: map[string]string{"old_password": "Temp@123456", "new_password": "New-Passw0rd!"}})
		if r.Code != 204 {
			t.Fatalf("change: %d %s", r.Code, r.Body)
		}
		// The change ends every session, this one too; the new password signs in.
		if r := s.do(req{method: "GET", path: "/api/v1/me", token: sess.token}); r.Code != 401 {
			t.Fatalf("the session outlived the password change: %d %s", r.Code, r.Body)
		}
		again, r := s.login("district", "New-Passw0rd!")
		if r.Code != 200 {
			t.Fatalf("login with the new password: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/me", token: again.token}); r.Code != 200 {
			t.Fatalf("me after change: %d %s", r.Code, r.Body)
		}
	})
}

func userID(t *testing.T, s *testServer, adm session, username string) string {
	t.Helper()
	r := s.do(req{method: "GET", path: "/api/v1/users?q=" + username, token: adm.token})
	var page struct {
		Items []struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
		} `json:"items"`
	}
	r.json(t, &page)
	for _, it := range page.Items {
		if it.Username == username {
			return strconv.FormatInt(it.ID, 10)
		}
	}
	t.Fatalf("user %s not listed: %s", username, r.Body)
	return ""
}
