package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/regions"
	"jingzhun/internal/register"
	"jingzhun/internal/sealing"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
	"jingzhun/internal/synth"
)

// The plans of the main list queries on MySQL (issue 10): each query runs
// through the store under store.Recording, so what is EXPLAINed is exactly
// what the store sends, and the test checks that no scoped table is read
// in full and that the tables the list filters on are read through the
// index meant for them (migration 0016).
//
// By default it loads a few thousand households into a fresh database
// (enough for the optimizer to prefer indexes) and ANALYZEs the tables.
// With JZ_EXPLAIN_DSN=mysql://… (and the data keys in JZ_DATA_KEYS) it runs
// the same checks, read-only, on an existing register such as the
// benchmark's million households, and logs every plan (go test -v):
// BENCHMARKS.md shows them.

const explainEnv = "JZ_EXPLAIN_DSN"

// smallTables may be read in full: reference data of a few dozen rows a
// campaign, and the households an inspection samples (a few hundred each).
var smallTables = map[string]bool{
	"streets": true, "st": true, "villages": true, "v": true, "village_groups": true, "g": true,
	"campaigns": true, "check_teams": true, "village_lists": true, "l": true,
	"inspections": true, "inspection_households": true,
}

// planRow is one line of EXPLAIN, in the columns MySQL 8 and MariaDB share.
type planRow struct {
	ID, SelectType, Table, Type, Key, Rows, Extra string
}

func (r planRow) String() string {
	return fmt.Sprintf("%-3s %-18s %-22s %-7s %-22s %9s  %s", r.ID, r.SelectType, r.Table, r.Type, r.Key, r.Rows, r.Extra)
}

func explain(t *testing.T, db *sql.DB, s store.Statement) []planRow {
	t.Helper()
	rows, err := db.Query("EXPLAIN "+s.SQL, s.Args...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", s.SQL, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []planRow
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, c := range cols {
			m[strings.ToLower(c)] = vals[i].String
		}
		out = append(out, planRow{m["id"], m["select_type"], m["table"], m["type"], m["key"], m["rows"], m["extra"]})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// planCase is one list query: run calls the store, keys names the index
// each listed table must be read through in every statement it appears in
// (one of several: "a|b").
type planCase struct {
	name string
	run  func(ctx context.Context) error
	keys map[string]string
}

// inOrder lists the household pages that must be read in code order from
// the index and stop after the page (a sort would read every match first),
// and whose count must come from the index alone.
var inOrder = map[string]bool{
	"households: street account, street and status (the benchmark's page)": true,
	"households: street account, no filter":                                true,
	"households: street account, one village":                              true,
	"households: village officer, status":                                  true,
	"households: district, status":                                         true,
	"households: street account, status and cause":                         true,
	"households: street account, status and poverty attribute":             true,
}

// pageInOrder lists lists whose page must be read in code order too, but
// whose count reads rows (the outcomes' count starts from the outcomes).
var pageInOrder = map[string]bool{"outcomes: street account, one outcome": true}

// needs names the table a list shows, for a run on an existing register.
var needs = map[string]string{
	"outcomes: street account, one outcome":                        "household_outcomes",
	"outcomes: counts by outcome, street account":                  "household_outcomes",
	"discrepancies: check team, open":                              "discrepancies",
	"discrepancies: counts, check team":                            "discrepancies",
	"village lists: board of a street":                             "village_lists",
	"village lists: case counts of the board":                      "review_cases",
	"village lists: the cases of a list":                           "review_cases",
	"village lists: a campaign's cases of a street (drill-down)":   "review_cases",
	"audit events: newest page":                                    "audit_events",
	"audit events: one user":                                       "audit_events",
	"audit events: one object's history":                           "audit_events",
	"department imports of one department":                         "dept_imports",
	"inspections of a street":                                      "inspection_households",
	"rates: sampled households of a street":                        "inspection_households",
	"figures: outcome scales per street (the district's campaign)": "household_outcomes",
}

// reports read every row of a campaign of the whole district by design: a
// full scan is allowed there (and logged).
var reports = map[string]bool{"figures: outcome scales per street (the district's campaign)": true}

func TestListPlans(t *testing.T) {
	ctx := context.Background()
	var st *store.Store
	big := os.Getenv(explainEnv) != ""
	if big {
		var err error
		if st, err = store.Open(os.Getenv(explainEnv), ""); err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		text := os.Getenv("JZ_DATA_KEYS")
		if path := os.Getenv("JZ_DATA_KEY_FILE"); text == "" && path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text = string(b)
		}
		keys, err := sealing.Parse(text)
		if err != nil {
			t.Fatalf("data keys (JZ_DATA_KEYS or JZ_DATA_KEY_FILE): %v", err)
		}
		st.SetKeys(keys)
	} else {
		st = storetest.MySQL(t)
		loadPlanData(t, st, 3000)
	}
	db, _ := st.SQL()
	if st.Dialect != "mysql" {
		t.Skip("plans are checked on MySQL")
	}

	// The places the lists are asked about: the street and the village with
	// the most households, the active campaign (or the latest), its lists.
	var street, village, team, dept string
	var campaignID, listID int64
	q := func(dest any, query string) {
		t.Helper()
		if err := db.QueryRow(query).Scan(dest); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	q(&street, "SELECT street_code FROM households GROUP BY street_code ORDER BY COUNT(*) DESC, street_code LIMIT 1")
	q(&village, "SELECT village_code FROM households WHERE street_code = '"+street+"' GROUP BY village_code ORDER BY COUNT(*) DESC, village_code LIMIT 1")
	q(&team, "SELECT check_team FROM streets WHERE code = '"+street+"'")
	q(&campaignID, "SELECT id FROM campaigns ORDER BY active DESC, id DESC LIMIT 1")
	q(&listID, fmt.Sprintf("SELECT COALESCE(MAX(id), 0) FROM village_lists WHERE campaign_id = %d AND village_code = '%s'", campaignID, village))
	q(&dept, "SELECT COALESCE(MAX(department), 'civil_affairs') FROM dept_imports")
	var idNumber string
	if big {
		idNumber = "530103199001011234" // any: the plan does not depend on it
	} else {
		idNumber = firstIDNumber(t, st, street)
	}

	tree, err := st.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	streetScope := tree.ExpandScope(access.Street, access.Grant{Street: street})
	villageScope := tree.ExpandScope(access.VillageOfficer, access.Grant{Villages: []string{village}})
	teamScope := tree.ExpandScope(access.CheckTeam, access.Grant{Team: team})
	district := tree.ExpandScope(access.District, access.Grant{})
	list := &store.VillageList{ID: listID, CampaignID: campaignID, VillageCode: village}
	page := func(f store.HouseholdFilter) store.HouseholdFilter { f.Page, f.PageSize = 1, 20; return f }
	hh := func(sc access.Scope, f store.HouseholdFilter) func(ctx context.Context) error {
		return func(ctx context.Context) error { _, _, err := st.Households(ctx, sc, page(f)); return err }
	}

	cases := []planCase{
		{"households: street account, street and status (the benchmark's page)",
			hh(streetScope, store.HouseholdFilter{StreetCode: street, Status: "registered"}),
			map[string]string{"households": "ix_hh_street_status|ix_hh_street_code|ix_hh_village_status"}},
		{"households: street account, no filter",
			hh(streetScope, store.HouseholdFilter{}), map[string]string{"households": "ix_hh_street_code|ix_hh_street_status|ix_hh_village_code"}},
		{"households: street account, one village",
			hh(streetScope, store.HouseholdFilter{VillageCode: village}), map[string]string{"households": "ix_hh_village_code|ix_hh_village_status"}},
		{"households: village officer, status",
			hh(villageScope, store.HouseholdFilter{Status: "registered"}), map[string]string{"households": "ix_hh_village_status|ix_hh_village_code"}},
		{"households: district, status",
			hh(district, store.HouseholdFilter{Status: "exited"}), map[string]string{"households": "ix_hh_status_code"}},
		{"households: street account, ID number (blind index)",
			hh(streetScope, store.HouseholdFilter{IDNumber: idNumber}), map[string]string{"members": "ix_members_id_index"}},
		{"households: street account, status and cause",
			hh(streetScope, store.HouseholdFilter{Status: "registered", Cause: "illness"}),
			map[string]string{"households": "ix_hh_street_status|ix_hh_street_code|ix_hh_village_status"}},
		{"households: street account, status and poverty attribute",
			hh(streetScope, store.HouseholdFilter{Status: "registered", Attribute: "general"}), nil},
		{"outcomes: street account, one outcome",
			func(ctx context.Context) error {
				_, _, err := st.Outcomes(ctx, streetScope, campaignID, store.OutcomeFilter{Outcome: "keep", Page: 1, PageSize: 20})
				return err
			}, nil},
		{"outcomes: counts by outcome, street account",
			func(ctx context.Context) error {
				_, err := st.OutcomeCounts(ctx, streetScope, campaignID, store.OutcomeFilter{})
				return err
			}, map[string]string{"households": "ix_hh_street_code|ix_hh_street_status"}},
		{"discrepancies: check team, open",
			func(ctx context.Context) error {
				_, _, err := st.Discrepancies(ctx, teamScope, store.DiscrepancyFilter{CampaignID: campaignID, Status: store.DiscrepancyOpen, Page: 1, PageSize: 20})
				return err
			}, map[string]string{"discrepancies": "ix_discrepancy_place|PRIMARY"}},
		{"discrepancies: counts, check team",
			func(ctx context.Context) error {
				_, err := st.DiscrepancyCounts(ctx, teamScope, store.DiscrepancyFilter{CampaignID: campaignID})
				return err
			}, map[string]string{"discrepancies": "ix_discrepancy_place"}},
		{"village lists: board of a street",
			func(ctx context.Context) error {
				_, err := st.VillageLists(ctx, streetScope, campaignID, store.VillageListFilter{})
				return err
			}, nil},
		{"village lists: case counts of the board",
			func(ctx context.Context) error {
				var ids []int64
				rows, err := st.VillageLists(context.Background(), district, campaignID, store.VillageListFilter{})
				if err != nil {
					return err
				}
				for _, r := range rows {
					ids = append(ids, r.ID)
				}
				_, err = st.CaseCountsByList(ctx, campaignID, ids)
				return err
			}, map[string]string{"c": "ix_case_list"}},
		{"village lists: the cases of a list",
			func(ctx context.Context) error { _, err := st.Cases(ctx, list, store.CaseFilter{}); return err },
			map[string]string{"h": "ix_hh_village_code", "c": "uq_case_campaign_household"}},
		{"village lists: a campaign's cases of a street (drill-down)",
			func(ctx context.Context) error {
				_, _, err := st.CampaignCases(ctx, district, campaignID, store.CampaignCaseFilter{StreetCode: street, Page: 1, PageSize: 20})
				return err
			}, map[string]string{"c": "uq_case_campaign_household"}},
		{"households by main cause (dashboard), street account",
			func(ctx context.Context) error {
				_, err := st.CauseCounts(ctx, streetScope, "", "", []string{"registered", "exited"})
				return err
			}, nil},
		{"data quality: a street's households in code order",
			func(ctx context.Context) error {
				n := 0
				return st.EachHouseholdWithMembers(ctx, district, store.RegionFilter{StreetCode: street}, func([]*register.Household) error {
					if n++; n > 1 {
						return errStop
					}
					return nil
				})
			}, map[string]string{"households": "ix_hh_street_code"}},
		{"data quality: register fingerprint of a village",
			func(ctx context.Context) error {
				_, err := st.RegisterState(ctx, district, store.RegionFilter{VillageCode: village})
				return err
			}, map[string]string{"households": "ix_hh_village_code"}},
		{"audit events: newest page",
			func(ctx context.Context) error {
				_, _, err := st.AuditEvents(ctx, store.AuditFilter{Page: 1, PageSize: 20})
				return err
			}, nil},
		{"audit events: one user",
			func(ctx context.Context) error {
				_, _, err := st.AuditEvents(ctx, store.AuditFilter{Username: "street-" + street, Page: 1, PageSize: 20})
				return err
			}, map[string]string{"audit_events": "idx_audit_events_username"}},
		{"audit events: one object's history",
			func(ctx context.Context) error { _, err := st.AuditOfObject(ctx, "household", "1"); return err },
			map[string]string{"audit_events": "ix_audit_object"}},
		{"department imports of one department",
			func(ctx context.Context) error { _, _, err := st.DeptImports(ctx, dept, 1, 20); return err },
			map[string]string{"dept_imports": "ix_dept_import_dept"}},
		{"inspections of a street",
			func(ctx context.Context) error {
				_, _, err := st.Inspections(ctx, district, store.InspectionFilter{CampaignID: campaignID, StreetCode: street, Page: 1, PageSize: 20})
				return err
			}, nil},
		{"rates: sampled households of a street",
			func(ctx context.Context) error {
				_, err := st.SampledHouseholds(ctx, district, campaignID, street)
				return err
			}, nil},
		{"figures: outcome scales per street (the district's campaign)",
			func(ctx context.Context) error { _, err := st.OutcomeScales(ctx, campaignID); return err },
			nil},
	}

	for _, c := range cases {
		// An existing register may lack what a list shows (no outcomes
		// computed, no lists opened): a plan over an empty table says nothing.
		if table := needs[c.name]; big && table != "" {
			var any int
			if err := db.QueryRow("SELECT COUNT(*) FROM (SELECT 1 FROM " + table + " LIMIT 1) x").Scan(&any); err != nil || any == 0 {
				t.Logf("%s: skipped, %s is empty (%v)", c.name, table, err)
				continue
			}
		}
		var stmts []store.Statement
		rctx := st.Recording(ctx, func(s store.Statement) { stmts = append(stmts, s) })
		if err := c.run(rctx); err != nil && err != errStop {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		seen := map[string]bool{}
		var log strings.Builder
		for _, s := range stmts {
			if !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(s.SQL)), "SELECT") {
				continue
			}
			plan := explain(t, db, s)
			fmt.Fprintf(&log, "\n%s\n", oneLine(s.SQL))
			for _, r := range plan {
				fmt.Fprintf(&log, "  %s\n", r)
				if r.Type == "ALL" && !reports[c.name] && !smallTables[r.Table] && !strings.HasPrefix(r.Table, "<") {
					t.Errorf("%s: full scan of %s:\n%s", c.name, r.Table, oneLine(s.SQL))
				}
				// A walk of a whole index of the register is a full scan too,
				// but for a page of the whole district in code order, which
				// stops after its rows.
				if r.Type == "index" && (r.Table == "households" || r.Table == "h") && !reports[c.name] && !strings.Contains(s.SQL, " LIMIT ") {
					t.Errorf("%s: %s read through the whole of %s:\n%s", c.name, r.Table, r.Key, oneLine(s.SQL))
				}
				if (inOrder[c.name] || pageInOrder[c.name]) && r.ID == "1" && strings.Contains(s.SQL, " LIMIT ") && strings.Contains(r.Extra, "filesort") {
					t.Errorf("%s: the page is sorted, not read in code order:\n%s", c.name, oneLine(s.SQL))
				}
				if inOrder[c.name] && r.Table == "households" && strings.HasPrefix(s.SQL, "SELECT count(*)") && !strings.Contains(r.Extra, "Using index") {
					t.Errorf("%s: the count reads rows, not the index alone:\n%s", c.name, oneLine(s.SQL))
				}
				if want, ok := c.keys[r.Table]; ok {
					seen[r.Table] = true
					if !slices.Contains(strings.Split(want, "|"), r.Key) {
						t.Errorf("%s: %s read through %q (%s), want %s:\n%s", c.name, r.Table, r.Key, r.Type, want, oneLine(s.SQL))
					}
				}
			}
		}
		for table := range c.keys {
			if !seen[table] {
				t.Errorf("%s: no statement reads %s (%d statements)", c.name, table, len(stmts))
			}
		}
		t.Logf("%s%s", c.name, log.String())
	}
}

var errStop = fmt.Errorf("stop")

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func firstIDNumber(t *testing.T, st *store.Store, street string) string {
	t.Helper()
	hs, _, err := st.Households(context.Background(), access.Scope{Whole: true}, store.HouseholdFilter{StreetCode: street, Page: 1, PageSize: 1})
	if err != nil || len(hs) == 0 {
		t.Fatalf("a household of %s: %v", street, err)
	}
	return hs[0].HeadIDNumber
}

// loadPlanData writes the regions, n synthetic households through the
// store (the one generator), a campaign with outcomes, village lists with
// their cases, discrepancies, imports, inspections and audit events, then
// ANALYZEs the tables so that the optimizer knows their sizes.
func loadPlanData(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	tree, err := regions.Load()
	if err != nil {
		t.Fatal(err)
	}
	var rs store.Regions
	for _, tm := range tree.Teams {
		rs.Teams = append(rs.Teams, store.CheckTeam{Code: tm.Code, Name: tm.Name})
	}
	for i, s := range tree.Streets {
		rs.Streets = append(rs.Streets, store.Street{Code: s.Code, Name: s.Name, CheckTeam: s.CheckTeam, Sort: i + 1})
		for j, v := range s.Villages {
			rs.Villages = append(rs.Villages, store.Village{Code: v.Code, StreetCode: s.Code, Name: v.Name, Sort: j + 1})
		}
	}
	if err := st.SaveRegions(ctx, rs); err != nil {
		t.Fatal(err)
	}

	gen := synth.New(2017)
	people := map[string]bool{}
	var batch []register.Household
	flush := func() {
		err := st.InTx(ctx, func(ctx context.Context) error {
			for i := range batch {
				batch[i].CreatedBy, batch[i].UpdatedBy = "test", "test"
				if err := st.CreateHousehold(ctx, &batch[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	for i, made := 0, 0; made < n; i++ {
		ih := gen.Household(i)
		if len(interchange.Validate(&ih, gen.Campaign)) > 0 {
			continue
		}
		h := register.FromInterchange(&ih)
		dup := false
		for _, m := range h.Members {
			dup = dup || people[m.IDNumber]
		}
		if dup || len(h.Members) == 0 {
			continue
		}
		for _, m := range h.Members {
			people[m.IDNumber] = true
		}
		batch = append(batch, h)
		if made++; len(batch) == 500 {
			flush()
		}
	}
	flush()

	db, _ := st.SQL()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := db.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// A survey records the poverty attribute and causes of registered
	// households; the generator's interchange records leave them blank.
	exec(`UPDATE households SET poverty_attribute = 'general',
		main_cause = CASE id % 3 WHEN 0 THEN 'illness' WHEN 1 THEN 'lack_funds' ELSE 'lack_skills' END
		WHERE status = 'registered'`)
	// Two campaigns, as a register has after a year: last year's, finished,
	// and this year's, active, each with every household's outcome and a
	// list per village. Outcomes and discrepancies are written straight in
	// SQL: the store writes them one at a time, and the lists read neither
	// sealed column of the outcomes.
	at := time.Now().UTC()
	var c *store.Campaign
	for _, year := range []int{2016, 2017} {
		c = &store.Campaign{Name: fmt.Sprint(year), CampaignYear: year, IncomeYear: year - 1, PovertyLine: decimal.NewFromInt(3146),
			VehicleValueLimit: decimal.NewFromInt(50000), ReferenceDate: localdate.Date{Year: year, Month: 6, Day: 30},
			Active: year == 2017, CreatedBy: "test", UpdatedBy: "test"}
		if err := st.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO household_outcomes (household_id, campaign_id, outcome, result, inputs, inputs_hash,
			household_version, computed_at, previous_outcome, changed_inputs, key_version)
			SELECT id, ?, CASE (id + ?) % 5 WHEN 0 THEN 'keep' WHEN 1 THEN 'not_eligible' WHEN 2 THEN 'include'
			WHEN 3 THEN 'exit_normal' ELSE 'keep_exited' END, '', '', '', version, ?, '', '[]', 0 FROM households`, c.ID, year, at)
		if _, err := st.OpenVillageLists(ctx, c.ID, "test", at); err != nil {
			t.Fatal(err)
		}
	}
	keys := storetest.Keys(t)
	survey, department := keys.Seal("discrepancies.survey_value", "0"), keys.Seal("discrepancies.department_value", "1")
	for i, dept := range []string{"civil_affairs", "police", "health"} {
		imp := &store.DeptImport{Department: dept, Dataset: dept, CampaignID: c.ID, FileName: "f.csv",
			FileSHA256: fmt.Sprintf("%064d", i), Status: store.ImportImported, CreatedBy: "test", CreatedAt: at}
		if err := st.CreateDeptImport(ctx, imp); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO discrepancies (campaign_id, fingerprint, import_id, record_id, dataset, department, rule, field,
			field_label, household_id, member_id, street_code, village_code, survey_value, department_value, key_version,
			status, reason, resolved_by, created_at)
			SELECT ?, CONCAT(?, '-', h.id), ?, 0, ?, ?, 'EX-03', 'vehicles', '', h.id,
			(SELECT MIN(m.id) FROM members m WHERE m.household_id = h.id), h.street_code, h.village_code,
			?, ?, 1, CASE WHEN h.id % 3 = 0 THEN 'open' ELSE 'kept' END, '', '', ? FROM households h WHERE h.id % 7 = ?`,
			c.ID, dept, imp.ID, dept, dept, survey, department, at, i)
	}
	in := &store.Inspection{CampaignID: c.ID, Body: "provincial", Kind: "assessment",
		StartedOn: localdate.Date{Year: 2017, Month: 9, Day: 1}, EndedOn: localdate.Date{Year: 2017, Month: 9, Day: 5},
		CreatedBy: "test", UpdatedBy: "test", CreatedAt: at, UpdatedAt: at}
	if err := st.CreateInspection(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO inspection_households (inspection_id, household_id, street_code, village_code, status, people, finding, note)
		SELECT ?, id, street_code, village_code, status, 3, 'correct', '' FROM households WHERE id % 20 = 0`, in.ID)
	exec(`INSERT INTO audit_events (at, username, role, action, object_type, object_id, changes, result, reason, request_id, client_ip)
		SELECT ?, CONCAT('user-', id % 40), 'street', 'household.read', 'household', id, '[]', 'ok', '', '', '' FROM households`, at)
	for _, table := range []string{"households", "members", "household_outcomes", "village_lists", "review_cases",
		"discrepancies", "dept_imports", "inspections", "inspection_households", "audit_events"} {
		rows, err := db.Query("ANALYZE TABLE " + table)
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}
