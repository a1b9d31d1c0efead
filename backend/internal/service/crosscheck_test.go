package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/crosscheck"
	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/rules"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type crossFixture struct {
	*outcomeFixture
	cc     *service.CrossChecks
	police access.Actor
}

func newCrossFixture(t *testing.T, st *store.Store) *crossFixture {
	t.Helper()
	f := newOutcomeFixture(t, st)
	audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
	cc := service.NewCrossChecks(st, audit, service.NewDepartments(st), f.households, f.outcomes, f.runner, t.TempDir(), time.Now)
	return &crossFixture{outcomeFixture: f, cc: cc, police: liaison("police")}
}

func liaison(dept string) access.Actor {
	return access.Actor{Username: "dept-" + dept, Role: access.Department, Scope: access.Scope{Whole: true, Department: dept}}
}

// csvOf writes a dataset file: each record by column key, missing keys
// taking the column's example.
func csvOf(ds crosscheck.Dataset, rows ...map[string]string) []byte {
	return []byte(service.DatasetCSV(ds, rows))
}

// importFile uploads a file and waits for its job.
func (f *crossFixture) importFile(t *testing.T, actor access.Actor, dataset, name string, data []byte, dryRun bool) *store.DeptImport {
	t.Helper()
	ds, _ := crosscheck.ByCode(dataset)
	imp, err := f.cc.StartImport(context.Background(), actor, ds.Department, dataset, name, bytes.NewReader(data), dryRun)
	if err != nil {
		t.Fatal(err)
	}
	f.runner.Wait()
	d, err := f.cc.Import(context.Background(), actor, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &d.Import
}

// cleanRegistered is a registered household whose first member's record
// differs from every dataset's example row: no assets, no dibao, healthy,
// not a student, uninsured, not a migrant, present. Its outcome is computed.
func (f *crossFixture) cleanRegistered(t *testing.T) *register.Household {
	t.Helper()
	h, _, _ := pick(t, func(h *register.Household, _ *rules.Result) (*register.Household, rules.Outcome) {
		if h.Status != register.Registered || len(h.Vehicles) > 0 || len(h.UrbanProperties) > 0 || len(h.Businesses) > 0 {
			return h, ""
		}
		price := decimal.NewFromInt(45000)
		h.Vehicles = []register.Vehicle{{Value: price, AcquiredOn: mustDate("2016-03-15"), Plate: "云A12345"}}
		in := h.Interchange("")
		return h, rules.Evaluate(&in, rules.Panlong2017()).Outcome
	})
	no := false
	h.Dibao, h.Tekun = &no, &no
	m := &h.Members[0]
	m.FiscalStaffSince, m.VillageCadreSince = localdate.Date{}, localdate.Date{}
	m.Health, m.Disease, m.DisabilityCategory, m.DisabilityGrade, m.DisabilityCert = "healthy", "", "", nil, ""
	m.SchoolingStatus, m.Dropout, m.MedicalInsured, m.MigrantPlace, m.MigrantMonths = "not_student", nil, &no, "", nil
	created, err := f.households.Create(context.Background(), f.district, h)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

func TestDepartmentImportMatchesAndTheCheckTeamResolves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCrossFixture(t, st)
		h := f.cleanRegistered(t)
		before, err := f.outcomes.OfHousehold(ctx, f.district, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		ds, _ := crosscheck.ByCode("vehicles")
		outsider := personID(20000)
		file := csvOf(ds, map[string]string{"id_number": h.Members[0].IDNumber, "name": h.Members[0].Name},
			map[string]string{"id_number": outsider, "name": "户外人"})

		imp := f.importFile(t, f.police, "vehicles", "车辆.csv", file, false)
		if imp.Status == store.ImportRefused {
			ps, _ := st.ImportProblems(ctx, imp.ID, 0)
			t.Fatalf("refused: %+v", ps)
		}
		if imp.Status != store.ImportImported || imp.Rows != 2 || imp.Matched != 1 || imp.Unmatched != 1 || imp.Discrepancies != 1 {
			t.Fatalf("import: %+v", imp)
		}
		detail, _ := f.cc.Import(ctx, f.police, imp.ID)
		if len(detail.Unmatched) != 1 || detail.Unmatched[0].IDNumber != outsider {
			t.Fatalf("unmatched people: %+v", detail.Unmatched)
		}

		// The same file again changes nothing.
		again := f.importFile(t, f.police, "vehicles", "车辆-再次.csv", file, false)
		if again.Status != store.ImportUnchanged || again.SameAs == nil || *again.SameAs != imp.ID || again.Discrepancies != 0 {
			t.Fatalf("second import: %+v", again)
		}

		// The check team of the household's street sees it, masked; a team
		// of another street does not.
		team := access.Actor{Username: "team", Role: access.CheckTeam, Scope: access.Scope{Streets: []string{h.StreetCode}, Villages: []string{h.VillageCode}}}
		l, err := f.cc.Discrepancies(ctx, team, store.DiscrepancyFilter{Status: store.DiscrepancyOpen, Page: 1, PageSize: 20})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 1 || l.Rows[0].Rule != "EX-03" || l.Rows[0].Field != "vehicles" || l.Rows[0].HouseholdID != h.ID || l.Counts[store.DiscrepancyOpen] != 1 {
			t.Fatalf("discrepancies: %+v", l)
		}
		if l.Rows[0].MemberIDNo != idcard.Mask(h.Members[0].IDNumber) || !strings.Contains(l.Rows[0].DepartmentValue, "45000") {
			t.Fatalf("list row: %+v", l.Rows[0])
		}
		other := access.Actor{Username: "other", Role: access.CheckTeam, Scope: access.Scope{Streets: []string{"x"}, Villages: []string{"x"}}}
		if l, _ := f.cc.Discrepancies(ctx, other, store.DiscrepancyFilter{Page: 1, PageSize: 20}); l.Total != 0 {
			t.Fatalf("other team sees %d", l.Total)
		}
		if _, err := f.cc.Resolve(ctx, other, l.Rows[0].ID, service.DecisionAccept, ""); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("other team resolves: %v", err)
		}
		id := l.Rows[0].ID
		if _, err := f.cc.Resolve(ctx, team, id, service.DecisionKeep, " "); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("keep without reason: %v", err)
		}

		// Accepting the department's value edits the household and its outcome follows.
		d, err := f.cc.Resolve(ctx, team, id, service.DecisionAccept, "入户核实属实")
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.DiscrepancyAccepted || d.ResolvedBy != "team" || d.Outcome == nil {
			t.Fatalf("resolved: %+v", d)
		}
		after, _ := st.Household(ctx, access.Scope{Whole: true}, h.ID)
		if len(after.Vehicles) != 1 || !after.Vehicles[0].Value.Equal(decimal.NewFromInt(45000)) || after.Version != h.Version+1 || after.UpdatedBy != "team" {
			t.Fatalf("household after accept: version %d vehicles %+v", after.Version, after.Vehicles)
		}
		if d.Outcome.Outcome == before.Outcome || d.Outcome.Outcome != rules.RemoveWrong {
			t.Fatalf("outcome %s → %s, want remove_wrong", before.Outcome, d.Outcome.Outcome)
		}
		if _, err := f.cc.Resolve(ctx, team, id, service.DecisionKeep, "再次"); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second decision: %v", err)
		}
		if n, _ := st.OpenDiscrepancies(ctx, d.CampaignID, h.VillageCode); n != 0 {
			t.Fatalf("open discrepancies left: %d", n)
		}
	})
}

func TestEveryDatasetImportsAndNamesItsRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCrossFixture(t, st)
		h := f.cleanRegistered(t)
		m := h.Members[0]
		for _, ds := range crosscheck.Datasets() {
			t.Run(ds.Code, func(t *testing.T) {
				actor := liaison(ds.Department)
				// The template downloads and is a readable XLSX.
				var tpl bytes.Buffer
				if err := f.cc.Template(ctx, actor, ds.Department, ds.Code, &tpl); err != nil {
					t.Fatal(err)
				}
				if x, err := excelize.OpenReader(&tpl); err != nil {
					t.Fatalf("template: %v", err)
				} else {
					x.Close()
				}

				// A bad file: three kinds of error, all reported, nothing written.
				bad := map[string]string{"id_number": m.IDNumber[:17] + otherCheck(m.IDNumber), "name": ""}
				for _, c := range ds.Columns[2:] {
					switch c.Kind {
					case crosscheck.KindDate:
						bad[c.Key] = "2017-13-45"
					case crosscheck.KindMoney:
						bad[c.Key] = "-12.345"
					case crosscheck.KindEnum:
						bad[c.Key] = "不存在的选项"
					case crosscheck.KindInt:
						bad[c.Key] = "九十九"
					}
				}
				refused := f.importFile(t, actor, ds.Code, "bad.csv", csvOf(ds, map[string]string{"id_number": m.IDNumber, "name": m.Name}, bad), false)
				if refused.Status != store.ImportRefused || refused.ProblemCount < 3 {
					t.Fatalf("bad file: %+v", refused)
				}
				ps, _ := st.ImportProblems(ctx, refused.ID, 0)
				cols := map[string]bool{}
				for _, p := range ps {
					if p.RowNo != 3 || p.Reason == "" {
						t.Fatalf("problem: %+v", p)
					}
					cols[p.Col] = true
				}
				if len(cols) < 3 {
					t.Fatalf("problems in %d columns only: %+v", len(cols), ps)
				}
				var report bytes.Buffer
				if err := f.cc.Report(ctx, actor, refused.ID, &report); err != nil || report.Len() == 0 {
					t.Fatalf("report: %v", err)
				}

				// A dry run of a good file validates and writes nothing.
				good := csvOf(ds, map[string]string{"id_number": m.IDNumber, "name": m.Name})
				dry := f.importFile(t, actor, ds.Code, "good.csv", good, true)
				if dry.Status != store.ImportValidated || dry.Rows != 1 || dry.Discrepancies != 0 {
					t.Fatalf("dry run: %+v", dry)
				}

				// The good file imports, and its discrepancy names the rule.
				imp := f.importFile(t, actor, ds.Code, "good.csv", good, false)
				if imp.Status != store.ImportImported || imp.Matched != 1 || imp.Discrepancies < 1 {
					t.Fatalf("import: %+v", imp)
				}
				l, err := f.cc.Discrepancies(ctx, f.district, store.DiscrepancyFilter{Dataset: ds.Code, Page: 1, PageSize: 20})
				if err != nil || l.Total < 1 || l.Rows[0].Rule != ds.Rule || l.Rows[0].HouseholdID != h.ID {
					t.Fatalf("discrepancies of %s: %+v %v", ds.Code, l, err)
				}
			})
		}
		var n int64
		sqlDB, _ := st.SQL()
		sqlDB.QueryRow("SELECT COUNT(*) FROM dept_records").Scan(&n)
		if want := int64(len(crosscheck.Datasets())); n != want {
			t.Fatalf("%d records stored, want %d: one per dataset (refused files and dry runs write none)", n, want)
		}
	})
}

func TestImportStoppedHalfwayLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newCrossFixture(t, st)
		h := f.cleanRegistered(t)
		ds, _ := crosscheck.ByCode("vehicles")
		rows := []map[string]string{{"id_number": h.Members[0].IDNumber, "name": h.Members[0].Name}}
		for i := range 2500 {
			rows = append(rows, map[string]string{"id_number": personID(i), "name": "某", "plate": fmt.Sprintf("云A%05d", i)})
		}
		f.cc.SetAfterBatch(func(done int64) error {
			if done >= 2000 {
				return errors.New("disk failed")
			}
			return nil
		})
		imp := f.importFile(t, f.police, "vehicles", "big.csv", csvOf(ds, rows...), false)
		if imp.Status != store.ImportFailed || !strings.Contains(imp.Message, "未写入任何数据") {
			t.Fatalf("import: %+v", imp)
		}
		var records, discrepancies int64
		db, _ := st.SQL()
		db.QueryRow("SELECT COUNT(*) FROM dept_records").Scan(&records)
		db.QueryRow("SELECT COUNT(*) FROM discrepancies").Scan(&discrepancies)
		if records != 0 || discrepancies != 0 {
			t.Fatalf("after a failure halfway: %d records, %d discrepancies", records, discrepancies)
		}
		// The upload is gone, and the file imports whole afterwards.
		if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "import-*")); len(left) > 1000 {
			t.Fatalf("uploads left: %d", len(left))
		}
		f.cc.SetAfterBatch(nil)
		imp = f.importFile(t, f.police, "vehicles", "big.csv", csvOf(ds, rows...), false)
		if imp.Status != store.ImportImported || imp.Rows != 2501 {
			t.Fatalf("re-import: %+v", imp)
		}
		db.QueryRow("SELECT COUNT(*) FROM dept_records").Scan(&records)
		if records != 2501 {
			t.Fatalf("records %d", records)
		}
		// Sealed at rest: no ID number of the file in clear.
		var raw string
		db.QueryRow("SELECT id_number FROM dept_records ORDER BY id LIMIT 1").Scan(&raw)
		if strings.Contains(raw, h.Members[0].IDNumber) || raw == "" {
			t.Fatalf("id number stored as %q", raw)
		}
	})
}

func TestLiaisonWorksOnItsOwnDepartmentOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCrossFixture(t, st)
		ds, err := f.cc.Datasets(ctx, f.police, "police")
		if err != nil || len(ds) != 2 {
			t.Fatalf("police datasets: %d %v", len(ds), err)
		}
		if _, err := f.cc.Datasets(ctx, f.police, "civil"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another department's datasets: %v", err)
		}
		civil, _ := crosscheck.ByCode("dibao")
		if _, err := f.cc.StartImport(ctx, f.police, "civil", "dibao", "a.csv", bytes.NewReader(csvOf(civil)), false); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("import for another department: %v", err)
		}
		if _, err := f.cc.StartImport(ctx, f.police, "police", "dibao", "a.csv", bytes.NewReader(csvOf(civil)), false); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("another department's dataset: %v", err)
		}
		if _, err := f.cc.StartImport(ctx, f.police, "police", "vehicles", "a.txt", strings.NewReader("x"), false); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("a .txt file: %v", err)
		}
		v, _ := crosscheck.ByCode("vehicles")
		imp := f.importFile(t, f.police, "vehicles", "v.csv", csvOf(v), true)
		if _, err := f.cc.Import(ctx, liaison("civil"), imp.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another department reads the import: %v", err)
		}
		if _, err := f.cc.Import(ctx, f.district, imp.ID); err != nil {
			t.Fatalf("district reads the import: %v", err)
		}
	})
}

// personID is a valid ID number of someone born i days after 1950-01-01.
func personID(i int) string {
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
	body := "530103" + born.Format("20060102") + fmt.Sprintf("%03d", i%1000)
	return body + idcard.CheckChar(body)
}

func mustDate(s string) localdate.Date {
	d, err := localdate.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// otherCheck is a wrong check character for id.
func otherCheck(id string) string {
	if id[17] == '0' {
		return "1"
	}
	return "0"
}
