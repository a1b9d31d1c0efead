package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jingzhun/internal/auth"
	"jingzhun/internal/config"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

func TestSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st, func(c *config.Config) { c.MFARoles = []string{"district"} })

		// A role that requires a second factor must enrol before anything else.
		district := s.as("district")
		if r := s.do(req{method: "GET", path: "/api/v1/households", token: district.token}); r.Code != http.StatusForbidden || r.errCode(t) != "mfa_enrolment_required" {
			t.Fatalf("before enrolment: %d %s", r.Code, r.Body)
		}
		var me struct {
			MFAEnrolmentRequired bool `json:"mfa_enrolment_required"`
			MFAEnabled           bool `json:"mfa_enabled"`
		}
		s.do(req{method: "GET", path: "/api/v1/me", token: district.token}).json(t, &me)
		if !me.MFAEnrolmentRequired || me.MFAEnabled {
			t.Fatalf("me: %+v", me)
		}
		var setup struct {
			Secret     string `json:"secret"`
			OTPAuthURL string `json:"otpauth_url"`
		}
		r := s.do(req{method: "POST", path: "/api/v1/auth/mfa/setup", token: district.token})
		r.json(t, &setup)
		if setup.Secret == "" || setup.OTPAuthURL == "" {
			t.Fatalf("setup: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa/enable", token: district.token, body: map[string]string{"code": "000000"}}); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("wrong enrolment code: %d %s", r.Code, r.Body)
		}
		code, _ := auth.TOTPCode(setup.Secret, auth.TOTPStep(time.Now()))
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa/enable", token: district.token, body: map[string]string{"code": code}}); r.Code != http.StatusNoContent {
			t.Fatalf("enable: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/households", token: district.token}); r.Code != http.StatusOK {
			t.Fatalf("after enrolment: %d %s", r.Code, r.Body)
		}

		// Sign-in now takes the code; the code of the enrolment step is spent.
		login := func() string {
			r := s.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": "district", "password": demoPassword}})
			var b struct {
				MFARequired bool   `json:"mfa_required"`
				MFAToken    string `json:"mfa_token"`
				AccessToken string `json:"access_token"`
			}
			r.json(t, &b)
			if r.Code != http.StatusOK || !b.MFARequired || b.MFAToken == "" || b.AccessToken != "" {
				t.Fatalf("login with a second factor: %d %s", r.Code, r.Body)
			}
			return b.MFAToken
		}
		tok := login()
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa", body: map[string]string{"mfa_token": tok, "code": code}}); r.Code != http.StatusUnauthorized {
			t.Fatalf("replayed code accepted: %d %s", r.Code, r.Body)
		}
		next, _ := auth.TOTPCode(setup.Secret, auth.TOTPStep(time.Now())+1)
		r = s.do(req{method: "POST", path: "/api/v1/auth/mfa", body: map[string]string{"mfa_token": tok, "code": next}})
		if r.Code != http.StatusOK {
			t.Fatalf("second step: %d %s", r.Code, r.Body)
		}
		// The same code again, on a new sign-in: refused (replay).
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa", body: map[string]string{"mfa_token": login(), "code": next}}); r.Code != http.StatusUnauthorized {
			t.Fatalf("replay on a new sign-in: %d %s", r.Code, r.Body)
		}
		// A made-up token gets the same answer as a wrong code.
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa", body: map[string]string{"mfa_token": "nope", "code": "123456"}}); r.Code != http.StatusUnauthorized {
			t.Fatalf("unknown token: %d", r.Code)
		}

		// The security administrator resets it (a lost phone); the admin may not.
		var users struct {
			Items []struct {
				ID       int64  `json:"id"`
				Username string `json:"username"`
			} `json:"items"`
		}
		s.do(req{method: "GET", path: "/api/v1/users?q=district", token: s.as("admin").token}).json(t, &users)
		var id int64
		for _, u := range users.Items {
			if u.Username == "district" {
				id = u.ID
			}
		}
		path := fmt.Sprintf("/api/v1/users/%d/mfa-reset", id)
		if r := s.do(req{method: "POST", path: path, token: s.as("admin").token}); r.Code != http.StatusForbidden {
			t.Fatalf("admin reset: %d", r.Code)
		}
		if r := s.do(req{method: "POST", path: path, token: s.as("security").token}); r.Code != http.StatusNoContent {
			t.Fatalf("security reset: %d %s", r.Code, r.Body)
		}
		again := s.as("district") // password alone again, then enrolment is due
		if r := s.do(req{method: "GET", path: "/api/v1/households", token: again.token}); r.errCode(t) != "mfa_enrolment_required" {
			t.Fatalf("after reset: %d %s", r.Code, r.Body)
		}
	})
}

func TestPasswordHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		// Each change ends the session: sign in with the current password first.
		change := func(old, next string) response {
			sess, r := s.login("officer-530103012004", old)
			if r.Code != http.StatusOK {
				t.Fatalf("login with %s: %d", old, r.Code)
			}
			return s.do(req{method: "POST", path: "/api/v1/auth/password", token: sess.token,
				body: map[string]string{"old_password": old, "new_password": next}})
		}
		pw := []string{demoPassword, "Second#Pass2017", "Third#Pass2017", "Fourth#Pass2017"}
		for i := 1; i < 3; i++ {
			if r := change(pw[i-1], pw[i]); r.Code != http.StatusNoContent {
				t.Fatalf("change %d: %d %s", i, r.Code, r.Body)
			}
		}
		// The last three passwords cannot come back …
		for _, old := range pw[:2] {
			if r := change(pw[2], old); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "最近3次") {
				t.Fatalf("reuse of %s: %d %s", old, r.Code, r.Body)
			}
		}
		// … a fourth one can, and after it the oldest is free again.
		if r := change(pw[2], pw[3]); r.Code != http.StatusNoContent {
			t.Fatalf("new password: %d %s", r.Code, r.Body)
		}
		if r := change(pw[3], pw[0]); r.Code != http.StatusNoContent {
			t.Fatalf("the fourth-last password: %d %s", r.Code, r.Body)
		}
		if r := change(pw[0], "Passw0rd!"); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "弱密码") {
			t.Fatalf("common password: %d %s", r.Code, r.Body)
		}
	})
}

func TestPasswordMaxAge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st, func(c *config.Config) { c.PasswordMaxAge = time.Nanosecond })
		district := s.as("district")
		if r := s.do(req{method: "GET", path: "/api/v1/households", token: district.token}); r.errCode(t) != "password_change_required" {
			t.Fatalf("an expired password: %d %s", r.Code, r.Body)
		}
	})
}
