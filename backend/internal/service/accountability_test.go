package service_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rates"
	"jingzhun/internal/register"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
	"jingzhun/internal/workflow"
)

// accountabilityFixture is the review fixture (demo register, the 2017 lists
// at their demo stages, the finished 2016 campaign) with the figures and
// inspections services.
type accountabilityFixture struct {
	*reviewFixture
	acc      *service.Accountability
	ins      *service.Inspections
	demo     *service.Demo
	campaign *store.Campaign
	shuang   access.Actor // street 双龙 (530103009), team B
}

func newAccountabilityFixture(t *testing.T, st *store.Store) *accountabilityFixture {
	t.Helper()
	ctx := context.Background()
	r := newReviewFixture(t, st, 300)
	regions, err := service.NewRegions(st)
	if err != nil {
		t.Fatal(err)
	}
	audit := service.NewAuditLog(st, time.Now, localdate.Shanghai)
	c, err := st.ActiveCampaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := regions.Scope(ctx, access.Street, access.Grant{Street: "530103009"})
	if err != nil {
		t.Fatal(err)
	}
	return &accountabilityFixture{reviewFixture: r, acc: service.NewAccountability(st, audit, regions, time.Now),
		ins:      service.NewInspections(st, audit, regions, time.Now),
		demo:     service.NewDemo(st, auth.Hasher{MemoryKiB: 64, Time: 1, Threads: 1}, regions, service.NewDepartments(st), r.outcomes),
		campaign: c, shuang: access.Actor{Username: "street-530103009", Role: access.Street, Scope: sc}}
}

// handCount counts a village's cases straight from the register: each
// household read whole, its present members counted, its base decided from
// its status and dates as the 2017 campaign reads them.
func handCount(t *testing.T, st *store.Store, campaignID int64, village string, surveyed func(householdID int64) bool) map[string]rates.Count {
	t.Helper()
	ctx := context.Background()
	l, err := st.VillageListOf(ctx, campaignID, village)
	if err != nil || l == nil {
		t.Fatalf("list of %s: %v", village, err)
	}
	cases, err := st.Cases(ctx, l, store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]rates.Count{}
	add := func(k string, people int) {
		c := out[k]
		c.Households++
		c.People += people
		out[k] = c
	}
	for _, cs := range cases {
		h, err := st.Household(ctx, access.Scope{Whole: true}, cs.HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		people := 0
		for _, m := range h.Members {
			if m.Status == "present" {
				people++
			}
		}
		switch cs.ReviewCase.Proposal {
		case "remove_wrong", "include", "reinclude":
			add(cs.ReviewCase.Proposal, people)
		}
		switch {
		case h.Status == register.Registered && h.RegisteredOn.Year < 2017:
			add("registered", people)
		case h.Status == register.NotRegistered && h.Hukou == "agricultural" && h.RuralResident && surveyed(h.ID):
			add("not_registered_surveyed", people)
		case h.Status == register.Exited && h.ExitedYear != nil && *h.ExitedYear == 2016:
			add("exited_last_year", people)
		}
	}
	return out
}

func findVillage(t *testing.T, f *service.CampaignFigures, code string) (service.StreetFigures, service.AreaFigures) {
	t.Helper()
	for _, s := range f.Streets {
		for _, v := range s.Villages {
			if v.Code == code {
				return s, v
			}
		}
	}
	t.Fatalf("village %s not in the figures", code)
	return service.StreetFigures{}, service.AreaFigures{}
}

func TestFiguresEqualHandCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newAccountabilityFixture(t, st)
		figs, err := f.acc.Figures(ctx, f.district, f.campaign.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(figs.Streets) != 4 {
			t.Fatalf("district sees %d streets", len(figs.Streets))
		}
		// The showcase villages stand past the survey: every household counts
		// as surveyed; their proposals are made.
		corrections := 0
		for _, village := range []string{"530103012002", "530103011002", "530103010002", "530103009002"} {
			want := handCount(t, st, f.campaign.ID, village, func(int64) bool { return true })
			_, got := findVillage(t, figs, village)
			for _, k := range rates.Corrections {
				c := got.Figures.Correction(k)
				if c.Count != want[k] || c.BaseCount != want[string(c.Base)] {
					t.Errorf("%s %s: %+v of %+v, want %+v of %+v", village, k, c.Count, c.BaseCount, want[k], want[string(c.Base)])
				}
				if want[string(c.Base)].People > 0 && c.SharePeople.Fraction() == "" {
					t.Errorf("%s %s: no share", village, k)
				}
				corrections += c.Count.Households
			}
		}
		if corrections == 0 {
			t.Fatal("the demo's showcase villages propose no correction: the test proves nothing")
		}
		// Streets are the sum of their villages; the district of its streets.
		total := rates.NewFigures()
		for _, s := range figs.Streets {
			sum := rates.NewFigures()
			for _, v := range s.Villages {
				sum.Merge(v.Figures)
			}
			for _, k := range rates.Corrections {
				if sum.Correction(k) != s.Figures.Correction(k) {
					t.Errorf("street %s %s: villages sum to %+v, street %+v", s.Code, k, sum.Correction(k), s.Figures.Correction(k))
				}
			}
			total.Merge(s.Figures)
		}
		for _, k := range rates.Corrections {
			if total.Correction(k) != figs.Total.Figures.Correction(k) {
				t.Errorf("district %s differs", k)
			}
		}

		// A village at the survey has surveyed nobody yet: its 漏评 base is
		// empty until a survey of a farmer is recorded.
		lists, err := st.VillageLists(ctx, access.Scope{Whole: true}, f.campaign.ID, store.VillageListFilter{Stage: int(workflow.Survey)})
		if err != nil {
			t.Fatal(err)
		}
		var farmer *register.Household
		var list store.VillageListRow
		for _, l := range lists {
			cases, _ := st.Cases(ctx, &l.VillageList, store.CaseFilter{})
			for _, cs := range cases {
				h, _ := st.Household(ctx, access.Scope{Whole: true}, cs.HouseholdID)
				if h.Status == register.NotRegistered && h.Hukou == "agricultural" && h.RuralResident {
					farmer, list = h, l
					break
				}
			}
			if farmer != nil {
				break
			}
		}
		if farmer == nil {
			t.Fatal("no farmer in a village at the survey")
		}
		_, before := findVillage(t, figs, list.VillageCode)
		if b := before.Figures.Bases[rates.BaseNotRegisteredSurveyed]; b.Households != 0 {
			t.Fatalf("village at the survey has a surveyed base %+v", b)
		}
		if err := st.AddListRecord(ctx, &store.ListRecord{ListID: list.ID, Kind: string(workflow.SurveyRecord), Stage: int(workflow.Survey),
			HeldOn: localdate.Date{Year: 2017, Month: 6, Day: 8}, HouseholdID: &farmer.ID, Body: "{}", CreatedBy: "team", CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		figs, err = f.acc.Figures(ctx, f.district, f.campaign.ID, list.StreetCode)
		if err != nil {
			t.Fatal(err)
		}
		want := handCount(t, st, f.campaign.ID, list.VillageCode, func(id int64) bool { return id == farmer.ID })
		_, after := findVillage(t, figs, list.VillageCode)
		if got := after.Figures.Bases[rates.BaseNotRegisteredSurveyed]; got != want["not_registered_surveyed"] || got.Households != 1 {
			t.Fatalf("after one survey the base is %+v, want %+v", got, want["not_registered_surveyed"])
		}

		// Scope: a street sees itself only; another street is not found.
		own, err := f.acc.Figures(ctx, f.street, f.campaign.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Streets) != 1 || own.Streets[0].Code != "530103011" {
			t.Fatalf("street sees %d streets", len(own.Streets))
		}
		if _, err := f.acc.Figures(ctx, f.street, f.campaign.ID, "530103012"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("street asks for another street: %v", err)
		}
		team, err := f.acc.Figures(ctx, f.teamA, f.campaign.ID, "")
		if err != nil || len(team.Streets) != 2 {
			t.Fatalf("team A: %v, %d streets", err, len(team.Streets))
		}
		if _, err := f.acc.Figures(ctx, f.district, 999, ""); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown campaign: %v", err)
		}
	})
}

func TestPlansBesideProposals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newAccountabilityFixture(t, st)
		_, err := f.acc.SetPlans(ctx, f.district, f.campaign.ID, []service.PlanInput{
			{StreetCode: "530103099", Kind: "include", Households: 1, People: 1},
			{StreetCode: "530103012", Kind: "keep", Households: 1, People: 1},
			{StreetCode: "530103012", Kind: "include", Households: 3, People: 2},
		})
		e := apperr.As(err)
		if e.Code != apperr.Validation || len(e.Details) != 3 {
			t.Fatalf("bad plans: %v %+v", err, e.Details)
		}
		if _, err := f.acc.SetPlans(ctx, f.district, f.campaign.ID, []service.PlanInput{
			{StreetCode: "530103012", Kind: "include", Households: 12, People: 40},
			{StreetCode: "530103012", Kind: "remove_wrong", Households: 5, People: 14},
			{StreetCode: "530103011", Kind: "include", Households: 7, People: 20},
		}); err != nil {
			t.Fatal(err)
		}
		figs, err := f.acc.Figures(ctx, f.district, f.campaign.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range figs.Streets {
			if s.Code == "530103012" && (s.Planned["include"] != rates.Count{Households: 12, People: 40} || s.Planned["remove_wrong"] != rates.Count{Households: 5, People: 14}) {
				t.Fatalf("阿子营 plans %+v", s.Planned)
			}
			if s.Code == "530103009" && len(s.Planned) != 0 {
				t.Fatalf("双龙 has plans %+v", s.Planned)
			}
		}
		if figs.Total.Planned["include"] != (rates.Count{Households: 19, People: 60}) {
			t.Fatalf("district plan %+v", figs.Total.Planned)
		}
		// Replaced whole: the second PUT drops what it does not list.
		if _, err := f.acc.SetPlans(ctx, f.district, f.campaign.ID, []service.PlanInput{{StreetCode: "530103011", Kind: "include", Households: 8, People: 21}}); err != nil {
			t.Fatal(err)
		}
		figs, _ = f.acc.Figures(ctx, f.district, f.campaign.ID, "530103012")
		if len(figs.Streets[0].Planned) != 0 {
			t.Fatalf("old plan kept: %+v", figs.Streets[0].Planned)
		}
		items, _, err := f.auditLog().List(ctx, f.district, service.AuditQuery{Action: "campaign.plans", Page: 1, PageSize: 10})
		if err != nil || len(items) != 2 {
			t.Fatalf("plan changes audited: %d %v", len(items), err)
		}
	})
}

func (f *accountabilityFixture) auditLog() *service.AuditLog {
	return service.NewAuditLog(f.st, time.Now, localdate.Shanghai)
}

// pickSample chooses n households of a street with the status (as the
// register has it, with no proposal) and positive people.
func pickSample(t *testing.T, st *store.Store, campaignID int64, street, status string, n int) []store.SampleCandidate {
	t.Helper()
	cands, err := st.StreetCandidates(context.Background(), campaignID, street)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.SampleCandidate
	for _, c := range cands {
		if c.Status == status && c.Proposal == "" && c.People > 0 && len(out) < n {
			out = append(out, c)
		}
	}
	if len(out) < n {
		t.Fatalf("street %s has %d %s households, want %d", street, len(out), status, n)
	}
	return out
}

func TestRatesFromRecordedInspections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newAccountabilityFixture(t, st)
		dianyuan := pickSample(t, st, f.campaign.ID, "530103011", register.Registered, 4)
		azy := pickSample(t, st, f.campaign.ID, "530103012", register.NotRegistered, 3)
		var in service.InspectionInput
		in.CampaignID, in.Body, in.Kind, in.Note = f.campaign.ID, rates.BodyNational, rates.KindAssessment, "国家检查考核"
		in.StartedOn, in.EndedOn = localdate.Date{Year: 2017, Month: 11, Day: 6}, localdate.Date{Year: 2017, Month: 11, Day: 15}
		wrongPeople, registeredPeople := 0, 0
		for i, h := range dianyuan {
			s := service.SampleInput{HouseholdCode: h.Code, Finding: rates.Correct}
			if i == 0 {
				s.Finding, wrongPeople = rates.Wrong, h.People
			}
			registeredPeople += h.People
			in.Households = append(in.Households, s)
		}
		nrPeople := 0
		for _, h := range azy {
			in.Households = append(in.Households, service.SampleInput{HouseholdCode: h.Code, Finding: rates.Correct})
			nrPeople += h.People
		}

		// Refused as a whole, each problem named.
		bad := in
		bad.Households = append([]service.SampleInput{}, in.Households...)
		bad.Households[1].Finding = rates.Missed // a registered household cannot be missed
		bad.Households[2].HouseholdCode = "no-such-household"
		bad.Households[3].HouseholdCode = bad.Households[0].HouseholdCode
		bad.EndedOn = localdate.Date{Year: 2017, Month: 11, Day: 1}
		_, err := f.ins.Create(ctx, f.district, bad)
		e := apperr.As(err)
		fields := map[string]bool{}
		for _, d := range e.Details {
			fields[d.Field] = true
		}
		for _, want := range []string{"households[1].finding", "households[2].household_code", "households[3].household_code", "ended_on"} {
			if !fields[want] {
				t.Errorf("no problem at %s: %+v", want, e.Details)
			}
		}
		if n, _ := st.CountInspections(ctx, access.Scope{Whole: true}, f.campaign.ID, ""); n != 0 {
			t.Fatal("a refused inspection was written")
		}

		v, err := f.ins.Create(ctx, f.district, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Households) != 7 || v.Version != 1 {
			t.Fatalf("created %+v", v)
		}
		for _, h := range v.Households {
			if h.People == 0 || h.Status == "" || h.StreetName == "" || h.HouseholdCode == "" {
				t.Fatalf("sampled household without defaults: %+v", h)
			}
		}
		r, err := f.acc.Rates(ctx, f.district, f.campaign.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		byStreet := map[string]service.StreetRates{}
		for _, s := range r.Streets {
			byStreet[s.Code] = s
		}
		dy := byStreet["530103011"]
		if got := dy.Results.RateOf(rates.Wrong); got != rates.Of(wrongPeople, registeredPeople) {
			t.Fatalf("滇源 错评率 %s, want %d/%d", got.Fraction(), wrongPeople, registeredPeople)
		}
		if !dy.Flagged || dy.Commended {
			t.Fatalf("滇源 (one of four wrong) flagged=%v commended=%v", dy.Flagged, dy.Commended)
		}
		az := byStreet["530103012"]
		if az.Results.RateOf(rates.Missed) != rates.Of(0, nrPeople) || !az.Commended || az.Flagged {
			t.Fatalf("阿子营 %s commended=%v", az.Results.RateOf(rates.Missed).Fraction(), az.Commended)
		}
		if sl := byStreet["530103009"]; sl.Commended || sl.Flagged || sl.Results.Inspected() {
			t.Fatal("双龙, never sampled, is judged")
		}
		if !r.Threshold.Fraction.Equal(decimal.RequireFromString("0.02")) || r.Inspections != 1 {
			t.Fatalf("threshold %s, inspections %d", r.Threshold.Fraction, r.Inspections)
		}

		// Referral: refused for a street not flagged, recorded for a flagged one.
		ref := service.ReferralInput{StreetCode: "530103012", ReferredOn: localdate.Date{Year: 2017, Month: 12, Day: 1}, ReferredTo: rates.ToDiscipline}
		if _, err := f.acc.AddReferral(ctx, f.district, f.campaign.ID, ref); !apperr.Is(err, apperr.ConditionUnmet) {
			t.Fatalf("referral of a commended street: %v", err)
		}
		ref.StreetCode = "530103011"
		if _, err := f.acc.AddReferral(ctx, f.district, f.campaign.ID, ref); err != nil {
			t.Fatal(err)
		}

		// A threshold of 100%: nothing is above it.
		th, err := f.acc.SetThreshold(ctx, f.district, f.campaign.ID, decimal.NewFromInt(100))
		if err != nil || !th.Fraction.Equal(decimal.NewFromInt(1)) {
			t.Fatalf("threshold: %v %+v", err, th)
		}
		if _, err := f.acc.SetThreshold(ctx, f.district, f.campaign.ID, decimal.RequireFromString("2.125")); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("three decimals: %v", err)
		}
		r, _ = f.acc.Rates(ctx, f.district, f.campaign.ID, "530103011")
		if len(r.Streets) != 1 || r.Streets[0].Flagged || len(r.Streets[0].Referrals) != 1 || !r.Threshold.Percent.Equal(decimal.NewFromInt(100)) {
			t.Fatalf("at 100%%: %+v", r.Streets)
		}

		// Scope: a street sees its own sampled households; an unsampled street nothing.
		own, err := f.ins.Get(ctx, f.other, v.ID)
		if err != nil || len(own.Households) != 3 {
			t.Fatalf("阿子营 reads the inspection: %v", err)
		}
		if _, err := f.ins.Get(ctx, f.shuang, v.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("双龙 reads an inspection that sampled nothing there: %v", err)
		}
		list, total, err := f.ins.List(ctx, f.other, service.InspectionQuery{CampaignID: f.campaign.ID, Page: 1, PageSize: 20})
		if err != nil || total != 1 || list[0].Households != 3 || list[0].People != nrPeople {
			t.Fatalf("阿子营 list: %v %d %+v", err, total, list)
		}
		if _, total, _ := f.ins.List(ctx, f.shuang, service.InspectionQuery{Page: 1, PageSize: 20}); total != 0 {
			t.Fatalf("双龙 lists %d inspections", total)
		}
		if _, _, err := f.ins.List(ctx, f.shuang, service.InspectionQuery{StreetCode: "530103012", Page: 1, PageSize: 20}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("双龙 filters on another street: %v", err)
		}
		sr, err := f.acc.Rates(ctx, f.street, f.campaign.ID, "")
		if err != nil || len(sr.Streets) != 1 || sr.Streets[0].Code != "530103011" || sr.Inspections != 1 {
			t.Fatalf("滇源's rates: %v %+v", err, sr)
		}
		if _, err := f.acc.Rates(ctx, f.street, f.campaign.ID, "530103012"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("滇源 asks for 阿子营's rates: %v", err)
		}

		// Update at a stale version conflicts; at the current one replaces.
		upd := in
		upd.Version = 7
		if _, err := f.ins.Update(ctx, f.district, v.ID, upd); !apperr.Is(err, apperr.VersionConflict) {
			t.Fatalf("stale update: %v", err)
		}
		upd.Version = 1
		upd.Households = in.Households[:4]
		upd.Households[0].Finding = rates.Correct
		v2, err := f.ins.Update(ctx, f.district, v.ID, upd)
		if err != nil || v2.Version != 2 || len(v2.Households) != 4 {
			t.Fatalf("update: %v", err)
		}
		if _, err := f.ins.Get(ctx, f.other, v.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatal("阿子营 still sees the inspection after its households were dropped")
		}
		if err := f.ins.Delete(ctx, f.district, v.ID, 2, ""); !apperr.Is(err, apperr.Validation) {
			t.Fatalf("delete without a reason: %v", err)
		}
		if err := f.ins.Delete(ctx, f.district, v.ID, 2, "重复录入"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ins.Get(ctx, f.district, v.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("deleted inspection read: %v", err)
		}
		for _, action := range []string{"inspection.create", "inspection.update", "inspection.delete", "campaign.threshold", "campaign.referral"} {
			items, _, err := f.auditLog().List(ctx, f.district, service.AuditQuery{Action: action, Page: 1, PageSize: 10})
			if err != nil || len(items) == 0 {
				t.Errorf("%s not audited", action)
			}
		}
	})
}

// sheet builds an inspection sheet from the downloaded template with rows
// in place of its example.
func sheet(t *testing.T, ins *service.Inspections, rows [][]any) []byte {
	t.Helper()
	var tpl bytes.Buffer
	if err := ins.Template(context.Background(), access.Actor{}, &tpl); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := x.GetRows("抽查户")
	if len(head) != 2 || head[0][0] != "检查单位*" || head[1][8] != "漏评" {
		t.Fatalf("template: %v", head)
	}
	if err := x.RemoveRow("抽查户", 2); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := x.SetSheetRow("抽查户", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInspectionImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newAccountabilityFixture(t, st)
		reg := pickSample(t, st, f.campaign.ID, "530103011", register.Registered, 2)
		nr := pickSample(t, st, f.campaign.ID, "530103012", register.NotRegistered, 2)
		national := []any{"国家", "检查考核", "2017-11-06", "2017/11/15", "成效考核"}
		row := func(header []any, cells ...any) []any { return append(append([]any{}, header...), cells...) }

		// A bad sheet: every problem with its row and column, nothing written.
		badRows := [][]any{
			row(national, reg[0].Code, "", "", "漏评", ""),                                           // missed on a registered household
			row(national, "无此户", "", "", "正确", ""),                                                 // unknown household
			row([]any{"乡", "检查考核", "2017-13-01", "2017-11-15", ""}, nr[0].Code, "", "三", "正确", ""), // body, date, people
			row(national, nr[1].Code, "", "", "", ""),                                              // finding missing
		}
		rep, err := f.ins.Import(ctx, f.district, 0, "bad.xlsx", sheet(t, f.ins, badRows))
		if !errors.Is(err, service.ErrInspectionImportRejected) || rep == nil {
			t.Fatalf("bad sheet: %v", err)
		}
		got := map[[2]any]bool{}
		for _, p := range rep.Problems {
			got[[2]any{p.Row, p.Column}] = true
			if p.Reason == "" {
				t.Errorf("problem without a reason: %+v", p)
			}
		}
		for _, want := range [][2]any{{2, "检查结论"}, {3, "户编号"}, {4, "检查单位"}, {4, "开始日期"}, {4, "人数"}, {5, "检查结论"}} {
			if !got[want] {
				t.Errorf("no problem at row %v column %v: %+v", want[0], want[1], rep.Problems)
			}
		}
		if n, _ := st.CountInspections(ctx, access.Scope{Whole: true}, f.campaign.ID, ""); n != 0 {
			t.Fatal("a refused sheet wrote inspections")
		}
		// Not a workbook at all.
		if rep, err := f.ins.Import(ctx, f.district, 0, "x.csv", []byte("a,b")); !errors.Is(err, service.ErrInspectionImportRejected) || len(rep.Problems) != 1 {
			t.Fatalf("csv: %v", err)
		}

		// A good sheet: two inspections (rows grouped by their header fields).
		good := [][]any{
			row(national, reg[0].Code, "", "", "错评", "有商品房"),
			row(national, nr[0].Code, "非建档立卡户", 4, "漏评", ""),
			row([]any{"省", "督查巡查", "2017年12月4日", "20171208", ""}, reg[1].Code, "", "", "正确", ""),
			row(national, nr[1].Code, "", "", "正确", ""),
		}
		rep, err = f.ins.Import(ctx, f.district, f.campaign.ID, "good.xlsx", sheet(t, f.ins, good))
		if err != nil {
			t.Fatalf("good sheet: %v %+v", err, rep)
		}
		if len(rep.Inspections) != 2 || len(rep.Inspections[0].Households) != 3 || len(rep.Inspections[1].Households) != 1 {
			t.Fatalf("imported %+v", rep.Inspections)
		}
		first := rep.Inspections[0]
		if first.Body != rates.BodyNational || first.Kind != rates.KindAssessment || first.EndedOn != (localdate.Date{Year: 2017, Month: 11, Day: 15}) {
			t.Fatalf("header %+v", first.Inspection)
		}
		second := rep.Inspections[1]
		if second.Body != rates.BodyProvincial || second.StartedOn != (localdate.Date{Year: 2017, Month: 12, Day: 4}) || second.EndedOn != (localdate.Date{Year: 2017, Month: 12, Day: 8}) {
			t.Fatalf("second header %+v", second.Inspection)
		}
		r, err := f.acc.Rates(ctx, f.district, f.campaign.ID, "530103012")
		if err != nil {
			t.Fatal(err)
		}
		// The people column overrides the register: 4 missed of 4 + nr[1]'s.
		if got := r.Streets[0].Results.RateOf(rates.Missed); got != rates.Of(4, 4+nr[1].People) {
			t.Fatalf("阿子营 漏评率 %s", got.Fraction())
		}
		items, _, _ := f.auditLog().List(ctx, f.district, service.AuditQuery{Action: "inspection.import", Page: 1, PageSize: 10})
		if len(items) != 1 {
			t.Fatalf("import audited %d times", len(items))
		}
	})
}

func TestDemoInspections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newAccountabilityFixture(t, st)
		if err := f.demo.SeedInspections(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := f.acc.Rates(ctx, f.district, f.campaign.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range r.Streets {
			switch s.Code {
			case service.DemoFlaggedStreet:
				if !s.Flagged || len(s.Referrals) != 2 || !s.Results.RateOf(rates.Missed).Above(r.Threshold.Fraction) {
					t.Errorf("阿子营: flagged=%v referrals=%d 漏评率 %s", s.Flagged, len(s.Referrals), s.Results.RateOf(rates.Missed).Fraction())
				}
			case service.DemoCommendedStreet:
				if !s.Commended || s.Flagged {
					t.Errorf("松华: commended=%v", s.Commended)
				}
			}
		}
		figs, err := f.acc.Figures(ctx, f.district, f.campaign.ID, "")
		if err != nil || len(figs.Total.Planned) == 0 {
			t.Fatalf("2017 plans: %v %+v", err, figs.Total.Planned)
		}
		cs, _ := st.Campaigns(ctx)
		var c2016 *store.Campaign
		for i := range cs {
			if cs[i].CampaignYear == 2016 {
				c2016 = &cs[i]
			}
		}
		figs, err = f.acc.Figures(ctx, f.district, c2016.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		inc := figs.Total.Figures.Correction(rates.Include)
		if inc.Count.Households == 0 || inc.Count.Households > figs.Total.Planned[rates.Include].Households {
			t.Fatalf("2016 inclusions %+v, planned %+v", inc, figs.Total.Planned)
		}
	})
}
