package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/store"
	"jingzhun/internal/store/migrations"
	"jingzhun/internal/store/storetest"
)

func TestMigrationsAreIdempotentAndAlike(t *testing.T) {
	var schemas []map[string][]string
	var mu sync.Mutex
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.Migrate(ctx); err != nil { // second run: nothing to do
			t.Fatalf("second migrate: %v", err)
		}
		db, _ := st.SQL()
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != len(migrations.All) {
			t.Fatalf("schema_migrations has %d rows (%v), want %d", n, err, len(migrations.All))
		}
		mu.Lock()
		schemas = append(schemas, columns(t, st))
		mu.Unlock()
	})
	if len(schemas) == 2 {
		for table, cols := range schemas[0] {
			if !slices.Equal(cols, schemas[1][table]) {
				t.Errorf("table %s: sqlite %v, mysql %v", table, cols, schemas[1][table])
			}
		}
		if len(schemas[0]) != len(schemas[1]) {
			t.Errorf("table count differs: %d vs %d", len(schemas[0]), len(schemas[1]))
		}
	}
}

// columns lists each table's columns, sorted, through a query both databases answer.
func columns(t *testing.T, st *store.Store) map[string][]string {
	db, _ := st.SQL()
	tables := []string{"streets", "villages", "check_teams", "departments", "users", "user_grants", "sessions", "refresh_tokens", "audit_events"}
	out := map[string][]string{}
	for _, tb := range tables {
		rows, err := db.Query("SELECT * FROM " + tb + " WHERE 1=0")
		if err != nil {
			t.Fatalf("table %s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		slices.Sort(cols)
		out[tb] = cols
	}
	return out
}

func seedRegions(t *testing.T, st *store.Store) {
	t.Helper()
	err := st.SaveRegions(context.Background(), store.Regions{
		Teams:    []store.CheckTeam{{Code: "A", Name: "阿子营（含松华）工作核查组"}},
		Streets:  []store.Street{{Code: "530103012", Name: "阿子营街道", CheckTeam: "A", Sort: 1}},
		Villages: []store.Village{{Code: "530103012004", StreetCode: "530103012", Name: "鼠街村委会", Sort: 1}, {Code: "530103012005", StreetCode: "530103012", Name: "其他村", Sort: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUsersRoundTripAndConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seedRegions(t, st)
		u := &store.User{Username: "officer-x", DisplayName: "𠮷田 张三", Role: access.VillageOfficer, PasswordHash: "h",
			PasswordChangedAt: time.Now().UTC(), Grant: access.Grant{Villages: []string{"530103012004"}}}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		again := &store.User{Username: "officer-x", DisplayName: "x", Role: access.District, PasswordHash: "h", PasswordChangedAt: time.Now().UTC()}
		if err := st.CreateUser(ctx, again); !apperr.Is(err, apperr.UsernameTaken) {
			t.Fatalf("duplicate username: %v", err)
		}
		got, err := st.UserByUsername(ctx, "officer-x")
		if err != nil {
			t.Fatal(err)
		}
		if got.DisplayName != "𠮷田 张三" {
			t.Fatalf("a character outside the BMP did not survive: %q", got.DisplayName)
		}
		if !slices.Equal(got.Grant.Villages, []string{"530103012004"}) {
			t.Fatalf("grant %+v", got.Grant)
		}

		// Move the officer: the grant is replaced, not added to.
		got.Grant = access.Grant{Villages: []string{"530103012005"}}
		if err := st.UpdateUser(ctx, got, true); err != nil {
			t.Fatal(err)
		}
		moved, _ := st.UserByID(ctx, got.ID)
		if !slices.Equal(moved.Grant.Villages, []string{"530103012005"}) {
			t.Fatalf("after move: %+v", moved.Grant)
		}
		// A stale version is refused.
		stale := *u
		stale.Version = 1
		if err := st.UpdateUser(ctx, &stale, false); !apperr.Is(err, apperr.VersionConflict) {
			t.Fatalf("stale update: %v", err)
		}
		if _, err := st.UserByUsername(ctx, "nobody"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("missing user: %v", err)
		}
	})
}

func TestAuditInTransactionRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		boom := apperr.New(apperr.Conflict, "boom")
		err := st.InTx(ctx, func(ctx context.Context) error {
			if err := st.AppendAudit(ctx, &store.AuditEvent{At: time.Now().UTC(), Username: "u", Action: "x.y", Changes: "[]", Result: "ok"}); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("InTx returned %v", err)
		}
		_, n, err := st.AuditEvents(ctx, store.AuditFilter{Page: 1, PageSize: 10})
		if err != nil || n != 0 {
			t.Fatalf("audit event survived a rolled-back transaction: n=%d err=%v", n, err)
		}
		if err := st.AppendAudit(ctx, &store.AuditEvent{At: time.Now().UTC(), Username: "u", Action: "auth.login", Changes: "[]", Result: "failed"}); err != nil {
			t.Fatal(err)
		}
		es, n, _ := st.AuditEvents(ctx, store.AuditFilter{Action: "auth.", Result: "failed", Page: 1, PageSize: 10})
		if n != 1 || len(es) != 1 || es[0].Action != "auth.login" {
			t.Fatalf("filtered audit: %d %+v", n, es)
		}
	})
}

func TestExpandScope(t *testing.T) {
	r := store.Regions{
		Streets:  []store.Street{{Code: "S1", CheckTeam: "A"}, {Code: "S2", CheckTeam: "B"}, {Code: "S3", CheckTeam: "A"}},
		Villages: []store.Village{{Code: "V11", StreetCode: "S1"}, {Code: "V12", StreetCode: "S1"}, {Code: "V21", StreetCode: "S2"}, {Code: "V31", StreetCode: "S3"}},
	}
	cases := []struct {
		role     access.Role
		g        access.Grant
		streets  []string
		villages []string
		whole    bool
	}{
		{access.VillageOfficer, access.Grant{Villages: []string{"V12"}}, []string{"S1"}, []string{"V12"}, false},
		{access.Street, access.Grant{Street: "S2"}, []string{"S2"}, []string{"V21"}, false},
		{access.CheckTeam, access.Grant{Team: "A"}, []string{"S1", "S3"}, []string{"V11", "V12", "V31"}, false},
		{access.District, access.Grant{}, []string{"S1", "S2", "S3"}, []string{"V11", "V12", "V21", "V31"}, true},
		{access.Department, access.Grant{Department: "police"}, []string{"S1", "S2", "S3"}, []string{"V11", "V12", "V21", "V31"}, true},
		{access.Admin, access.Grant{}, nil, nil, false},
		{access.VillageOfficer, access.Grant{Villages: []string{"gone"}}, nil, nil, false},
	}
	for _, c := range cases {
		sc := r.ExpandScope(c.role, c.g)
		if !slices.Equal(sc.Streets, c.streets) || !slices.Equal(sc.Villages, c.villages) || sc.Whole != c.whole {
			t.Errorf("%s %+v: got %+v", c.role, c.g, sc)
		}
	}
}
