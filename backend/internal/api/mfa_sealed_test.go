package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"jingzhun/internal/auth"
	"jingzhun/internal/config"
	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// TestTOTPSecretSealedAtRest: the secret of an enrolment is never stored in
// clear, sign-in with it works, before and after a key rotation, and a
// secret stored in clear before migration 0009 is sealed at start and still
// signs in.
func TestTOTPSecretSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := newServer(t, st, func(c *config.Config) { c.MFARoles = []string{"district"} })
		db, _ := st.SQL()

		district := s.as("district")
		var setup struct {
			Secret string `json:"secret"`
		}
		s.do(req{method: "POST", path: "/api/v1/auth/mfa/setup", token: district.token}).json(t, &setup)
		if setup.Secret == "" {
			t.Fatal("no secret")
		}
		rawHasNo(t, st, "after setup", setup.Secret)
		code, _ := auth.TOTPCode(setup.Secret, auth.TOTPStep(time.Now()))
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa/enable", token: district.token, body: map[string]string{"code": code}}); r.Code != http.StatusNoContent {
			t.Fatalf("enable: %d %s", r.Code, r.Body)
		}
		rawHasNo(t, st, "after enrolment", setup.Secret)
		if sec, v := rawSecret(t, db, "district"); !strings.HasPrefix(sec, "v1:") || v != 1 {
			t.Fatalf("stored as %q, key version %d", sec, v)
		}

		// Rotate to a new key and drop the old one: the sealed secret still
		// signs in (with the next step: the enrolment's is spent).
		index, v1, _ := strings.Cut(storetest.KeyText, ",")
		v2, _ := sealing.NewKey()
		both, _ := sealing.Parse(index + ",2:" + v2 + "," + v1)
		st.SetKeys(both)
		if rep, err := st.Rotate(ctx, 500); err != nil || rep["users"] != 1 {
			t.Fatalf("rotation: %v %v", rep, err)
		}
		onlyNew, _ := sealing.Parse(index + ",2:" + v2)
		st.SetKeys(onlyNew)
		if sec, v := rawSecret(t, db, "district"); !strings.HasPrefix(sec, "v2:") || v != 2 {
			t.Fatalf("after rotation stored as %q, key version %d", sec, v)
		}
		next, _ := auth.TOTPCode(setup.Secret, auth.TOTPStep(time.Now())+1)
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa", body: map[string]string{"mfa_token": mfaLogin(t, s, "district"), "code": next}}); r.Code != http.StatusOK {
			t.Fatalf("sign-in after rotation: %d %s", r.Code, r.Body)
		}
		rawHasNo(t, st, "after sign-in", setup.Secret)

		// A secret stored in clear before 0009, as that code wrote it.
		legacy, _ := auth.NewTOTPSecret()
		if _, err := db.Exec("UPDATE users SET totp_secret = ?, totp_pending = '', totp_enabled = ?, totp_last_step = 0, key_version = 0 WHERE username = 'auditor'", legacy, true); err != nil {
			t.Fatal(err)
		}
		rep, err := st.SealLegacy(ctx)
		if err != nil || rep["users"] != 1 {
			t.Fatalf("seal legacy: %v %v", rep, err)
		}
		rawHasNo(t, st, "after the start-up conversion", legacy)
		if sec, v := rawSecret(t, db, "auditor"); !strings.HasPrefix(sec, "v2:") || v != 2 {
			t.Fatalf("converted to %q, key version %d", sec, v)
		}
		code, _ = auth.TOTPCode(legacy, auth.TOTPStep(time.Now()))
		if r := s.do(req{method: "POST", path: "/api/v1/auth/mfa", body: map[string]string{"mfa_token": mfaLogin(t, s, "auditor"), "code": code}}); r.Code != http.StatusOK {
			t.Fatalf("sign-in with a converted secret: %d %s", r.Code, r.Body)
		}
		// The accounts list reads every account, sealed or not.
		if r := s.do(req{method: "GET", path: "/api/v1/users", token: s.as("admin").token}); r.Code != http.StatusOK {
			t.Fatalf("accounts list: %d %s", r.Code, r.Body)
		}
	})
}

// mfaLogin signs in with the password and returns the MFA token.
func mfaLogin(t *testing.T, s *testServer, username string) string {
	t.Helper()
	r := s.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": username, "password": demoPassword}})
	var b struct {
		MFARequired bool   `json:"mfa_required"`
		MFAToken    string `json:"mfa_token"`
	}
	r.json(t, &b)
	if r.Code != http.StatusOK || !b.MFARequired || b.MFAToken == "" {
		t.Fatalf("login %s: %d %s", username, r.Code, r.Body)
	}
	return b.MFAToken
}

func rawSecret(t *testing.T, db *sql.DB, username string) (secret string, version int) {
	t.Helper()
	if err := db.QueryRow("SELECT totp_secret, key_version FROM users WHERE username = ?", username).Scan(&secret, &version); err != nil {
		t.Fatal(err)
	}
	return secret, version
}

// rawHasNo fails when any column of any table holds the secret.
func rawHasNo(t *testing.T, st *store.Store, when, secret string) {
	t.Helper()
	db, _ := st.SQL()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if st.Dialect == "mysql" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var tb string
		if err := rows.Scan(&tb); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, tb)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("tables: %v", tables)
	}
	for _, tb := range tables {
		rows, err := db.Query("SELECT * FROM " + tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.RawBytes, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bytes.Contains(v, []byte(secret)) {
					t.Errorf("%s: %s.%s holds the TOTP secret in clear", when, tb, cols[i])
				}
			}
		}
		rows.Close()
	}
}
