package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"gorm.io/gorm"

	"jingzhun/internal/access"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

var whole = access.Scope{Whole: true}

// The personal data of the test households: none of it may appear in clear
// anywhere in the database.
var (
	testIDs    = []string{"53010319800101001X", "530103198202020028", "530103200503030037"}
	testPhone  = "13987654321"
	testCert   = "53010319800101001X42"
	testIlness = "测试罕见病甲乙丙"
)

func testHousehold(code string, ids ...string) *register.Household {
	h := &register.Household{Code: code, StreetCode: "530103012", VillageCode: "530103012004", Address: "鼠街村1号",
		Phone: testPhone, Status: register.Registered, Hukou: "agricultural", RuralResident: true, IncomeYear: 2016}
	for i, id := range ids {
		rel := "child"
		if i == 0 {
			rel = "head"
		}
		h.Members = append(h.Members, register.Member{Sort: i + 1, IDNumber: id, Name: fmt.Sprintf("成员%d", i), Gender: "male",
			Relation: rel, Status: "present", SharesIncome: true, Health: "chronic", Disease: testIlness,
			DisabilityCategory: "physical", DisabilityCert: testCert})
	}
	return h
}

// seedSealed writes two households and an outcome whose inputs hold the ID numbers.
func seedSealed(t *testing.T, st *store.Store) (*register.Household, *register.Household) {
	t.Helper()
	ctx := context.Background()
	seedRegions(t, st)
	a, b := testHousehold("H-1", testIDs[0], testIDs[1]), testHousehold("H-2", testIDs[2])
	for _, h := range []*register.Household{a, b} {
		if err := st.CreateHousehold(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	c := &store.Campaign{Name: "2017", CampaignYear: 2017, IncomeYear: 2016, Active: true,
		ReferenceDate: localdate.Date{Year: 2017, Month: 6, Day: 30}}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	o := &store.HouseholdOutcome{HouseholdID: a.ID, CampaignID: c.ID, Outcome: "keep", Result: `{"members_removed":["` + testIDs[1] + `"]}`,
		Inputs: `{"members":[{"id_number":"` + testIDs[0] + `"}]}`, ChangedInputs: "[]"}
	if err := st.SaveOutcome(ctx, o); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// checkReadable reads everything back through the store.
func checkReadable(t *testing.T, st *store.Store, a *register.Household) {
	t.Helper()
	ctx := context.Background()
	got, err := st.Household(ctx, whole, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone != testPhone || len(got.Members) != 2 || got.Members[0].IDNumber != testIDs[0] || got.Members[1].IDNumber != testIDs[1] ||
		got.Members[0].Health != "chronic" || got.Members[0].Disease != testIlness || got.Members[0].DisabilityCategory != "physical" ||
		got.Members[0].DisabilityCert != testCert {
		t.Fatalf("read back: %+v %+v", got.Phone, got.Members)
	}
	// Exact search by ID number (lower-case x too) through the blind index.
	rows, total, err := st.Households(ctx, whole, store.HouseholdFilter{IDNumber: strings.ToLower(testIDs[0]), Page: 1, PageSize: 10})
	if err != nil || total != 1 || rows[0].ID != a.ID || rows[0].HeadIDNumber != testIDs[0] {
		t.Fatalf("search by ID number: %v %d %+v", err, total, rows)
	}
	if _, total, _ := st.Households(ctx, whole, store.HouseholdFilter{IDNumber: "530103198202020029", Page: 1, PageSize: 10}); total != 0 {
		t.Fatalf("another ID number found %d", total)
	}
	// One person, one household.
	if id, code, err := st.HouseholdOfPerson(ctx, testIDs[1]); err != nil || id != a.ID || code != "H-1" {
		t.Fatalf("household of person: %d %q %v", id, code, err)
	}
	o, err := st.OutcomeOf(ctx, a.ID, 1)
	if err != nil || o == nil || !strings.Contains(o.Inputs, testIDs[0]) || !strings.Contains(o.Result, testIDs[1]) {
		t.Fatalf("outcome: %+v %v", o, err)
	}
}

// rawDump reads every table with SELECT *, as a dump does, as one text.
func rawDump(t *testing.T, st *store.Store) string {
	t.Helper()
	db, _ := st.SQL()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if st.Dialect == "mysql" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
	}
	tables := scanStrings(t, db, q)
	if len(tables) < 10 {
		t.Fatalf("tables: %v", tables)
	}
	var out strings.Builder
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
				fmt.Fprintf(&out, "%s.%s=%s\n", tb, cols[i], v)
			}
		}
		rows.Close()
	}
	return out.String()
}

func scanStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// noClear fails when text holds any of the test households' personal data.
func noClear(t *testing.T, where string, text []byte) {
	t.Helper()
	for _, v := range append([]string{testPhone, testCert[:18], testIlness, strings.ToLower(testIDs[0])}, testIDs...) {
		if bytes.Contains(text, []byte(v)) {
			t.Errorf("%s holds %q in clear", where, v)
		}
	}
}

// databaseFile checkpoints SQLite's WAL into the file and returns its bytes
// with those of the WAL (empty after the checkpoint).
func databaseFile(t *testing.T, st *store.Store) []byte {
	t.Helper()
	db, _ := st.SQL()
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	var seq int
	var name, path string
	if err := db.QueryRow("PRAGMA database_list").Scan(&seq, &name, &path); err != nil || path == "" {
		t.Fatalf("database file: %v %q", err, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(path + "-wal")
	return append(b, wal...)
}

// mysqlDump runs mysqldump on the test database, when it is installed.
func mysqlDump(t *testing.T, st *store.Store) []byte {
	t.Helper()
	bin, err := exec.LookPath("mysqldump")
	if err != nil {
		t.Log("mysqldump not installed: the SELECT * scan stands for it")
		return nil
	}
	c, err := store.MySQLConfig(os.Getenv(storetest.MySQLEnv))
	if err != nil {
		t.Fatal(err)
	}
	db, _ := st.SQL()
	var name string
	if err := db.QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(c.Addr, ":")
	args := []string{"--protocol=tcp", "-h", host, "-u", c.User, "--single-transaction", "--skip-comments", name}
	if port != "" {
		args = append(args, "-P", port)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+c.Passwd)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mysqldump: %v %s", err, stderr.String())
	}
	if !bytes.Contains(out, []byte("INSERT INTO `members`")) {
		t.Fatalf("mysqldump wrote no members: %.500s", out)
	}
	return out
}

func TestPersonalDataSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := seedSealed(t, st)
		checkReadable(t, st, a)

		// An update re-seals; the new member is found; a deleted household's
		// members are free again.
		a2, _ := st.Household(ctx, whole, a.ID)
		a2.Members = append(a2.Members, register.Member{Sort: 3, IDNumber: "530103201001010016", Name: "新成员", Gender: "male",
			Relation: "child", Status: "present", Health: "healthy"})
		if err := st.UpdateHousehold(ctx, a2); err != nil {
			t.Fatal(err)
		}
		if id, _, _ := st.HouseholdOfPerson(ctx, "530103201001010016"); id != a.ID {
			t.Fatalf("new member's household: %d", id)
		}
		if err := st.DeleteHousehold(ctx, whole, b.ID, b.Version, "t", b.CreatedAt); err != nil {
			t.Fatal(err)
		}
		if id, _, _ := st.HouseholdOfPerson(ctx, testIDs[2]); id != 0 {
			t.Fatalf("deleted household still holds its member: %d", id)
		}
		if err := st.CreateHousehold(ctx, testHousehold("H-3", testIDs[2])); err != nil {
			t.Fatalf("the member of a deleted household joins another: %v", err)
		}
		// The unique blind index refuses a person in two live households.
		dup := testHousehold("H-4", testIDs[2])
		err := st.InTx(ctx, func(ctx context.Context) error { return st.CreateHousehold(ctx, dup) })
		if !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Fatalf("a person in two live households: %v", err)
		}
		if id, code, _ := st.HouseholdOfPerson(ctx, testIDs[2]); code != "H-3" {
			t.Fatalf("the person moved to household %d %s", id, code)
		}

		dump := rawDump(t, st)
		noClear(t, "SELECT * of every table", []byte(dump))
		for _, col := range []string{"members.health=chronic", "members.disability_category=physical", "members.id_number=530103"} {
			if strings.Contains(dump, col) {
				t.Errorf("%s in clear", col)
			}
		}
		if st.Dialect == "sqlite" {
			noClear(t, "the SQLite file", databaseFile(t, st))
		} else {
			noClear(t, "mysqldump", mysqlDump(t, st))
		}
	})
}

func TestRotationKeepsEveryRecordReadable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := seedSealed(t, st) // sealed with version 1
		index, v1, _ := strings.Cut(storetest.KeyText, ",")
		v2, _ := sealing.NewKey()
		both, err := sealing.Parse(index + ",2:" + v2 + "," + v1)
		if err != nil {
			t.Fatal(err)
		}
		st.SetKeys(both)
		checkReadable(t, st, a) // old rows open under the new ring
		rep, err := st.Rotate(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if rep["households"] != 2 || rep["members"] != 3 || rep["household_outcomes"] != 1 {
			t.Fatalf("rotation report: %v", rep)
		}
		if rep, err := st.Rotate(ctx, 2); err != nil || rep.Total() != 0 {
			t.Fatalf("second rotation: %v %v", rep, err)
		}
		if vs, err := st.KeyVersions(ctx); err != nil || len(vs) != 1 || vs[2] != 6 {
			t.Fatalf("key versions after rotation: %v %v", vs, err)
		}
		onlyNew, _ := sealing.Parse(index + ",2:" + v2)
		st.SetKeys(onlyNew)
		checkReadable(t, st, a)
		onlyOld, _ := sealing.Parse(storetest.KeyText)
		st.SetKeys(onlyOld)
		if _, err := st.Household(ctx, whole, a.ID); err == nil || !strings.Contains(err.Error(), "version 2") {
			t.Fatalf("the old key alone still reads: %v", err)
		}
		noClear(t, "SELECT * after rotation", []byte(rawDump(t, st)))
	})
}

// TestLegacyRowsAreSealed: rows written in clear before migration 0005
// (key_version 0) are sealed by SealLegacy, and the clear values leave the
// SQLite file.
func TestLegacyRowsAreSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, _ := seedSealed(t, st)
		// Put the rows back as the code before 0005 wrote them.
		db, _ := st.SQL()
		for _, q := range []string{
			"UPDATE households SET phone = '" + testPhone + "', key_version = 0",
			"UPDATE members SET id_number = CASE id WHEN 1 THEN '" + testIDs[0] + "' WHEN 2 THEN '" + testIDs[1] + "' ELSE '" + testIDs[2] + "' END, " +
				"health = 'chronic', disease = '" + testIlness + "', disability_category = 'physical', disability_cert = '" + testCert + "', id_index = '', key_version = 0",
			"UPDATE members SET active_id_key = id_number",
			"UPDATE household_outcomes SET inputs = '{\"members\":[{\"id_number\":\"" + testIDs[0] + "\"}]}', result = '{\"members_removed\":[\"" + testIDs[1] + "\"]}', key_version = 0",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := st.Household(ctx, whole, a.ID); err == nil {
			t.Fatal("a clear value opened")
		}
		if st.Dialect == "sqlite" && !bytes.Contains(databaseFile(t, st), []byte(testIDs[0])) {
			t.Fatal("the file scan does not see clear values") // the check below would prove nothing
		}
		rep, err := st.SealLegacy(ctx)
		if err != nil || rep["households"] != 2 || rep["members"] != 3 || rep["household_outcomes"] != 1 {
			t.Fatalf("seal legacy: %v %v", rep, err)
		}
		if rep, err := st.SealLegacy(ctx); err != nil || rep.Total() != 0 {
			t.Fatalf("second run: %v %v", rep, err)
		}
		checkReadable(t, st, a)
		noClear(t, "SELECT * after sealing", []byte(rawDump(t, st)))
		if st.Dialect == "sqlite" {
			noClear(t, "the SQLite file after sealing", databaseFile(t, st))
		}
	})
}

func TestNoKeysNoPersonalData(t *testing.T) {
	st := storetest.SQLite(t)
	seedRegions(t, st)
	st.SetKeys(nil)
	if err := st.CreateHousehold(context.Background(), testHousehold("H-1", testIDs[0])); !errors.Is(err, store.ErrNoKeys) {
		t.Fatalf("write without keys: %v", err)
	}
	if _, _, err := st.HouseholdOfPerson(context.Background(), testIDs[0]); !errors.Is(err, store.ErrNoKeys) {
		t.Fatalf("search without keys: %v", err)
	}
}
