package service_test

import (
	"bytes"
	"context"
	"fmt"
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
	"jingzhun/internal/quality"
	"jingzhun/internal/register"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

const (
	dqVillage      = "530103012004" // street 530103012
	dqOtherVillage = "530103010001" // street 530103010
)

func dqID(birth string, seq int) string {
	first := fmt.Sprintf("530103%s%03d", strings.ReplaceAll(birth, "-", ""), seq)
	return first + idcard.CheckChar(first)
}

func dqMoney(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }

// dqHousehold is a registered household the checks find nothing on: head
// and spouse, 3000 yuan a head, the head working in the county.
func dqHousehold(code, village, headID, spouseID string) *register.Household {
	six, no := 6, false
	h := &register.Household{Code: code, VillageCode: village, Status: register.Registered,
		RegisteredOn: localdate.Date{Year: 2014, Month: 10, Day: 1}, IdentStandard: "national", PovertyAttribute: "general",
		MainCause: "lack_funds", Hukou: "agricultural", RuralResident: true, Dibao: &no, IncomeYear: 2016,
		IncomeWage: dqMoney("5000"), IncomeOperating: dqMoney("1000"), IncomeProperty: dqMoney("0"),
		IncomeTransfer: dqMoney("300"), OperatingCost: dqMoney("300"), HousingGrade: "B"}
	for i, id := range []string{headID, spouseID} {
		m := register.Member{IDNumber: id, Name: []string{"王大", "赵二"}[i], Relation: []string{"head", "spouse"}[i],
			Status: "present", SharesIncome: true, Health: "healthy", SchoolingStatus: "not_student", LabourAbility: "ordinary"}
		if i == 0 {
			m.MigrantPlace, m.MigrantMonths = "county", &six
		}
		h.Members = append(h.Members, m)
	}
	return h
}

func TestDataQualityReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCrossFixture(t, st)
		dq := service.NewDataQuality(st, service.NewAuditLog(st, time.Now, localdate.Shanghai), time.Now)
		create := func(h *register.Household) *register.Household {
			t.Helper()
			out, err := f.households.Create(ctx, f.district, h)
			if err != nil {
				t.Fatalf("create %s: %v", h.Code, err)
			}
			return out
		}
		clean := create(dqHousehold(dqVillage+"-0001", dqVillage, dqID("1960-05-01", 11), dqID("1962-03-04", 12)))
		// The head died and nobody took over: DQ-04 (an error).
		noHead := dqHousehold(dqVillage+"-0002", dqVillage, dqID("1950-01-01", 13), dqID("1952-02-02", 14))
		noHead.Members[0].Status = "deceased"
		noHead.Members[0].SharesIncome = false
		noHead.Members[1].MigrantPlace, noHead.Members[1].MigrantMonths = "county", noHead.Members[0].MigrantMonths
		noHead = create(noHead)
		// The spouse's labour ability is missing: DQ-06 (a warning).
		noLabour := dqHousehold(dqVillage+"-0003", dqVillage, dqID("1970-01-01", 15), dqID("1971-01-01", 16))
		noLabour.Members[1].LabourAbility = ""
		noLabour = create(noLabour)
		// In another street: 因病 without anyone ill (DQ-08).
		other := dqHousehold(dqOtherVillage+"-0001", dqOtherVillage, dqID("1965-01-01", 17), dqID("1966-01-01", 18))
		other.MainCause = "illness"
		create(other)

		officer := access.Actor{Username: "officer", Role: access.VillageOfficer, Scope: access.Scope{Streets: []string{"530103012"}, Villages: []string{dqVillage}}}
		r, err := dq.Report(ctx, officer, service.QualityFilter{Page: 1, PageSize: 20})
		if err != nil {
			t.Fatal(err)
		}
		codes := func(items []service.QualityItem) string {
			var out []string
			for _, it := range items {
				out = append(out, it.HouseholdCode+" "+it.Code+" "+it.Field)
			}
			return strings.Join(out, "; ")
		}
		want := dqVillage + "-0002 DQ-04 members.relation; " + dqVillage + "-0003 DQ-06 members.labour_ability"
		if got := codes(r.Items); got != want || r.Total != 2 {
			t.Fatalf("officer's items: %s (total %d), want %s", got, r.Total, want)
		}
		head := r.Items[0]
		if head.HouseholdID != noHead.ID || head.Severity != quality.Error || head.MemberID != 0 || head.MemberIndex != -1 ||
			head.HeadName != "王大" || head.VillageName == "" || head.StreetName == "" || !strings.Contains(head.Message, "王大") || head.Title == "" {
			t.Fatalf("DQ-04 item: %+v", head)
		}
		labour := r.Items[1]
		if labour.MemberID != noLabour.Members[1].ID || labour.MemberIndex != 1 || labour.MemberName != "赵二" || labour.Severity != quality.Warning {
			t.Fatalf("DQ-06 item: %+v", labour)
		}
		if len(r.Summary) != len(quality.Catalogue) {
			t.Fatalf("summary: %+v", r.Summary)
		}
		for _, c := range r.Summary {
			want := map[string]int64{"DQ-04": 1, "DQ-06": 1}[c.Code]
			if c.Count != want {
				t.Fatalf("summary %s: %d, want %d", c.Code, c.Count, want)
			}
		}
		if len(r.ByVillage) != 1 || r.ByVillage[0].VillageCode != dqVillage || r.ByVillage[0].Errors != 1 || r.ByVillage[0].Warnings != 1 {
			t.Fatalf("by village: %+v", r.ByVillage)
		}

		// The district sees the other street too; the filters narrow it.
		r, err = dq.Report(ctx, f.district, service.QualityFilter{Page: 1, PageSize: 20})
		if err != nil || r.Total != 3 || len(r.ByVillage) != 2 {
			t.Fatalf("district: %+v %v", r, err)
		}
		r, _ = dq.Report(ctx, f.district, service.QualityFilter{StreetCode: "530103010", Page: 1, PageSize: 20})
		if codes(r.Items) != dqOtherVillage+"-0001 DQ-08 main_cause" {
			t.Fatalf("street filter: %s", codes(r.Items))
		}
		r, _ = dq.Report(ctx, f.district, service.QualityFilter{Severity: quality.Error, Page: 1, PageSize: 20})
		if codes(r.Items) != dqVillage+"-0002 DQ-04 members.relation" || r.ByVillage[0].Warnings != 0 {
			t.Fatalf("severity filter: %s %+v", codes(r.Items), r.ByVillage)
		}
		for _, c := range r.Summary { // the summary ignores code and severity
			if c.Code == "DQ-08" && c.Count != 1 {
				t.Fatalf("summary under a severity filter: %+v", r.Summary)
			}
		}
		r, _ = dq.Report(ctx, f.district, service.QualityFilter{Code: "DQ-06", Page: 1, PageSize: 20})
		if codes(r.Items) != dqVillage+"-0003 DQ-06 members.labour_ability" {
			t.Fatalf("code filter: %s", codes(r.Items))
		}
		// Paging keeps the total.
		r, _ = dq.Report(ctx, f.district, service.QualityFilter{Page: 2, PageSize: 2})
		if r.Total != 3 || codes(r.Items) != dqVillage+"-0003 DQ-06 members.labour_ability" {
			t.Fatalf("page 2: %s total %d", codes(r.Items), r.Total)
		}
		// The officer asking for another village gets nothing.
		r, _ = dq.Report(ctx, officer, service.QualityFilter{VillageCode: dqOtherVillage, Page: 1, PageSize: 20})
		if r.Total != 0 || len(r.ByVillage) != 0 {
			t.Fatalf("out of scope: %+v", r)
		}
		if _, err := dq.Report(ctx, officer, service.QualityFilter{Code: "DQ-99", Severity: "fatal"}); !apperr.Is(err, apperr.BadRequest) || len(apperr.As(err).Details) != 2 {
			t.Fatalf("bad filter: %v", err)
		}

		// Home page: the officer's and the district's error counts.
		if n, err := dq.ErrorCount(ctx, officer); err != nil || n != 1 {
			t.Fatalf("officer's errors: %d %v", n, err)
		}
		work := service.NewWork(st, nil, service.NewDataQuality(st, nil, time.Now), time.Now)
		items, err := work.Pending(ctx, officer)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			if it.Key == "data_quality_errors" {
				found = it.Count == 1 && it.Route == "/data-quality?severity=error"
			}
		}
		if !found {
			t.Fatalf("work items: %+v", items)
		}

		// Fixing the data clears the finding.
		noHead.Members[1].Relation = "head"
		noHead.Members[0].Relation = "other"
		if _, err := f.households.Update(ctx, f.district, noHead); err != nil {
			t.Fatal(err)
		}
		if n, _ := dq.ErrorCount(ctx, officer); n != 0 {
			t.Fatalf("errors after the fix: %d", n)
		}
		_ = clean
	})
}

// DQ-03 and DQ-12 need data from beyond the household: a person recorded
// twice (only possible around the store's one-person-one-household rule)
// and the civil-affairs dibao register.
func TestDataQualityAcrossHouseholds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCrossFixture(t, st)
		dq := service.NewDataQuality(st, nil, time.Now)
		twice := dqID("1958-08-08", 21)
		first, err := f.households.Create(ctx, f.district, dqHousehold(dqVillage+"-0101", dqVillage, twice, dqID("1959-09-09", 22)))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.households.Delete(ctx, f.district, first.ID, first.Version, "测试"); err != nil {
			t.Fatal(err)
		}
		second, err := f.households.Create(ctx, f.district, dqHousehold(dqVillage+"-0102", dqVillage, twice, dqID("1961-01-01", 24)))
		if err != nil {
			t.Fatal(err)
		}
		// Brought back around the store (legacy data): the person is now live twice.
		db, _ := st.SQL()
		if _, err := db.Exec("UPDATE households SET deleted_at = NULL WHERE id = ?", first.ID); err != nil {
			t.Fatal(err)
		}
		r, err := dq.Report(ctx, f.district, service.QualityFilter{Code: quality.DQ03, Page: 1, PageSize: 20})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != 2 || r.Items[0].HouseholdID != first.ID || r.Items[1].HouseholdID != second.ID ||
			!strings.Contains(r.Items[0].Message, second.Code) || !strings.Contains(r.Items[1].Message, first.Code) ||
			r.Items[0].Field != "members.id_number" || r.Items[0].MemberIndex != 0 || strings.Contains(r.Items[0].Message, twice) {
			t.Fatalf("DQ-03: %+v", r.Items)
		}

		// Civil affairs lists the spouse of a 一般贫困户 as a dibao recipient.
		listed, err := f.households.Create(ctx, f.district, dqHousehold(dqVillage+"-0103", dqVillage, dqID("1962-02-02", 25), dqID("1963-03-03", 26)))
		if err != nil {
			t.Fatal(err)
		}
		ds, _ := crosscheck.ByCode("dibao")
		civil := liaison("civil")
		csv := service.DatasetCSV(ds, []map[string]string{{"id_number": listed.Members[1].IDNumber, "name": listed.Members[1].Name, "kind": "dibao"}})
		if _, err := f.cc.ImportNow(ctx, civil, "civil", "dibao", "低保.csv", strings.NewReader(csv), nil); err != nil {
			t.Fatal(err)
		}
		r, err = dq.Report(ctx, f.district, service.QualityFilter{Code: quality.DQ12, Page: 1, PageSize: 20})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != 1 || r.Items[0].HouseholdID != listed.ID || r.Items[0].Field != "poverty_attribute" ||
			!strings.Contains(r.Items[0].Message, "民政部门上传的低保名册") {
			t.Fatalf("DQ-12: %+v", r.Items)
		}
		// Recorded as 低保贫困户, it agrees with the register.
		listed.PovertyAttribute = "dibao"
		if _, err := f.households.Update(ctx, f.district, listed); err != nil {
			t.Fatal(err)
		}
		if r, _ = dq.Report(ctx, f.district, service.QualityFilter{Code: quality.DQ12, Page: 1, PageSize: 20}); r.Total != 0 {
			t.Fatalf("DQ-12 after the fix: %+v", r.Items)
		}
	})
}

func TestDataQualityExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newCrossFixture(t, st)
		dq := service.NewDataQuality(st, service.NewAuditLog(st, time.Now, localdate.Shanghai), time.Now)
		for i := range 3 {
			h := dqHousehold(fmt.Sprintf("%s-02%02d", dqVillage, i), dqVillage, dqID("1960-01-01", 31+2*i), dqID("1961-01-01", 32+2*i))
			h.RegisteredOn = localdate.Date{}
			h.Status = register.NotRegistered
			h.PovertyAttribute, h.MainCause = "", ""
			h.Members[1].LabourAbility = "" // DQ-06 on each
			if _, err := f.households.Create(ctx, f.district, h); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := dq.Export(ctx, f.district, service.QualityFilter{Code: quality.DQ06}, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("录入质量")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][0] != "户编号" || rows[1][4] != "DQ-06" || rows[1][6] != "提示" || rows[1][8] != "members.labour_ability" || rows[1][9] != "赵二" {
			t.Fatalf("export rows: %v", rows)
		}
		events, _, err := st.AuditEvents(ctx, store.AuditFilter{Action: "data_quality.export", Page: 1, PageSize: 10})
		if err != nil || len(events) != 1 {
			t.Fatalf("audit: %v %v", events, err)
		}
	})
}
