package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// TOTP secrets as auth.NewTOTPSecret makes them (160 bits, base32): none may
// appear in clear anywhere in the database (migration 0009).
const (
	testTOTPSecret  = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	testTOTPPending = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
)

func newAccount(t *testing.T, st *store.Store, username string) *store.User {
	t.Helper()
	u := &store.User{Username: username, DisplayName: username, Role: access.District, PasswordHash: "h", PasswordChangedAt: time.Now().UTC()}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// rawTOTP reads an account's TOTP columns as stored.
func rawTOTP(t *testing.T, st *store.Store, id int64) (secret, pending string, version int) {
	t.Helper()
	db, _ := st.SQL()
	if err := db.QueryRow("SELECT totp_secret, totp_pending, key_version FROM users WHERE id = ?", id).Scan(&secret, &pending, &version); err != nil {
		t.Fatal(err)
	}
	return secret, pending, version
}

// noClearTOTP fails when text holds a test TOTP secret.
func noClearTOTP(t *testing.T, where string, text []byte) {
	t.Helper()
	for _, v := range []string{testTOTPSecret, testTOTPPending} {
		if bytes.Contains(text, []byte(v)) {
			t.Errorf("%s holds the TOTP secret %q in clear", where, v)
		}
	}
}

// enrol writes the second factor of an account as the service does: a
// pending secret, then confirmed.
func enrol(t *testing.T, st *store.Store, u *store.User) {
	t.Helper()
	ctx := context.Background()
	if err := st.SetTOTP(ctx, u.ID, "", testTOTPPending, false, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTOTP(ctx, u.ID, testTOTPSecret, "", true, 7); err != nil {
		t.Fatal(err)
	}
}

// checkTOTP reads an account through every read of the store.
func checkTOTP(t *testing.T, st *store.Store, u *store.User, secret, pending string) {
	t.Helper()
	ctx := context.Background()
	byID, err := st.UserByID(ctx, u.ID)
	if err != nil || byID.TOTPSecret != secret || byID.TOTPPending != pending {
		t.Fatalf("by id: %v %+v", err, byID)
	}
	byName, err := st.UserByUsername(ctx, u.Username)
	if err != nil || byName.TOTPSecret != secret || byName.TOTPPending != pending {
		t.Fatalf("by username: %v %+v", err, byName)
	}
	list, _, err := st.Users(ctx, store.UserFilter{Query: u.Username, Page: 1, PageSize: 10})
	if err != nil || len(list) != 1 || list[0].TOTPSecret != secret || list[0].TOTPPending != pending {
		t.Fatalf("list: %v %+v", err, list)
	}
}

func TestTOTPSecretsSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		none := newAccount(t, st, "plain")
		u := newAccount(t, st, "district-a")

		// Enrolment started: the pending secret is sealed.
		if err := st.SetTOTP(ctx, u.ID, "", testTOTPPending, false, 0); err != nil {
			t.Fatal(err)
		}
		if sec, pen, v := rawTOTP(t, st, u.ID); !strings.HasPrefix(pen, "v1:") || !strings.HasPrefix(sec, "v1:") || v != 1 {
			t.Fatalf("pending stored as %q %q version %d", sec, pen, v)
		}
		checkTOTP(t, st, u, "", testTOTPPending)

		// Confirmed: the secret is sealed, and so is the now empty pending one.
		if err := st.SetTOTP(ctx, u.ID, testTOTPSecret, "", true, 7); err != nil {
			t.Fatal(err)
		}
		sec, pen, v := rawTOTP(t, st, u.ID)
		if !strings.HasPrefix(sec, "v1:") || !strings.HasPrefix(pen, "v1:") || v != 1 {
			t.Fatalf("secret stored as %q %q version %d", sec, pen, v)
		}
		checkTOTP(t, st, u, testTOTPSecret, "")
		got, _ := st.UserByID(ctx, u.ID)
		if !got.TOTPEnabled || got.TOTPLastStep != 7 {
			t.Fatalf("enabled %v, last step %d", got.TOTPEnabled, got.TOTPLastStep)
		}

		// An account that never enrolled holds nothing sealed and is
		// neither sealed nor counted.
		if sec, pen, v := rawTOTP(t, st, none.ID); sec != "" || pen != "" || v != 0 {
			t.Fatalf("account without a second factor: %q %q %d", sec, pen, v)
		}
		checkTOTP(t, st, none, "", "")
		if rep, err := st.SealLegacy(ctx); err != nil || rep.Total() != 0 {
			t.Fatalf("seal legacy with nothing in clear: %v %v", rep, err)
		}
		if vs, err := st.KeyVersions(ctx); err != nil || len(vs) != 1 || vs[1] != 1 {
			t.Fatalf("key versions: %v %v", vs, err)
		}

		noClearTOTP(t, "SELECT * of every table", []byte(rawDump(t, st)))
		if st.Dialect == "sqlite" {
			noClearTOTP(t, "the SQLite file", databaseFile(t, st))
		} else {
			seedSealed(t, st) // mysqlDump wants members to prove it dumped rows
			dump := mysqlDump(t, st)
			if dump != nil && !bytes.Contains(dump, []byte("INSERT INTO `users`")) {
				t.Fatalf("mysqldump wrote no accounts")
			}
			noClearTOTP(t, "mysqldump", dump)
		}

		// Without keys an account without a second factor still reads; one
		// with it does not.
		st.SetKeys(nil)
		if _, err := st.UserByUsername(ctx, none.Username); err != nil {
			t.Fatalf("account without a second factor, without keys: %v", err)
		}
		if _, err := st.UserByUsername(ctx, u.Username); !errors.Is(err, store.ErrNoKeys) {
			t.Fatalf("sealed secret without keys: %v", err)
		}
		if err := st.SetTOTP(ctx, u.ID, testTOTPSecret, "", true, 7); !errors.Is(err, store.ErrNoKeys) {
			t.Fatalf("write without keys: %v", err)
		}
		st.SetKeys(storetest.Keys(t))

		// The column is the associated data: a secret moved into the other
		// column does not open.
		db, _ := st.SQL()
		if _, err := db.Exec("UPDATE users SET totp_pending = totp_secret WHERE id = ?", u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UserByID(ctx, u.ID); err == nil || !strings.Contains(err.Error(), "users.totp_pending") {
			t.Fatalf("a moved secret: %v", err)
		}
	})
}

func TestTOTPRotationKeepsTheSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		newAccount(t, st, "plain")
		u := newAccount(t, st, "district-a")
		enrol(t, st, u)
		index, v1, _ := strings.Cut(storetest.KeyText, ",")
		v2, _ := sealing.NewKey()
		both, err := sealing.Parse(index + ",2:" + v2 + "," + v1)
		if err != nil {
			t.Fatal(err)
		}
		st.SetKeys(both)
		checkTOTP(t, st, u, testTOTPSecret, "")
		rep, err := st.Rotate(ctx, 1)
		if err != nil || rep["users"] != 1 {
			t.Fatalf("rotation: %v %v", rep, err)
		}
		if rep, err := st.Rotate(ctx, 1); err != nil || rep.Total() != 0 {
			t.Fatalf("second rotation: %v %v", rep, err)
		}
		if vs, err := st.KeyVersions(ctx); err != nil || len(vs) != 1 || vs[2] != 1 {
			t.Fatalf("key versions after rotation: %v %v", vs, err)
		}
		if sec, pen, v := rawTOTP(t, st, u.ID); !strings.HasPrefix(sec, "v2:") || !strings.HasPrefix(pen, "v2:") || v != 2 {
			t.Fatalf("after rotation: %q %q %d", sec, pen, v)
		}
		onlyNew, _ := sealing.Parse(index + ",2:" + v2)
		st.SetKeys(onlyNew)
		checkTOTP(t, st, u, testTOTPSecret, "")
		if got, _ := st.UserByID(ctx, u.ID); !got.TOTPEnabled || got.TOTPLastStep != 7 {
			t.Fatalf("rotation changed the factor: %+v", got)
		}
		onlyOld, _ := sealing.Parse(storetest.KeyText)
		st.SetKeys(onlyOld)
		if _, err := st.UserByID(ctx, u.ID); err == nil || !strings.Contains(err.Error(), "version 2") {
			t.Fatalf("the old key alone still reads: %v", err)
		}
		noClearTOTP(t, "SELECT * after rotation", []byte(rawDump(t, st)))
	})
}

// TestLegacyTOTPSecretsAreSealed: secrets written in clear before migration
// 0009 (key_version 0) are sealed by SealLegacy and leave the SQLite file.
func TestLegacyTOTPSecretsAreSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		none := newAccount(t, st, "plain")
		u := newAccount(t, st, "district-a")
		pending := newAccount(t, st, "district-b")
		// As the code before 0009 wrote them.
		db, _ := st.SQL()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE users SET totp_secret = ?, totp_pending = '', totp_enabled = ?, totp_last_step = 7, key_version = 0 WHERE id = ?", []any{testTOTPSecret, true, u.ID}},
			{"UPDATE users SET totp_secret = '', totp_pending = ?, key_version = 0 WHERE id = ?", []any{testTOTPPending, pending.ID}},
		} {
			if _, err := db.Exec(q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		if _, err := st.UserByID(ctx, u.ID); err == nil {
			t.Fatal("a clear secret opened")
		}
		if st.Dialect == "sqlite" && !bytes.Contains(databaseFile(t, st), []byte(testTOTPSecret)) {
			t.Fatal("the file scan does not see clear secrets") // the check below would prove nothing
		}
		rep, err := st.SealLegacy(ctx)
		if err != nil || rep["users"] != 2 {
			t.Fatalf("seal legacy: %v %v", rep, err)
		}
		if rep, err := st.SealLegacy(ctx); err != nil || rep.Total() != 0 {
			t.Fatalf("second run: %v %v", rep, err)
		}
		checkTOTP(t, st, u, testTOTPSecret, "")
		checkTOTP(t, st, pending, "", testTOTPPending)
		checkTOTP(t, st, none, "", "")
		if got, _ := st.UserByID(ctx, u.ID); !got.TOTPEnabled || got.TOTPLastStep != 7 {
			t.Fatalf("sealing changed the factor: %+v", got)
		}
		if sec, _, v := rawTOTP(t, st, u.ID); !strings.HasPrefix(sec, "v1:") || v != 1 {
			t.Fatalf("sealed as %q version %d", sec, v)
		}
		if _, _, v := rawTOTP(t, st, none.ID); v != 0 {
			t.Fatalf("an account without a second factor was sealed: version %d", v)
		}
		noClearTOTP(t, "SELECT * after sealing", []byte(rawDump(t, st)))
		if st.Dialect == "sqlite" {
			noClearTOTP(t, "the SQLite file after sealing", databaseFile(t, st))
		}
	})
}
