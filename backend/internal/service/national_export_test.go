package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/rules"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
	"jingzhun/internal/synth"
)

// nationalFixture: street s1 with villages a (list at stage 14) and b
// (stage 12), street s2 with village c (stage 14); households in each.
type nationalFixture struct {
	*outcomeFixture
	nx       *service.NationalExport
	campaign *store.Campaign
	tree     store.Regions
	s1, s2   string
	a, b, c  string
	group    string                         // the group of the first household of a
	byCode   map[string]*register.Household // every household created, as stored
	village  map[string]string              // household code → village
	proposal map[string]string              // household code → proposal
}

func newNationalFixture(t *testing.T, st *store.Store) *nationalFixture {
	t.Helper()
	ctx := context.Background()
	f := &nationalFixture{outcomeFixture: newOutcomeFixture(t, st), byCode: map[string]*register.Household{},
		village: map[string]string{}, proposal: map[string]string{}}
	f.nx = service.NewNationalExport(st, service.NewAuditLog(st, time.Now, localdate.Shanghai), time.Now)
	var err error
	if f.campaign, err = st.ActiveCampaign(ctx); err != nil || f.campaign == nil {
		t.Fatalf("campaign: %v %v", f.campaign, err)
	}
	if f.tree, err = st.Regions(ctx); err != nil {
		t.Fatal(err)
	}
	villagesOf := func(street string) []string {
		var out []string
		for _, v := range f.tree.Villages {
			if v.StreetCode == street {
				out = append(out, v.Code)
			}
		}
		return out
	}
	for _, s := range f.tree.Streets {
		if vs := villagesOf(s.Code); f.s1 == "" && len(vs) >= 2 {
			f.s1, f.a, f.b = s.Code, vs[0], vs[1]
		} else if f.s2 == "" && len(vs) >= 1 {
			f.s2, f.c = s.Code, vs[0]
		}
	}
	if f.s1 == "" || f.s2 == "" {
		t.Fatal("regions: need a street with two villages and another street")
	}
	groups := []store.VillageGroup{{VillageCode: f.a, Name: "大村民小组", Sort: 1}}
	if err := st.SaveVillageGroups(ctx, groups); err != nil {
		t.Fatal(err)
	}
	f.group = groups[0].Name

	gen := synth.New(2017)
	today := localdate.Today(time.Now())
	next := 0
	wage := decimal.RequireFromString("12345.5")
	create := func(village string, n int) {
		for made := 0; made < n; next++ {
			v1 := gen.Household(next)
			h := register.FromInterchange(&v1)
			if len(register.Validate(&h, today)) > 0 || len(h.Members) == 0 {
				continue
			}
			h.StreetCode, h.VillageCode = "", village
			if village == f.a && made == 0 {
				h.GroupID = &groups[0].ID
				h.IncomeWage = &wage
			}
			created, err := f.households.Create(ctx, f.district, &h)
			if err != nil {
				t.Fatalf("create household %d: %v", next, err)
			}
			f.byCode[created.Code] = created
			f.village[created.Code] = village
			made++
		}
	}
	create(f.a, 2)
	create(f.b, 1)
	create(f.c, 2)

	// Lists for every village, then a and c at stage 14, b at 12.
	now := time.Now()
	if _, err := st.OpenVillageLists(ctx, f.campaign.ID, "district", now); err != nil {
		t.Fatal(err)
	}
	for v, stage := range map[string]int{f.a: 14, f.b: 12, f.c: 14} {
		l, err := st.VillageListOf(ctx, f.campaign.ID, v)
		if err != nil || l == nil {
			t.Fatalf("list of %s: %v %v", v, l, err)
		}
		if err := st.SetListStage(ctx, l, stage, "district", now); err != nil {
			t.Fatal(err)
		}
	}
	proposals := []rules.Outcome{rules.Include, rules.RemoveWrong, rules.Keep, rules.ExitNormal, rules.NotEligible}
	i := 0
	for _, code := range f.codes() {
		c, err := st.CaseOfHousehold(ctx, f.campaign.ID, f.byCode[code].ID)
		if err != nil || c == nil {
			t.Fatalf("case of %s: %v %v", code, c, err)
		}
		c.Proposal, c.ProposalBasis, c.ProposedBy = string(proposals[i%len(proposals)]), string(proposals[i%len(proposals)]), "team"
		if err := st.SaveCase(ctx, c, now); err != nil {
			t.Fatal(err)
		}
		f.proposal[code] = c.Proposal
		i++
	}
	return f
}

// codes are the household codes, sorted; of the villages given, if any.
func (f *nationalFixture) codes(villages ...string) []string {
	var out []string
	for code := range f.byCode {
		if len(villages) == 0 || slices.Contains(villages, f.village[code]) {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

func (f *nationalFixture) write(t *testing.T, actor access.Actor, filter service.NationalExportFilter, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.nx.Write(context.Background(), actor, f.campaign.ID, filter, format, &buf); err != nil {
		t.Fatalf("%s export: %v", format, err)
	}
	return buf.Bytes()
}

func (f *nationalFixture) exports(t *testing.T) int64 {
	t.Helper()
	_, n, err := f.st.AuditEvents(context.Background(), store.AuditFilter{Action: "campaign.export_national", Page: 1, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func column(header []string, name string, t *testing.T) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %s in %v", name, header)
	}
	return i
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func TestNationalExportXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newNationalFixture(t, st)
		before := f.exports(t)
		data := f.write(t, f.district, service.NationalExportFilter{}, "xlsx")
		if got := f.exports(t); got != before+1 {
			t.Fatalf("audit: %d export records, want %d", got, before+1)
		}
		evs, _, _ := st.AuditEvents(context.Background(), store.AuditFilter{Action: "campaign.export_national", Page: 1, PageSize: 1})
		if e := evs[0]; e.ObjectType != "campaign" || e.ObjectID != strconv.FormatInt(f.campaign.ID, 10) ||
			!strings.Contains(e.Reason, "format=xlsx") || e.Username != "district" {
			t.Fatalf("audit record: %+v", e)
		}

		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := x.GetSheetList(); !slices.Equal(got, []string{"户基本情况", "家庭成员", "收入情况", "生产生活条件"}) {
			t.Fatalf("sheets %v", got)
		}
		rows := map[string][][]string{}
		for _, name := range x.GetSheetList() {
			if rows[name], err = x.GetRows(name); err != nil {
				t.Fatal(err)
			}
			if len(rows[name]) == 0 || rows[name][0][0] != "户编号" {
				t.Fatalf("%s: first column is not 户编号: %v", name, rows[name])
			}
		}
		want := f.codes(f.a, f.c) // stage 14 only: b's household is left out
		hh := rows["户基本情况"]
		hdr := hh[0]
		for _, h := range []string{"街道", "行政村", "村民小组", "户主身份证号", "建档立卡状态", "贫困户属性", "主要致贫原因", "户籍性质", "处理意见"} {
			column(hdr, h, t)
		}
		var got []string
		for _, r := range hh[1:] {
			got = append(got, r[0])
			code := r[0]
			h := f.byCode[code]
			if p := cell(r, column(hdr, "处理意见", t)); p != rules.Outcome(f.proposal[code]).Chinese() || p == "" {
				t.Errorf("%s: 处理意见 %q, want %q", code, p, rules.Outcome(f.proposal[code]).Chinese())
			}
			if s := cell(r, column(hdr, "建档立卡状态", t)); s != register.Label("status", h.Status) {
				t.Errorf("%s: status %q, want the label of %s", code, s, h.Status)
			}
			if s := cell(r, column(hdr, "户籍性质", t)); s != register.Label("hukou", h.Hukou) {
				t.Errorf("%s: hukou %q", code, s)
			}
			wantGroup := ""
			if h.GroupID != nil {
				wantGroup = f.group
			}
			if g := cell(r, column(hdr, "村民小组", t)); g != wantGroup {
				t.Errorf("%s: group %q, want %q", code, g, wantGroup)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("households %v, want %v (stage 14, code order)", got, want)
		}
		for _, sheet := range []string{"收入情况", "生产生活条件"} {
			var codes []string
			for _, r := range rows[sheet][1:] {
				codes = append(codes, r[0])
			}
			if !slices.Equal(codes, want) {
				t.Fatalf("%s: %v, want %v", sheet, codes, want)
			}
		}

		// Members: one row each, full ID numbers, labels.
		mem := rows["家庭成员"]
		idCol, relCol := column(mem[0], "身份证号", t), column(mem[0], "与户主关系", t)
		var ids, wantIDs []string
		for _, r := range mem[1:] {
			ids = append(ids, r[0]+"/"+cell(r, idCol))
			if rel := cell(r, relCol); !slices.ContainsFunc(register.CodeLists["relation"], func(c register.CodeItem) bool { return c.LabelZh == rel }) {
				t.Errorf("relation %q is not a label", rel)
			}
		}
		for _, code := range want {
			for _, m := range f.byCode[code].Members {
				if len(m.IDNumber) != 18 {
					t.Fatalf("fixture ID %q", m.IDNumber)
				}
				wantIDs = append(wantIDs, code+"/"+m.IDNumber)
			}
		}
		if !slices.Equal(ids, wantIDs) {
			t.Fatalf("members %v, want %v", ids, wantIDs)
		}

		// Money: two decimals, as text.
		inc := rows["收入情况"]
		wageCol := column(inc[0], "工资性收入（元）", t)
		checked := false
		for _, r := range inc[1:] {
			h := f.byCode[r[0]]
			if h.IncomeWage != nil && cell(r, wageCol) != h.IncomeWage.StringFixed(2) {
				t.Errorf("%s: wage %q, want %s", r[0], cell(r, wageCol), h.IncomeWage.StringFixed(2))
			}
			if h.GroupID != nil { // the household given 12345.5
				checked = true
				if cell(r, wageCol) != "12345.50" {
					t.Errorf("wage %q, want 12345.50", cell(r, wageCol))
				}
			}
		}
		if !checked {
			t.Error("the household with a group and a wage of 12345.5 is not on the income sheet")
		}
	})
}

func TestNationalExportCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newNationalFixture(t, st)
		data := f.write(t, f.district, service.NationalExportFilter{}, "csv")
		if !bytes.HasPrefix(data, []byte("\ufeff")) {
			t.Fatal("no byte order mark")
		}
		recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		hdr := recs[0]
		if hdr[0] != "户编号" {
			t.Fatalf("header %v", hdr)
		}
		seen := map[string]bool{}
		for _, h := range hdr {
			if seen[h] {
				t.Errorf("header %s twice", h)
			}
			seen[h] = true
		}
		idCol, propCol, nameCol := column(hdr, "身份证号", t), column(hdr, "处理意见", t), column(hdr, "姓名", t)
		if idCol < propCol || nameCol < propCol {
			t.Errorf("member columns must follow the household's")
		}
		var got, want []string
		for _, r := range recs[1:] {
			if len(r) != len(hdr) {
				t.Fatalf("row of %d fields, header %d", len(r), len(hdr))
			}
			got = append(got, r[0]+"/"+r[idCol]+"/"+r[propCol])
		}
		for _, code := range f.codes(f.a, f.c) {
			for _, m := range f.byCode[code].Members {
				want = append(want, code+"/"+m.IDNumber+"/"+rules.Outcome(f.proposal[code]).Chinese())
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("rows %v, want %v", got, want)
		}
	})
}

func TestNationalExportJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newNationalFixture(t, st)
		data := f.write(t, f.district, service.NationalExportFilter{}, "json")
		var doc struct {
			Format   string `json:"format"`
			Campaign struct {
				ID           int64 `json:"id"`
				CampaignYear int   `json:"campaign_year"`
				IncomeYear   int   `json:"income_year"`
			} `json:"campaign"`
			Households []map[string]json.RawMessage `json:"households"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		if doc.Format != "household-v1-list" || doc.Campaign.ID != f.campaign.ID || doc.Campaign.CampaignYear != f.campaign.CampaignYear ||
			doc.Campaign.IncomeYear != f.campaign.IncomeYear {
			t.Fatalf("envelope: %+v", doc)
		}
		var codes []string
		for _, raw := range doc.Households {
			var code, proposal string
			_ = json.Unmarshal(raw["code"], &code)
			if err := json.Unmarshal(raw["proposal"], &proposal); err != nil {
				t.Fatalf("%s: proposal: %v", code, err)
			}
			codes = append(codes, code)
			if proposal != f.proposal[code] {
				t.Errorf("%s: proposal %q, want %q", code, proposal, f.proposal[code])
			}
			// The rest is a household-v1 document.
			delete(raw, "proposal")
			b, _ := json.Marshal(raw)
			var h interchange.Household
			if _, errs := interchange.DecodeHousehold(b, &h); len(errs) > 0 {
				t.Fatalf("%s: not household-v1: %v", code, errs)
			}
			stored := f.byCode[code]
			if len(h.Members) != len(stored.Members) || h.Members[0].IDNumber != stored.Members[0].IDNumber {
				t.Errorf("%s: members %+v", code, h.Members)
			}
			if h.Region == nil || h.Region.Village != stored.VillageCode {
				t.Errorf("%s: region %+v", code, h.Region)
			}
			if stored.GroupID != nil && h.Region.Group != f.group {
				t.Errorf("%s: group %q", code, h.Region.Group)
			}
		}
		if want := f.codes(f.a, f.c); !slices.Equal(codes, want) {
			t.Fatalf("households %v, want %v", codes, want)
		}
	})
}

func TestNationalExportScopeFilterAndRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newNationalFixture(t, st)
		jsonCodes := func(actor access.Actor, filter service.NationalExportFilter) []string {
			var doc struct {
				Households []struct {
					Code string `json:"code"`
				} `json:"households"`
			}
			if err := json.Unmarshal(f.write(t, actor, filter, "json"), &doc); err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, h := range doc.Households {
				out = append(out, h.Code)
			}
			return out
		}
		// An account limited to street s1 sees s1's recorded households only.
		limited := f.district
		limited.Scope = f.tree.ExpandScope(access.Street, access.Grant{Street: f.s1})
		if got, want := jsonCodes(limited, service.NationalExportFilter{}), f.codes(f.a); !slices.Equal(got, want) {
			t.Errorf("street scope: %v, want %v", got, want)
		}
		if got := jsonCodes(limited, service.NationalExportFilter{Street: f.s2}); len(got) != 0 {
			t.Errorf("street scope, other street: %v", got)
		}
		// Filters.
		if got, want := jsonCodes(f.district, service.NationalExportFilter{Street: f.s2}), f.codes(f.c); !slices.Equal(got, want) {
			t.Errorf("street filter: %v, want %v", got, want)
		}
		if got, want := jsonCodes(f.district, service.NationalExportFilter{Village: f.a}), f.codes(f.a); !slices.Equal(got, want) {
			t.Errorf("village filter: %v, want %v", got, want)
		}
		if got := jsonCodes(f.district, service.NationalExportFilter{Village: f.b}); len(got) != 0 {
			t.Errorf("stage 12 village: %v", got)
		}
		// Store query straight: ids and proposals in code order.
		cases, err := st.NationalExportCases(ctx, access.Scope{Whole: true}, f.campaign.ID, store.NationalExportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cases {
			got = append(got, c.HouseholdCode)
			if c.HouseholdID != f.byCode[c.HouseholdCode].ID || c.Proposal != f.proposal[c.HouseholdCode] {
				t.Errorf("case %+v", c)
			}
		}
		if want := f.codes(f.a, f.c); !slices.Equal(got, want) {
			t.Errorf("store cases %v, want %v", got, want)
		}

		// Refusals: any role but district; unknown format. Nothing written, nothing audited.
		before := f.exports(t)
		for _, role := range []access.Role{access.Street, access.Supervisor, access.CheckTeam, access.VillageOfficer, access.Auditor} {
			var buf bytes.Buffer
			actor := access.Actor{Username: "x", Role: role, Scope: access.Scope{Whole: true}}
			if err := f.nx.Write(ctx, actor, f.campaign.ID, service.NationalExportFilter{}, "xlsx", &buf); !apperr.Is(err, apperr.Forbidden) || buf.Len() != 0 {
				t.Errorf("%s: %v (%d bytes)", role, err, buf.Len())
			}
		}
		var buf bytes.Buffer
		err = f.nx.Write(ctx, f.district, f.campaign.ID, service.NationalExportFilter{}, "pdf", &buf)
		if e := apperr.As(err); e.Code != apperr.Validation || len(e.Details) != 1 || e.Details[0].Field != "format" || buf.Len() != 0 {
			t.Errorf("unknown format: %v", err)
		}
		if err := f.nx.Write(ctx, f.district, f.campaign.ID+999, service.NationalExportFilter{}, "xlsx", &buf); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown campaign: %v", err)
		}
		if got := f.exports(t); got != before {
			t.Errorf("refused exports audited: %d → %d", before, got)
		}
	})
}

func TestNationalExportFile(t *testing.T) {
	for _, c := range []struct{ format, ct, ext string }{
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
		{"csv", "text/csv; charset=utf-8", ".csv"},
		{"json", "application/json; charset=utf-8", ".json"},
	} {
		ct, name := service.NationalExportFile(c.format, 2017)
		if ct != c.ct || !strings.HasSuffix(name, c.ext) || !strings.Contains(name, "2017") {
			t.Errorf("%s: %s %s", c.format, ct, name)
		}
	}
	if ct, name := service.NationalExportFile("pdf", 2017); ct != "" || name != "" {
		t.Errorf("pdf: %s %s", ct, name)
	}
}
