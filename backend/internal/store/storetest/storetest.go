// Package storetest gives tests a fresh, migrated database: SQLite always,
// and MySQL too when JZ_TEST_MYSQL_DSN is set (mysql://user:pass@host:port/db;
// each test gets its own database, dropped at the end).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
)

// KeyText is the data key material every test database is sealed with:
// fixed, so that a test can open what another store wrote.
const KeyText = "index:aW5kZXgta2V5LWZvci10ZXN0cy1vbmx5LTAwMDAwMDA=,1:a2V5LXZlcnNpb24tMS1mb3ItdGVzdHMtb25seS0wMDA="

// Keys parses KeyText.
func Keys(t testing.TB) *sealing.Keyring {
	t.Helper()
	k, err := sealing.Parse(KeyText)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// MySQLEnv names the variable that turns the MySQL runs on.
const MySQLEnv = "JZ_TEST_MYSQL_DSN"

// Each runs fn as a subtest on SQLite and, when configured, on MySQL.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(MySQLEnv) != "" {
		t.Run("mysql", func(t *testing.T) { fn(t, MySQL(t)) })
	}
}

// SQLite opens a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open("", filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.SetKeys(Keys(t))
	return st
}

// MySQL creates a database of its own on the configured server, migrates it
// and drops it when the test ends. It skips when MySQL is not configured.
func MySQL(t testing.TB) *store.Store {
	t.Helper()
	dsn := os.Getenv(MySQLEnv)
	if dsn == "" {
		t.Skip(MySQLEnv + " not set")
	}
	name := "jzt_" + randomHex(6)
	admin := adminDB(t, dsn)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name)
		admin.Close()
	})
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	st, err := store.Open(u.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.SetKeys(Keys(t))
	return st
}

func adminDB(t testing.TB, dsn string) *sql.DB {
	c, err := store.MySQLConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	c.DBName = ""
	conn, err := gomysql.NewConnector(c)
	if err != nil {
		t.Fatal(err)
	}
	return sql.OpenDB(conn)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
