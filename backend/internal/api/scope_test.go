package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"jingzhun/internal/api"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// The scoped roles, as the demo accounts have them: the officer of one
// village of 阿子营 (530103012), team A (阿子营 and 松华), 阿子营's street, the
// police liaison, and the two district-wide roles.
var scopedRoles = []string{"village_officer", "check_team", "street", "department", "district", "supervisor"}

// site is one village's objects, as the tests reach them by their ids.
type site struct {
	village, street string
	household       int64 // a live household of the village
	householdV      int64 // its version
	member          int64 // a member of it who is not the head
	attachment      int64
	list            int64 // the village's list of the 2017 campaign
	listV           int64
	kase            int64 // a case of the list
	kaseV           int64
	file            int64 // a file of the list
	opinion         int64 // a villagers' opinion of the list, where there is one
	report          int64 // a report on the list's notice, where there is one
	officer         int64 // the village's information officer
	officerV        int64
	factsV          int64
}

// scopeFixture is the demo installation with every kind of object the
// object routes take, in three villages: the officer's own, another of the
// officer's street (team A, 阿子营), and one of 滇源 (team B, street
// 530103011), which is outside the scope of every scoped demo account.
type scopeFixture struct {
	s      *testServer
	tokens map[string]string
	// sites by village code
	sites map[string]*site
	// a job the street 530103011 started, a discrepancy in 滇源, another
	// department's register import, an inspection that sampled only 滇源,
	// and team B's members
	job, discrepancy, civilImport, inspection, inspectionV int64
	policeImport                                           int64
	teamBMember, teamBMemberV                              int64
	// selfPath, when set, is where the next mass-assignment check sends
	// its request instead (the administrator's own account)
	selfPath string
}

const (
	ownVillage   = "530103012004" // the demo officer's village (survey stage)
	nearVillage  = "530103012002" // same street and team, another village (proposals under way)
	farVillage   = "530103011002" // 滇源: team B, street 530103011 (village notice, a report open)
	nowhere      = 99999999
	nowhereCode  = "530103099999"
	otherDept    = "civil"
	policeSample = "police"
)

// outside is the village whose objects are out of a role's scope: another
// village of the same street for the officer (the finest scope), 滇源 for
// the team and the street. District-wide roles and the liaison have no
// village outside their scope: their rows use objects that do not exist.
func outside(role string) string {
	switch role {
	case "village_officer":
		return nearVillage
	case "check_team", "street":
		return farVillage
	}
	return ""
}

// inside is a village in the role's scope, for the reads that must answer.
func inside(role string) string {
	switch role {
	case "village_officer":
		return ownVillage
	case "check_team", "street":
		return nearVillage
	}
	return farVillage
}

func (f *scopeFixture) get(t *testing.T, path string, dst any) {
	t.Helper()
	r := f.s.do(req{method: "GET", path: path, token: f.tokens["district"]})
	if r.Code != http.StatusOK {
		t.Fatalf("fixture GET %s: %d %s", path, r.Code, r.Body)
	}
	r.json(t, dst)
}

func newScopeFixture(t *testing.T, st *store.Store) *scopeFixture {
	t.Helper()
	s := accountabilityServer(t, st)
	ctx := context.Background()
	if err := s.app.Demo.SeedDirectories(ctx); err != nil {
		t.Fatal(err)
	}
	f := &scopeFixture{s: s, tokens: map[string]string{}, sites: map[string]*site{}}
	for role, user := range demoAccount {
		f.tokens[role] = s.as(user).token
	}
	district := f.tokens["district"]
	board := s.board(t, district)
	var officers struct {
		Items []struct {
			ID          int64  `json:"id"`
			VillageCode string `json:"village_code"`
			Version     int64  `json:"version"`
		} `json:"items"`
	}
	f.get(t, "/api/v1/officers", &officers)
	for _, code := range []string{ownVillage, nearVillage, farVillage} {
		x := &site{village: code, street: code[:9]}
		var hs pageOf[struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
			Members int   `json:"members"`
		}]
		f.get(t, "/api/v1/households?village="+code+"&page_size=100", &hs)
		for _, h := range hs.Items {
			if h.Members > 1 {
				x.household, x.householdV = h.ID, h.Version
				break
			}
		}
		if x.household == 0 {
			t.Fatalf("no household of two in %s", code)
		}
		var h struct {
			Members []struct {
				ID       int64  `json:"id"`
				Relation string `json:"relation"`
			} `json:"members"`
		}
		f.get(t, fmt.Sprintf("/api/v1/households/%d", x.household), &h)
		for _, m := range h.Members {
			if m.Relation != "head" {
				x.member = m.ID
			}
		}
		r := s.upload(district, fmt.Sprintf("/api/v1/households/%d/attachments", x.household), "photo", "a.png", pngBytes)
		if r.Code != http.StatusCreated {
			t.Fatalf("fixture attachment: %d %s", r.Code, r.Body)
		}
		var a struct {
			ID int64 `json:"id"`
		}
		r.json(t, &a)
		x.attachment = a.ID
		// The household's attachment bumped nothing; read the version again
		// all the same, as the writes below need the current one.
		var hv struct {
			Version int64 `json:"version"`
		}
		f.get(t, fmt.Sprintf("/api/v1/households/%d", x.household), &hv)
		x.householdV = hv.Version

		l := board[code]
		x.list, x.listV = l.ID, l.Version
		lf := &store.ListFile{ListID: l.ID, FileName: "scan.png", ContentType: "image/png", Size: int64(len(pngBytes)),
			SHA256: "00", Content: pngBytes, CreatedBy: "district", CreatedAt: time.Now().UTC()}
		if err := st.AddListFile(ctx, lf); err != nil {
			t.Fatal(err)
		}
		x.file = lf.ID
		// The demo's lists stand before or past the party meeting: an
		// opinion written straight, for the answer route.
		if err := st.AddOpinions(ctx, []store.RecordOpinion{{ListID: l.ID, Text: "建议核实该户车辆情况", NeedsCheck: true}}); err != nil {
			t.Fatal(err)
		}
		var d struct {
			Cases []struct {
				ID      int64 `json:"id"`
				Version int64 `json:"version"`
			} `json:"cases"`
			Opinions []struct {
				ID int64 `json:"id"`
			} `json:"opinions"`
			Reports []struct {
				ID int64 `json:"id"`
			} `json:"reports"`
		}
		f.get(t, fmt.Sprintf("/api/v1/village-lists/%d", l.ID), &d)
		if len(d.Cases) == 0 {
			t.Fatalf("list of %s has no cases", code)
		}
		x.kase, x.kaseV = d.Cases[0].ID, d.Cases[0].Version
		if len(d.Opinions) > 0 {
			x.opinion = d.Opinions[0].ID
		}
		if len(d.Reports) > 0 {
			x.report = d.Reports[0].ID
		}
		for _, o := range officers.Items {
			if o.VillageCode == code {
				x.officer, x.officerV = o.ID, o.Version
			}
		}
		if x.officer == 0 {
			t.Fatalf("no officer in %s", code)
		}
		var facts struct {
			Version int64 `json:"version"`
		}
		f.get(t, "/api/v1/villages/"+code+"/facts", &facts)
		x.factsV = facts.Version
		f.sites[code] = x
	}
	if f.sites[farVillage].report == 0 || f.sites[farVillage].opinion == 0 || f.sites[nearVillage].opinion == 0 {
		t.Fatal("the demo's lists past the villagers' meeting have no opinion or report")
	}

	// A job of the street 530103011.
	r := s.do(req{method: "POST", path: "/api/v1/campaigns/1/recompute", token: s.as("street-530103011").token, body: map[string]string{"street": "530103011"}})
	if r.Code != http.StatusAccepted {
		t.Fatalf("fixture recompute: %d %s", r.Code, r.Body)
	}
	var job struct {
		ID int64 `json:"id"`
	}
	r.json(t, &job)
	f.job = job.ID
	s.app.Jobs.Wait()

	// A discrepancy in 滇源: the police register names a vehicle of a member
	// of the far household that the survey did not record.
	far := f.sites[farVillage]
	var fh struct {
		Members []struct {
			IDNumber string `json:"id_number"`
			Name     string `json:"name"`
		} `json:"members"`
	}
	f.get(t, fmt.Sprintf("/api/v1/households/%d", far.household), &fh)
	csv := "身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期\n" + fh.Members[0].IDNumber + "," + fh.Members[0].Name + ",云A09999,小型轿车,95000,2016-03-15\n"
	imp := s.finishedImport(f.tokens["department"], policeSample, "vehicles", "scope.csv", "", []byte(csv))
	if imp.Status != "imported" {
		t.Fatalf("fixture vehicles import: %+v", imp)
	}
	f.policeImport = imp.ID
	var ds pageOf[struct {
		ID          int64  `json:"id"`
		VillageCode string `json:"village_code"`
	}]
	f.get(t, "/api/v1/discrepancies?village="+farVillage+"&page_size=100", &ds)
	if len(ds.Items) == 0 {
		t.Fatal("no discrepancy in 滇源")
	}
	f.discrepancy = ds.Items[0].ID
	// The household's survey data are unchanged, its version too; the
	// confirmations may not be: read the version again.
	var hv struct {
		Version int64 `json:"version"`
	}
	f.get(t, fmt.Sprintf("/api/v1/households/%d", far.household), &hv)
	far.householdV = hv.Version

	// Another department's import (written straight: the liaison of civil
	// would make one the same way).
	ci := &store.DeptImport{Department: otherDept, Dataset: "dibao", CampaignID: 1, FileName: "dibao.csv", FileSHA256: "00",
		Status: store.ImportImported, CreatedBy: "dept-civil", CreatedAt: time.Now().UTC()}
	if err := st.CreateDeptImport(ctx, ci); err != nil {
		t.Fatal(err)
	}
	f.civilImport = ci.ID

	// The demo's provincial inspection samples 滇源 only.
	var ins pageOf[struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}]
	f.get(t, "/api/v1/inspections?street=530103011", &ins)
	for _, in := range ins.Items {
		var d struct {
			Households []struct {
				StreetCode string `json:"street_code"`
			} `json:"households"`
		}
		f.get(t, fmt.Sprintf("/api/v1/inspections/%d", in.ID), &d)
		if !slices.ContainsFunc(d.Households, func(h struct {
			StreetCode string `json:"street_code"`
		}) bool {
			return h.StreetCode != "530103011"
		}) {
			f.inspection, f.inspectionV = in.ID, in.Version
		}
	}
	if f.inspection == 0 {
		t.Fatal("no inspection of 滇源 alone")
	}

	var teams struct {
		Items []struct {
			Code    string `json:"code"`
			Members []struct {
				ID      int64 `json:"id"`
				Version int64 `json:"version"`
			} `json:"members"`
		} `json:"items"`
	}
	f.get(t, "/api/v1/check-teams", &teams)
	for _, tm := range teams.Items {
		if tm.Code == "B" && len(tm.Members) > 0 {
			f.teamBMember, f.teamBMemberV = tm.Members[0].ID, tm.Members[0].Version
		}
	}
	if f.teamBMember == 0 {
		t.Fatal("team B has no members")
	}
	return f
}

// pageOf is a paged list as the tests read it.
type pageOf[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
}

// call is one request of a scope or mass-assignment row.
type call struct {
	path string
	body any // JSON value; nil for none
	// form is a multipart body instead (the uploads); csv names a file of
	// that content instead of the PNG.
	form map[string]string
	csv  string
}

func (f *scopeFixture) send(method string, c call, token string) response {
	f.s.t.Helper()
	if c.form == nil {
		return f.s.do(req{method: method, path: c.path, body: c.body, token: token})
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range c.form {
		_ = w.WriteField(k, v)
	}
	if c.csv != "" {
		fw, _ := w.CreateFormFile("file", "data.csv")
		fw.Write([]byte(c.csv))
	} else {
		fw, _ := w.CreateFormFile("file", "scan.png")
		fw.Write(pngBytes)
	}
	w.Close()
	r := httptest.NewRequest(method, c.path, &buf)
	r.Header.Set("Content-Type", w.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	f.s.h.ServeHTTP(rec, r)
	return response{rec}
}

// snapshot reads paths as the district, for comparing before and after.
func (f *scopeFixture) snapshot(t *testing.T, paths []string) []string {
	t.Helper()
	out := make([]string, len(paths))
	for i, p := range paths {
		r := f.s.do(req{method: "GET", path: p, token: f.tokens["district"]})
		if r.Code != http.StatusOK {
			t.Fatalf("read back %s: %d %s", p, r.Code, r.Body)
		}
		out[i] = r.Body.String()
	}
	return out
}

// scopeRow is one object route: how a role reaches an object of the site
// outside its scope (x; nil for the district-wide roles and the liaison,
// whose rows use objects that do not exist or, for the liaison, another
// department's), and what to read back after a write.
type scopeRow struct {
	route string
	// exempt says why no scoped role can be outside the object (the
	// administrators' routes, keys that are not objects).
	exempt string
	// req builds the request as role for the objects of x (nil: nowhere).
	req func(f *scopeFixture, role string, x *site) call
	// back lists the reads (as the district) that a refused write must
	// leave unchanged.
	back func(f *scopeFixture, x *site) []string
	// skip names scoped roles the row does not apply to, and why
	skip map[string]string
	// owner is the demo account whose scope holds the one object of the
	// row (a job, a discrepancy, an inspection): it must read it.
	owner string
	// in is the read inside the role's scope, where it is not req's on
	// the role's own site (the campaigns: the demo's campaign 1).
	in func(f *scopeFixture, role string) call
}

func id(n int64) string { return fmt.Sprint(n) }

// nowhereSite has ids that no object has.
var nowhereSite = &site{village: nowhereCode, street: nowhereCode[:9], household: nowhere, member: nowhere, attachment: nowhere,
	list: nowhere, kase: nowhere, file: nowhere, opinion: nowhere, report: nowhere, officer: nowhere, householdV: 1, listV: 1, kaseV: 1, officerV: 1}

func householdBack(f *scopeFixture, x *site) []string {
	return []string{fmt.Sprintf("/api/v1/households/%d", x.household), fmt.Sprintf("/api/v1/households/%d/attachments", x.household)}
}

func listBack(f *scopeFixture, x *site) []string {
	return []string{fmt.Sprintf("/api/v1/village-lists/%d", x.list)}
}

// regionsOnly: the liaison sees the register district-wide for its fields,
// so it has no household, list or village outside its scope; its own
// routes are the department rows.
var regionsOnly = map[string]string{"department": "a liaison's scope is its department, not a region"}

func listPath(x *site, rest string) string {
	return fmt.Sprintf("/api/v1/village-lists/%d%s", x.list, rest)
}

// scopeRows has a row for every route with an object in its path.
var scopeRows = []scopeRow{
	{route: "PATCH /users/:id", exempt: "administrators only: no region scope"},
	{route: "POST /users/:id/password-reset", exempt: "administrators only: no region scope"},
	{route: "POST /users/:id/mfa-reset", exempt: "administrators only: no region scope"},
	{route: "POST /api-clients/:id/revoke", exempt: "administrators only: no region scope"},
	{route: "POST /api-clients/:id/rotate-secret", exempt: "administrators only: no region scope"},
	{route: "PUT /poverty-lines/:year", exempt: "a year is a key, not an object: the district sets the line of any year"},
	// A department's list of fields (附件：相关部门职责) is reference data to
	// the regional roles (an unknown department is not found); a liaison
	// reads its own department's only.
	{route: "GET /departments/:code/responsibilities", req: deptCall("/responsibilities", nil), in: deptIn("/responsibilities")},

	{route: "GET /villages/:code/groups", skip: regionsOnly,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/villages/" + x.village + "/groups"}
		}},
	{route: "GET /villages/:code/facts", skip: regionsOnly,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/villages/" + x.village + "/facts"}
		}},
	{route: "PUT /villages/:code/facts",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/villages/" + x.village + "/facts", body: map[string]any{"version": x.factsV, "households": 321}}
		},
		back: func(f *scopeFixture, x *site) []string { return []string{"/api/v1/villages/" + x.village + "/facts"} }},

	{route: "GET /households/:id",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household)}
		}},
	{route: "GET /households/:id/interchange",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household) + "/interchange?reason=" + "核查"}
		}},
	{route: "GET /households/:id/history",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household) + "/history"}
		}},
	{route: "GET /households/:id/attachments",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household) + "/attachments"}
		}},
	{route: "GET /households/:id/outcome",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household) + "/outcome"}
		}},
	{route: "PUT /households/:id", back: householdBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household), body: f.householdInput(x)}
		}},
	{route: "DELETE /households/:id", back: householdBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household), body: map[string]any{"version": x.householdV, "reason": "重复录入"}}
		}},
	{route: "POST /households/:id/attachments", back: householdBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/households/" + id(x.household) + "/attachments", form: map[string]string{"kind": "photo"}}
		}},
	{route: "GET /attachments/:id",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/attachments/" + id(x.attachment)}
		}},
	{route: "DELETE /attachments/:id", back: householdBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/attachments/" + id(x.attachment)}
		}},
	{route: "POST /members/:id/transfer", back: householdBack,
		req: func(f *scopeFixture, role string, x *site) call {
			// To a household of the role's own scope: only the member is outside.
			in := f.sites[inside(role)]
			if x == nowhereSite {
				in = f.sites[farVillage]
			}
			return call{path: "/api/v1/members/" + id(x.member) + "/transfer", body: map[string]any{"to_household_id": in.household,
				"relation": "spouse", "reason": "marriage", "from_version": x.householdV, "to_version": in.householdV}}
		}},

	// Campaigns are the district's: every role sees every campaign, so the
	// only campaign outside a scope is one that does not exist.
	{route: "GET /campaigns/:id", req: campaignCall("", nil), in: campaignIn("")},
	{route: "PATCH /campaigns/:id", req: campaignCall("", map[string]any{"version": 1, "report_phone": "12317"})},
	{route: "POST /campaigns/:id/recompute", req: campaignCall("/recompute", map[string]any{})},
	{route: "POST /campaigns/:id/open-lists", req: campaignCall("/open-lists", map[string]any{})},
	{route: "GET /campaigns/:id/lists", req: campaignCall("/lists", nil), in: campaignIn("/lists")},
	{route: "GET /campaigns/:id/cases", req: campaignCall("/cases", nil), in: campaignIn("/cases")},
	{route: "GET /campaigns/:id/national-export", req: campaignCall("/national-export?format=csv", nil), in: campaignIn("/national-export?format=csv")},
	{route: "GET /campaigns/:id/outcomes", req: campaignCall("/outcomes", nil), in: campaignIn("/outcomes")},
	{route: "GET /campaigns/:id/outcomes/export", req: campaignCall("/outcomes/export", nil), in: campaignIn("/outcomes/export")},
	{route: "POST /campaigns/:id/what-if", req: campaignCall("/what-if", map[string]any{})},
	{route: "GET /campaigns/:id/figures", req: campaignCall("/figures", nil), in: campaignIn("/figures")},
	{route: "GET /campaigns/:id/figures/export", req: campaignCall("/figures/export", nil), in: campaignIn("/figures/export")},
	{route: "PUT /campaigns/:id/plans", req: campaignCall("/plans", map[string]any{"plans": []any{}})},
	{route: "GET /campaigns/:id/rates", req: campaignCall("/rates", nil), in: campaignIn("/rates")},
	{route: "GET /campaigns/:id/rates/export", req: campaignCall("/rates/export", nil), in: campaignIn("/rates/export")},
	{route: "PUT /campaigns/:id/threshold", req: campaignCall("/threshold", map[string]any{"percent": "3"})},
	{route: "POST /campaigns/:id/referrals", req: campaignCall("/referrals", map[string]any{"street_code": "530103012",
		"referred_on": "2017-12-20", "referred_to": "discipline_commission"})},

	{route: "GET /village-lists/:id",
		req: func(f *scopeFixture, role string, x *site) call { return call{path: listPath(x, "")} }},
	{route: "POST /village-lists/:id/move-on", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/move-on"), body: map[string]any{"version": x.listV}}
		}},
	{route: "POST /village-lists/:id/send-back", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/send-back"), body: map[string]any{"version": x.listV, "target": "survey", "reason": "入户调查表缺少签字"}}
		}},
	{route: "POST /village-lists/:id/records", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/records"), body: map[string]any{"kind": "analysis_meeting", "held_on": "2017-06-05",
				"group_ids": []int64{}, "body": map[string]any{"chair": "组长", "attendees": "干部", "work_plan": "计划"}}}
		}},
	{route: "POST /village-lists/:id/opinions/:oid/answer", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/opinions/"+id(x.opinion)+"/answer"), body: map[string]any{"answer": "已入户核实"}}
		}},
	{route: "POST /village-lists/:id/files", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/files"), form: map[string]string{}}
		}},
	{route: "GET /village-lists/:id/files/:fid",
		req: func(f *scopeFixture, role string, x *site) call { return call{path: listPath(x, "/files/"+id(x.file))} }},
	{route: "POST /village-lists/:id/notices", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/notices"), body: map[string]any{"posted_on": "2017-06-20", "place": "村委会公示栏",
				"report_phone": "12317", "supervisor": "区纪委", "issued_by": "核查组"}}
		}},
	{route: "GET /village-lists/:id/notice",
		req: func(f *scopeFixture, role string, x *site) call { return call{path: listPath(x, "/notice")} }},
	{route: "GET /village-lists/:id/notice/export",
		req: func(f *scopeFixture, role string, x *site) call { return call{path: listPath(x, "/notice/export")} }},
	{route: "POST /village-lists/:id/reports", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/reports"), body: map[string]any{"received_on": "2017-06-22", "channel": "phone", "content": "反映该户有车"}}
		}},
	{route: "POST /village-lists/:id/reports/:rid/investigation", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/reports/"+id(x.report)+"/investigation"), body: map[string]any{"upheld": false,
				"findings": "经入户核实不属实", "answer": "已电话答复"}}
		}},
	{route: "POST /village-lists/:id/proposals", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: listPath(x, "/proposals"), body: map[string]any{"case_ids": []int64{x.kase}, "accept": true}}
		}},
	{route: "POST /cases/:id/proposal", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/cases/" + id(x.kase) + "/proposal", body: map[string]any{"version": x.kaseV, "accept": true}}
		}},
	{route: "PUT /cases/:id/recovery", back: listBack,
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/cases/" + id(x.kase) + "/recovery", body: map[string]any{"version": x.kaseV, "refuses_exit": true,
				"referral_on": "2017-06-26", "referral_to": "区纪委监委"}}
		}},

	{route: "GET /jobs/:id", owner: "street-530103011",
		req: func(f *scopeFixture, role string, x *site) call {
			if x == nowhereSite && role != "department" {
				return call{path: "/api/v1/jobs/" + id(nowhere)}
			}
			return call{path: "/api/v1/jobs/" + id(f.job)}
		}},

	// The liaison's own routes: another department is outside its scope.
	{route: "GET /departments/:code/datasets", req: deptCall("/datasets", nil), in: deptIn("/datasets")},
	{route: "GET /departments/:code/datasets/:dataset/template", req: deptCall("/datasets/dibao/template", nil), in: deptIn("/datasets/vehicles/template")},
	{route: "POST /departments/:code/imports", req: func(f *scopeFixture, role string, x *site) call {
		return call{path: "/api/v1/departments/" + deptOf(role) + "/imports", form: map[string]string{"dataset": "dibao"}, csv: "身份证号,姓名\n"}
	}, back: func(f *scopeFixture, x *site) []string {
		return []string{"/api/v1/departments/" + otherDept + "/imports"}
	}},
	{route: "GET /departments/:code/imports", req: deptCall("/imports", nil), in: deptIn("/imports")},
	{route: "GET /departments/:code/tasks", req: deptCall("/tasks", nil), in: deptIn("/tasks")},
	{route: "GET /departments/:code/tasks/export", req: deptCall("/tasks/export", nil), in: deptIn("/tasks/export")},
	{route: "POST /departments/:code/tasks/confirm", req: deptCall("/tasks/confirm", map[string]any{"campaign_id": 1, "kind": "household", "all": true})},
	{route: "POST /departments/:code/tasks/correct", req: deptCall("/tasks/correct", map[string]any{"campaign_id": 1, "kind": "household",
		"household_id": 1, "field": "dibao", "value": true, "version": 1})},
	{route: "POST /departments/:code/tasks/dispute", req: deptCall("/tasks/dispute", map[string]any{"campaign_id": 1, "kind": "household",
		"household_id": 1, "field": "dibao", "note": "低保名册中无此户"})},
	{route: "POST /departments/:code/tasks/import", req: func(f *scopeFixture, role string, x *site) call {
		return call{path: "/api/v1/departments/" + deptOf(role) + "/tasks/import", form: map[string]string{"campaign_id": "1"}, csv: "x\n"}
	}},
	{route: "GET /department-imports/:id", req: deptImportCall(""), in: policeImportIn("")},
	{route: "GET /department-imports/:id/report", req: deptImportCall("/report"), in: policeImportIn("/report")},

	{route: "GET /discrepancies/:id", owner: "team-B", req: discrepancyCall("", nil)},
	{route: "POST /discrepancies/:id/resolve", req: discrepancyCall("/resolve", map[string]any{"decision": "keep", "reason": "入户核实，车辆已转卖"}),
		back: func(f *scopeFixture, x *site) []string { return []string{"/api/v1/discrepancies/" + id(f.discrepancy)} }},

	{route: "PUT /officers/:id",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/officers/" + id(x.officer), body: map[string]any{"version": x.officerV, "village_code": x.village,
				"name": "张丽", "appointed_on": "2016-03-01"}}
		},
		back: func(f *scopeFixture, x *site) []string { return []string{"/api/v1/officers"} }},
	{route: "DELETE /officers/:id",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/officers/" + id(x.officer), body: map[string]any{"version": x.officerV, "reason": "调离"}}
		},
		back: func(f *scopeFixture, x *site) []string { return []string{"/api/v1/officers"} }},

	// The check teams' members are the district's alone; the district's
	// object outside is a member of team B named under team A.
	{route: "POST /check-teams/:code/members",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/check-teams/Z/members", body: map[string]any{"name": "李建华", "department": "police", "post": "科员",
				"phone": "13871230000", "role": "member"}}
		}},
	{route: "PUT /check-teams/:code/members/:id",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/check-teams/A/members/" + id(f.teamBMember), body: map[string]any{"version": f.teamBMemberV,
				"name": "李建华", "department": "police", "post": "科员", "role": "member"}}
		},
		back: func(f *scopeFixture, x *site) []string { return []string{"/api/v1/check-teams"} }},
	{route: "DELETE /check-teams/:code/members/:id",
		req: func(f *scopeFixture, role string, x *site) call {
			return call{path: "/api/v1/check-teams/A/members/" + id(f.teamBMember), body: map[string]any{"version": f.teamBMemberV}}
		},
		back: func(f *scopeFixture, x *site) []string { return []string{"/api/v1/check-teams"} }},

	// Inspections are seen by the streets they sampled.
	{route: "GET /inspections/:id", owner: "street-530103011", req: inspectionCall(nil)},
	{route: "PUT /inspections/:id", req: inspectionCall(map[string]any{"body": "provincial", "kind": "supervision",
		"started_on": "2017-11-06", "ended_on": "2017-11-15", "households": []any{}})},
	{route: "DELETE /inspections/:id", req: inspectionCall(map[string]any{"reason": "重复录入"})},
}

func campaignIn(rest string) func(*scopeFixture, string) call {
	return func(*scopeFixture, string) call { return call{path: "/api/v1/campaigns/1" + rest} }
}

func campaignCall(rest string, body map[string]any) func(*scopeFixture, string, *site) call {
	return func(f *scopeFixture, role string, x *site) call {
		c := call{path: "/api/v1/campaigns/" + id(nowhere) + rest}
		if body != nil {
			c.body = body
		}
		return c
	}
}

// deptOf is the department outside the role: another department for the
// liaison, one that does not exist for the district.
func deptOf(role string) string {
	if role == "department" {
		return otherDept
	}
	return "nodept"
}

// deptIn is the same read of the liaison's own department.
func deptIn(rest string) func(*scopeFixture, string) call {
	return func(*scopeFixture, string) call { return call{path: "/api/v1/departments/" + policeSample + rest} }
}

func deptCall(rest string, body map[string]any) func(*scopeFixture, string, *site) call {
	return func(f *scopeFixture, role string, x *site) call {
		c := call{path: "/api/v1/departments/" + deptOf(role) + rest}
		if body != nil {
			c.body = body
		}
		return c
	}
}

func policeImportIn(rest string) func(*scopeFixture, string) call {
	return func(f *scopeFixture, _ string) call {
		return call{path: "/api/v1/department-imports/" + id(f.policeImport) + rest}
	}
}

func deptImportCall(rest string) func(*scopeFixture, string, *site) call {
	return func(f *scopeFixture, role string, x *site) call {
		n := int64(nowhere)
		if role == "department" {
			n = f.civilImport
		}
		return call{path: "/api/v1/department-imports/" + id(n) + rest}
	}
}

func discrepancyCall(rest string, body map[string]any) func(*scopeFixture, string, *site) call {
	return func(f *scopeFixture, role string, x *site) call {
		n := int64(nowhere)
		if x != nowhereSite {
			n = f.discrepancy
		}
		c := call{path: "/api/v1/discrepancies/" + id(n) + rest}
		if body != nil {
			c.body = body
		}
		return c
	}
}

func inspectionCall(body map[string]any) func(*scopeFixture, string, *site) call {
	return func(f *scopeFixture, role string, x *site) call {
		n, v := int64(nowhere), int64(1)
		if x != nowhereSite {
			n, v = f.inspection, f.inspectionV
		}
		c := call{path: "/api/v1/inspections/" + id(n)}
		if body != nil {
			b := map[string]any{"version": v}
			for k, val := range body {
				b[k] = val
			}
			c.body = b
		}
		return c
	}
}

// householdInput is the household's own record as an edit of it: the
// full record without the fields the server keeps.
func (f *scopeFixture) householdInput(x *site) map[string]any {
	r := f.s.do(req{method: "GET", path: "/api/v1/households/" + id(x.household), token: f.tokens["district"]})
	var h map[string]any
	if r.Code != http.StatusOK || json.Unmarshal(r.Body.Bytes(), &h) != nil {
		// nowhere: any well-formed edit
		return householdBody("NOWHERE-1", nowhereCode, personID("1960-01-01", 1))
	}
	for _, k := range []string{"id", "street_code", "net_income", "per_capita_income", "household_size", "created_at", "created_by", "updated_at", "updated_by"} {
		delete(h, k)
	}
	return h
}

func routeMethod(route string) string { m, _, _ := strings.Cut(route, " "); return m }

// TestObjectRoutesAreScoped: for every route with an object in its path
// and every scoped role allowed on it, an object outside the caller's scope
// answers 404 (never 403 or 200) and a write leaves it as it was; the same
// read of an object inside the scope answers 200, so that a route that
// always says 404 fails too.
func TestObjectRoutesAreScoped(t *testing.T) {
	// Every object route has a row.
	rows := map[string]scopeRow{}
	for _, r := range scopeRows {
		rows[r.route] = r
	}
	for _, r := range api.Routes() {
		if !strings.Contains(r.Path, ":") {
			continue
		}
		if _, ok := rows[r.Method+" "+r.Path]; !ok {
			t.Errorf("route %s %s has an object parameter but no row in scopeRows", r.Method, r.Path)
		}
	}
	if t.Failed() {
		return
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		for _, row := range scopeRows {
			if row.exempt != "" {
				continue
			}
			method := routeMethod(row.route)
			allowed := authorization[method+" /api/v1"+strings.TrimPrefix(row.route, method+" ")]
			for _, role := range scopedRoles {
				if !slices.Contains(allowed, role) || row.skip[role] != "" {
					continue
				}
				x := nowhereSite
				if v := outside(role); v != "" {
					x = f.sites[v]
				}
				// Routes without a region object: the liaison's reach
				// through another department, the rest through nowhere.
				c := row.req(f, role, x)
				var before []string
				if row.back != nil && x != nowhereSite {
					before = f.snapshot(t, row.back(f, x))
				}
				r := f.send(method, c, f.tokens[role])
				if r.Code != http.StatusNotFound {
					t.Errorf("%s as %s on %s: %d %s, want 404", row.route, role, c.path, r.Code, strings.TrimSpace(r.Body.String()))
				}
				if before != nil {
					if after := f.snapshot(t, row.back(f, x)); !slices.Equal(before, after) {
						t.Errorf("%s as %s outside its scope changed the object", row.route, role)
					}
				}
				// The same read in scope answers.
				switch {
				case method != "GET":
				case row.in != nil:
					if r := f.send(method, row.in(f, role), f.tokens[role]); r.Code != http.StatusOK {
						t.Errorf("%s as %s in its scope: %d %s", row.route, role, r.Code, strings.TrimSpace(r.Body.String()))
					}
				case x == nowhereSite:
				case row.owner != "":
					if r := f.send(method, c, f.s.as(row.owner).token); r.Code != http.StatusOK {
						t.Errorf("%s as its owner %s: %d %s", row.route, row.owner, r.Code, strings.TrimSpace(r.Body.String()))
					}
				default:
					in := row.req(f, role, f.sites[inside(role)])
					if r := f.send(method, in, f.tokens[role]); r.Code != http.StatusOK {
						t.Errorf("%s as %s in its scope (%s): %d %s", row.route, role, in.path, r.Code, strings.TrimSpace(r.Body.String()))
					}
				}
			}
		}

		// A child object is reached only through its own parent: another
		// list's file is not found, even to a role that sees both lists.
		// (Reports and opinions are read by list and id too, but only a
		// list at the notice or the party meeting gets that far.)
		near, far := f.sites[nearVillage], f.sites[farVillage]
		district := f.tokens["district"]
		if r := f.s.do(req{method: "GET", path: listPath(near, "/files/"+id(far.file)), token: district}); r.Code != http.StatusNotFound {
			t.Errorf("another list's file through a list: %d", r.Code)
		}
		if r := f.s.do(req{method: "GET", path: listPath(near, "/files/"+id(near.file)), token: district}); r.Code != http.StatusOK {
			t.Errorf("the list's own file: %d", r.Code)
		}
	})
}

// TestObjectsNamedInBodiesAreScoped: an object named in a request body
// (a case, a household, an officer, a member, a record) that is outside the
// caller's scope or not the path object's own is refused, naming the field,
// and nothing changes.
func TestObjectsNamedInBodiesAreScoped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		near, far, own := f.sites[nearVillage], f.sites[farVillage], f.sites[ownVillage]
		teamB := f.s.as("team-B").token
		cases := []struct {
			name   string
			as     string // token
			method string
			c      call
			status int
			field  string // the detail that names the object
			back   []string
		}{
			{"a case of another list in a batch proposal", f.tokens["check_team"], "POST",
				call{path: listPath(near, "/proposals"), body: map[string]any{"case_ids": []int64{far.kase}, "accept": true}},
				422, "case_ids", []string{listPath(near, ""), listPath(far, "")}},
			{"a household of another village in a survey record", f.tokens["check_team"], "POST",
				call{path: listPath(own, "/records"), body: map[string]any{"kind": "survey", "held_on": "2017-06-10", "household_ids": []int64{near.household},
					"body": map[string]any{"surveyors": "李建华、王海燕"}}},
				422, "household_ids", []string{listPath(own, ""), listPath(near, "")}},
			{"a case of another list in a report", teamB, "POST",
				call{path: listPath(far, "/reports"), body: map[string]any{"received_on": "2017-06-22", "channel": "phone", "content": "反映该户有车", "case_ids": []int64{near.kase}}},
				422, "case_ids", []string{listPath(far, ""), listPath(near, "")}},
			{"a case of another list in an investigation", teamB, "POST",
				call{path: listPath(far, "/reports/"+id(far.report)+"/investigation"), body: map[string]any{"upheld": true, "findings": "经核查属实",
					"answer": "已答复", "changes": []any{map[string]any{"case_id": near.kase, "proposal": "keep"}}}},
				422, "changes[0].case_id", []string{listPath(far, ""), listPath(near, "")}},
			{"an officer of another street at a training", f.tokens["street"], "POST",
				call{path: "/api/v1/trainings", body: map[string]any{"held_on": "2017-05-20", "topic": "动态管理业务培训", "trainer": "阿子营街道",
					"hours": "4", "street": "530103012", "attendees": []int64{far.officer}}},
				422, "attendees", []string{"/api/v1/trainings"}},
			{"a member of another household on an attachment", f.tokens["village_officer"], "POST",
				call{path: "/api/v1/households/" + id(own.household) + "/attachments", form: map[string]string{"kind": "photo", "member_id": id(near.member)}},
				422, "member_id", householdBack(f, own)},
			{"another village's officer account in the directory", f.tokens["street"], "POST",
				call{path: "/api/v1/officers", body: map[string]any{"village_code": nearVillage, "name": "王海燕", "phone": "13987160001",
					"username": "officer-" + farVillage, "appointed_on": "2017-03-01"}},
				422, "username", []string{"/api/v1/officers"}},
			{"a village outside the street in a recompute", f.tokens["street"], "POST",
				call{path: "/api/v1/campaigns/1/recompute", body: map[string]any{"village": farVillage}},
				422, "street", []string{"/api/v1/campaigns/1"}},
		}
		for _, c := range cases {
			before := f.snapshot(t, c.back)
			r := f.send(c.method, c.c, c.as)
			var body struct {
				Error struct {
					Details []struct {
						Field string `json:"field"`
					} `json:"details"`
				} `json:"error"`
			}
			_ = json.Unmarshal(r.Body.Bytes(), &body)
			named := slices.ContainsFunc(body.Error.Details, func(d struct {
				Field string `json:"field"`
			}) bool {
				return d.Field == c.field
			})
			if r.Code != c.status || !named {
				t.Errorf("%s: %d %s, want %d naming %s", c.name, r.Code, strings.TrimSpace(r.Body.String()), c.status, c.field)
			}
			if after := f.snapshot(t, c.back); !slices.Equal(before, after) {
				t.Errorf("%s changed something", c.name)
			}
		}
	})
}
