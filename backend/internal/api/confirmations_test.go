package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/departments"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type taskField struct {
	Key        string  `json:"key"`
	Label      string  `json:"label"`
	MemberID   int64   `json:"member_id"`
	MemberName string  `json:"member_name"`
	Value      *string `json:"value"`
	Display    string  `json:"display"`
	State      string  `json:"state"`
	Note       string  `json:"note"`
	By         string  `json:"by"`
}

type taskItem struct {
	HouseholdID int64  `json:"household_id"`
	Code        string `json:"code"`
	Version     int64  `json:"version"`
	VillageCode string `json:"village_code"`
	VillageName string `json:"village_name"`
	StreetName  string `json:"street_name"`
	Members     []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
	} `json:"members"`
	Fields []taskField `json:"fields"`
}

type taskPage struct {
	Items      []taskItem       `json:"items"`
	Total      int64            `json:"total"`
	CampaignID int64            `json:"campaign_id"`
	Counts     map[string]int64 `json:"counts"`
}

func (it taskItem) field(key string, member int64) *taskField {
	for i := range it.Fields {
		if it.Fields[i].Key == key && it.Fields[i].MemberID == member {
			return &it.Fields[i]
		}
	}
	return nil
}

func (s *testServer) tasks(token, code, query string) taskPage {
	s.t.Helper()
	r := s.do(req{method: "GET", path: "/api/v1/departments/" + code + "/tasks?" + query, token: token})
	if r.Code != http.StatusOK {
		s.t.Fatalf("tasks %s %s: %d %s", code, query, r.Code, r.Body)
	}
	var p taskPage
	r.json(s.t, &p)
	return p
}

type createdHousehold struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
	Members []struct {
		ID       int64  `json:"id"`
		IDNumber string `json:"id_number"`
		Name     string `json:"name"`
		Health   string `json:"health"`
	} `json:"members"`
}

func TestDepartmentConfirmations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		police, health, district := s.as("dept-police"), s.as("dept-health"), s.as("district")

		var hs []createdHousehold
		for i, ids := range [][]string{{personID("1951-10-08", 1), personID("1952-01-04", 2)}, {personID("1970-03-03", 5)}} {
			body := householdBody(fmt.Sprintf("530103012004-C%02d", i+1), "530103012004", ids...)
			body["phone"] = "13812345678"
			r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: body})
			if r.Code != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Code, r.Body)
			}
			var h createdHousehold
			r.json(t, &h)
			hs = append(hs, h)
		}
		h1 := hs[0]

		// Responsibilities: the department's own list, complete; another
		// department's code is refused to a liaison, allowed to the district.
		r := s.do(req{method: "GET", path: "/api/v1/departments/police/responsibilities", token: police.token})
		var resp struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			Fields []struct {
				Key     string `json:"key"`
				Table   string `json:"table"`
				Label   string `json:"label"`
				Kind    string `json:"kind"`
				Choices []struct {
					Code  string `json:"code"`
					Label string `json:"label"`
				} `json:"choices"`
			} `json:"fields"`
		}
		r.json(t, &resp)
		want, _ := departments.Responsibilities("police")
		if r.Code != 200 || resp.Name != "区公安分局" || len(resp.Fields) != len(want) {
			t.Fatalf("police responsibilities: %d %s", r.Code, r.Body)
		}
		for i, f := range resp.Fields {
			if f.Key != want[i].Key || f.Label == "" || f.Table != want[i].Table() || (f.Kind == "enum") != (len(f.Choices) > 0) {
				t.Errorf("field %d: %+v", i, f)
			}
		}
		if r := s.do(req{method: "GET", path: "/api/v1/departments/health/responsibilities", token: police.token}); r.Code != 404 || r.errCode(t) != "not_found" {
			t.Fatalf("police reads health's list: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/departments/health/responsibilities", token: district.token}); r.Code != 200 {
			t.Fatalf("district reads health's list: %d", r.Code)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/departments/nope/responsibilities", token: district.token}); r.Code != 404 {
			t.Fatalf("unknown department: %d", r.Code)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/departments/health/tasks", token: police.token}); r.Code != 404 {
			t.Fatalf("police reads health's inbox: %d", r.Code)
		}

		// The police inbox: both households, only police's fields, the
		// members' full ID numbers to match, nothing of health or income.
		p := s.tasks(police.token, "police", "")
		// 2 household fields each, 7 member fields for each of 3 members.
		if p.Total != 2 || p.Counts["pending"] != 2*2+3*7 || p.CampaignID == 0 {
			t.Fatalf("police inbox: %+v", p)
		}
		raw := s.do(req{method: "GET", path: "/api/v1/departments/police/tasks", token: police.token}).Body.String()
		if !strings.Contains(raw, personID("1951-10-08", 1)) || !strings.Contains(raw, "鼠街") {
			t.Fatalf("ID numbers or place missing: %s", raw)
		}
		for _, leak := range []string{"health", "healthy", "income", "5700", "medical_insured", "13812345678", "phone", "housing", "dibao", "food_secure"} {
			if strings.Contains(raw, leak) {
				t.Errorf("the police inbox shows %q: %s", leak, raw)
			}
		}
		for _, it := range p.Items {
			for _, f := range it.Fields {
				if departments.OwnerOf(f.Key) != "police" {
					t.Errorf("police sees %s", f.Key)
				}
			}
		}
		// The read is audited per household.
		audit := s.as("auditor")
		r = s.do(req{method: "GET", path: "/api/v1/audit-events?action=household.read&username=dept-police", token: audit.token})
		if !strings.Contains(r.Body.String(), `"total":`) || strings.Contains(r.Body.String(), `"total":0`) {
			t.Fatalf("tasks read not audited: %s", r.Body)
		}

		// Health cannot confirm police's fields.
		r = s.do(req{method: "POST", path: "/api/v1/departments/health/tasks/confirm", token: health.token,
			body: map[string]any{"kind": "household", "items": []map[string]any{{"household_id": h1.ID, "field": "members.id_number", "member_id": h1.Members[0].ID}}}})
		if r.Code != 403 {
			t.Fatalf("health confirms police's field: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "GET", path: "/api/v1/audit-events?action=access.denied&username=dept-health", token: audit.token})
		if !strings.Contains(r.Body.String(), "members.id_number") {
			t.Fatalf("refused confirmation not audited: %s", r.Body)
		}
		// Nor the police health's inbox (another department is outside its
		// scope: not found); the district reads, never writes.
		r = s.do(req{method: "POST", path: "/api/v1/departments/health/tasks/confirm", token: police.token, body: map[string]any{"kind": "household", "all": true}})
		if r.Code != 404 {
			t.Fatalf("police confirms for health: %d", r.Code)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/departments/police/tasks/confirm", token: district.token, body: map[string]any{"all": true}}); r.Code != 403 {
			t.Fatalf("district confirms: %d", r.Code)
		}
		if p := s.tasks(district.token, "health", ""); p.Total != 2 {
			t.Fatalf("district reads health's inbox: %+v", p)
		}

		// Bulk: every pending field of police in the village.
		r = s.do(req{method: "POST", path: "/api/v1/departments/police/tasks/confirm", token: police.token,
			body: map[string]any{"kind": "household", "all": true, "village": "530103012004"}})
		var conf struct {
			Confirmed int `json:"confirmed"`
		}
		r.json(t, &conf)
		if r.Code != 200 || conf.Confirmed != 25 {
			t.Fatalf("bulk confirm: %d %s", r.Code, r.Body)
		}
		p = s.tasks(police.token, "police", "")
		if p.Total != 0 || p.Counts["pending"] != 0 || p.Counts["confirmed"] != 25 {
			t.Fatalf("after bulk confirm: %+v", p)
		}
		p = s.tasks(police.token, "police", "state=confirmed&q=C01")
		if p.Total != 1 || p.Items[0].field("members.name", h1.Members[0].ID).State != "confirmed" || p.Items[0].field("members.name", h1.Members[0].ID).By != "dept-police" {
			t.Fatalf("confirmed list: %+v", p)
		}

		// Health confirms one field by item.
		r = s.do(req{method: "POST", path: "/api/v1/departments/health/tasks/confirm", token: health.token,
			body: map[string]any{"kind": "household", "items": []map[string]any{{"household_id": h1.ID, "field": "members.disease", "member_id": h1.Members[1].ID}}}})
		if r.Code != 200 || !strings.Contains(r.Body.String(), `"confirmed":1`) {
			t.Fatalf("item confirm: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/departments/health/tasks/confirm", token: health.token,
			body: map[string]any{"kind": "household", "items": []map[string]any{{"household_id": h1.ID, "field": "members.disease"}}}}); r.Code != 422 {
			t.Fatalf("member field without member: %d", r.Code)
		}

		// A correction goes through the household service: version + 1,
		// audited, the outcome recomputed on the new version.
		r = s.do(req{method: "POST", path: "/api/v1/departments/health/tasks/correct", token: health.token,
			body: map[string]any{"kind": "household", "household_id": h1.ID, "field": "members.health", "member_id": h1.Members[0].ID,
				"value": "患有大病", "note": "2017年确诊", "version": h1.Version}})
		var item taskItem
		r.json(t, &item)
		f := item.field("members.health", h1.Members[0].ID)
		if r.Code != 200 || item.Version != h1.Version+1 || f == nil || f.State != "corrected" || f.Value == nil || *f.Value != "major_disease" ||
			f.Display != "患有大病" || f.Note != "2017年确诊" {
			t.Fatalf("correct: %d %s", r.Code, r.Body)
		}
		if item.field("members.disease", h1.Members[1].ID).State != "confirmed" {
			t.Fatalf("another field's confirmation lost: %s", r.Body)
		}
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d", h1.ID), token: district.token})
		if !strings.Contains(r.Body.String(), `"health":"major_disease"`) || !strings.Contains(r.Body.String(), fmt.Sprintf(`"version":%d`, h1.Version+1)) {
			t.Fatalf("household after correction: %s", r.Body)
		}
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/history", h1.ID), token: district.token})
		if !strings.Contains(r.Body.String(), `"username":"dept-health"`) || !strings.Contains(r.Body.String(), "household.update") {
			t.Fatalf("correction not in the history: %s", r.Body)
		}
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/outcome", h1.ID), token: district.token})
		if !strings.Contains(r.Body.String(), fmt.Sprintf(`"household_version":%d`, h1.Version+1)) {
			t.Fatalf("outcome not recomputed: %s", r.Body)
		}
		// The same version again: 409, nothing written.
		r = s.do(req{method: "POST", path: "/api/v1/departments/health/tasks/correct", token: health.token,
			body: map[string]any{"kind": "household", "household_id": h1.ID, "field": "members.health", "member_id": h1.Members[0].ID,
				"value": "chronic", "version": h1.Version}})
		if r.Code != 409 || r.errCode(t) != "version_conflict" {
			t.Fatalf("stale correction: %d %s", r.Code, r.Body)
		}
		// Same value: nothing to correct; a bad value is named.
		for _, v := range []string{"major_disease", "很健康"} {
			r = s.do(req{method: "POST", path: "/api/v1/departments/health/tasks/correct", token: health.token,
				body: map[string]any{"kind": "household", "household_id": h1.ID, "field": "members.health", "member_id": h1.Members[0].ID,
					"value": v, "version": h1.Version + 1}})
			if r.Code != 422 {
				t.Fatalf("correction to %q: %d %s", v, r.Code, r.Body)
			}
		}

		// The police corrects a list: a 45,000-yuan car the survey missed.
		// The outcome follows it (EX-03).
		before := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/outcome", h1.ID), token: district.token}).Body.String()
		r = s.do(req{method: "POST", path: "/api/v1/departments/police/tasks/correct", token: police.token,
			body: map[string]any{"kind": "household", "household_id": h1.ID, "field": "vehicles", "version": h1.Version + 1,
				"value": []map[string]any{{"value": "45000", "acquired_on": "2016-05-01", "plate": "云A12345", "exit_measure": false}}, "note": "车管所登记"}})
		if r.Code != 200 {
			t.Fatalf("vehicle correction: %d %s", r.Code, r.Body)
		}
		r.json(t, &item)
		if f := item.field("vehicles", 0); f.State != "corrected" || !strings.Contains(f.Display, "云A12345") {
			t.Fatalf("vehicle correction: %s", r.Body)
		}
		after := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/outcome", h1.ID), token: district.token}).Body.String()
		if !strings.Contains(after, `"EX-03"`) || before == after || !strings.Contains(after, fmt.Sprintf(`"household_version":%d`, h1.Version+2)) {
			t.Fatalf("outcome did not follow the car:\nbefore %s\nafter %s", before, after)
		}

		// An edit resets what it changed (and only that) to pending.
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d", h1.ID), token: officer.token})
		var full map[string]any
		r.json(t, &full)
		members := full["members"].([]any)
		members[1].(map[string]any)["name"] = "李四"
		edit := map[string]any{}
		for k, v := range full {
			switch k {
			case "id", "street_code", "net_income", "per_capita_income", "household_size", "created_at", "created_by", "updated_at", "updated_by":
			default:
				edit[k] = v
			}
		}
		r = s.do(req{method: "PUT", path: fmt.Sprintf("/api/v1/households/%d", h1.ID), token: officer.token, body: edit})
		if r.Code != 200 {
			t.Fatalf("edit: %d %s", r.Code, r.Body)
		}
		p = s.tasks(police.token, "police", "q=C01&state=all")
		it := p.Items[0]
		if it.field("members.name", h1.Members[1].ID).State != "pending" || it.field("members.name", h1.Members[0].ID).State != "confirmed" ||
			it.field("members.id_number", h1.Members[1].ID).State != "confirmed" || it.field("vehicles", 0).State != "corrected" {
			t.Fatalf("after the edit: %+v", it.Fields)
		}
		if p := s.tasks(police.token, "police", ""); p.Total != 1 || p.Counts["pending"] != 1 || len(p.Items[0].Fields) != 1 {
			t.Fatalf("pending after the edit: %+v", p)
		}
		hp := s.tasks(health.token, "health", "q=C01&state=all")
		if hp.Items[0].field("members.health", h1.Members[0].ID).State != "corrected" {
			t.Fatalf("an unrelated edit reset health's correction: %+v", hp.Items[0].Fields)
		}

		// A dispute needs its reason.
		r = s.do(req{method: "POST", path: "/api/v1/departments/police/tasks/dispute", token: police.token,
			body: map[string]any{"kind": "household", "household_id": hs[1].ID, "field": "hukou"}})
		if r.Code != 422 {
			t.Fatalf("dispute without reason: %d", r.Code)
		}
		r = s.do(req{method: "POST", path: "/api/v1/departments/police/tasks/dispute", token: police.token,
			body: map[string]any{"kind": "household", "household_id": hs[1].ID, "field": "hukou", "note": "户籍系统为非农业户口"}})
		r.json(t, &item)
		if r.Code != 200 || item.field("hukou", 0).State != "disputed" || item.field("hukou", 0).Note != "户籍系统为非农业户口" {
			t.Fatalf("dispute: %d %s", r.Code, r.Body)
		}
		if p := s.tasks(police.token, "police", "state=disputed"); p.Total != 1 || p.Counts["disputed"] != 1 {
			t.Fatalf("disputed list: %+v", p)
		}
	})
}

// readSheet opens an exported XLSX.
func readSheet(t *testing.T, data []byte) (*excelize.File, [][]string) {
	t.Helper()
	book, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(book.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return book, rows
}

func TestConfirmationSheetRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer, police := s.as("officer-530103012004"), s.as("dept-police")
		head, spouse := personID("1951-10-08", 1), personID("1952-01-04", 2)
		r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: householdBody("530103012004-X01", "530103012004", head, spouse)})
		var h createdHousehold
		r.json(t, &h)
		r = s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: householdBody("530103012004-X02", "530103012004", personID("1980-02-02", 7))})
		if r.Code != 201 {
			t.Fatal(r.Body)
		}

		x := s.do(req{method: "GET", path: "/api/v1/departments/police/tasks/export", token: police.token})
		if x.Code != 200 || !strings.Contains(x.Header().Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("export: %d %s", x.Code, x.Body)
		}
		book, rows := readSheet(t, x.Body.Bytes())
		if want := []string{"户编号", "成员身份证号", "字段", "当前值", "处理(确认/更正/有异议)", "更正值", "说明"}; !slices.Equal(rows[0], want) {
			t.Fatalf("header %v", rows[0])
		}
		if len(rows) != 1+2*2+3*7 {
			t.Fatalf("%d rows", len(rows))
		}
		sheet := book.GetSheetList()[0]
		set := func(row int, action, value, note string) {
			_ = book.SetCellStr(sheet, fmt.Sprintf("E%d", row), action)
			_ = book.SetCellStr(sheet, fmt.Sprintf("F%d", row), value)
			_ = book.SetCellStr(sheet, fmt.Sprintf("G%d", row), note)
		}
		find := func(code, id, label string) int {
			for i, r := range rows {
				if len(r) >= 3 && r[0] == code && (len(r) > 1 && r[1] == id) && r[2] == label {
					return i + 1
				}
			}
			t.Fatalf("no row %s %s %s", code, id, label)
			return 0
		}
		save := func() []byte {
			var buf bytes.Buffer
			if err := book.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		counts := func() map[string]int64 { return s.tasks(police.token, "police", "").Counts }
		pending := counts()["pending"]

		// A bad sheet: every problem reported, nothing recorded.
		set(find("530103012004-X01", "", "户籍性质"), "确定", "", "")                      // not an action
		set(find("530103012004-X01", head, "姓名"), "更正", "", "")                      // correction without a value
		set(find("530103012004-X01", spouse, "性别"), "更正", "不详", "")                  // not a choice
		set(find("530103012004-X01", spouse, "出生日期"), "有异议", "", "")                 // dispute without reason
		set(find("530103012004-X02", personID("1980-02-02", 7), "民族"), "确认", "", "") // fine
		_ = book.SetCellStr(sheet, fmt.Sprintf("A%d", len(rows)+1), "NO-SUCH")
		_ = book.SetCellStr(sheet, fmt.Sprintf("C%d", len(rows)+1), "健康状况")
		_ = book.SetCellStr(sheet, fmt.Sprintf("E%d", len(rows)+1), "确认")
		r = s.upload(police.token, "/api/v1/departments/police/tasks/import", "", "核实清单.xlsx", save())
		var rej struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
			Report struct {
				Problems []struct {
					Row    int    `json:"row"`
					Column string `json:"column"`
					Value  string `json:"value"`
					Reason string `json:"reason"`
				} `json:"problems"`
			} `json:"report"`
		}
		r.json(t, &rej)
		if r.Code != 422 || rej.Error.Code != "validation_failed" || len(rej.Report.Problems) < 6 {
			t.Fatalf("bad sheet: %d %s", r.Code, r.Body)
		}
		got := map[string]bool{}
		for _, p := range rej.Report.Problems {
			if p.Row < 2 || p.Column == "" || p.Reason == "" {
				t.Errorf("problem not located: %+v", p)
			}
			got[p.Column] = true
		}
		for _, col := range []string{"户编号", "字段", "处理(确认/更正/有异议)", "更正值", "说明"} {
			if !got[col] {
				t.Errorf("no problem in column %s: %s", col, r.Body)
			}
		}
		if c := counts(); c["pending"] != pending || c["confirmed"] != 0 {
			t.Fatalf("a refused sheet recorded something: %v", c)
		}

		// The good sheet: confirm, correct, dispute.
		book, rows = readSheet(t, x.Body.Bytes())
		sheet = book.GetSheetList()[0]
		set(find("530103012004-X01", "", "户籍性质"), "确认", "", "")
		set(find("530103012004-X01", spouse, "姓名"), "更正", "王秀英", "户籍信息")
		set(find("530103012004-X01", spouse, "民族"), "有异议", "", "户籍登记为彝族")
		set(find("530103012004-X02", personID("1980-02-02", 7), "成员状态（在户、死亡、失踪、迁出）"), "确认", "", "")
		r = s.upload(police.token, "/api/v1/departments/police/tasks/import", "", "核实清单.xlsx", save())
		if r.Code != 200 || !strings.Contains(r.Body.String(), `"confirmed":2`) || !strings.Contains(r.Body.String(), `"corrected":1`) ||
			!strings.Contains(r.Body.String(), `"disputed":1`) {
			t.Fatalf("good sheet: %d %s", r.Code, r.Body)
		}
		p := s.tasks(police.token, "police", "state=all&q=X01")
		it := p.Items[0]
		if it.Version != h.Version+1 || it.field("members.name", h.Members[1].ID).State != "corrected" ||
			*it.field("members.name", h.Members[1].ID).Value != "王秀英" || it.field("members.ethnicity", h.Members[1].ID).State != "disputed" ||
			it.field("hukou", 0).State != "confirmed" {
			t.Fatalf("after the sheet: %+v", it)
		}
		// The same sheet again: 当前值 of the corrected name is stale now.
		r = s.upload(police.token, "/api/v1/departments/police/tasks/import", "", "核实清单.xlsx", save())
		if r.Code != 422 || !strings.Contains(r.Body.String(), "重新下载") {
			t.Fatalf("stale sheet: %d %s", r.Code, r.Body)
		}
		// Not a spreadsheet at all.
		r = s.upload(police.token, "/api/v1/departments/police/tasks/import", "", "x.csv", []byte("a,b\n"))
		if r.Code != 422 {
			t.Fatalf("csv: %d %s", r.Code, r.Body)
		}
	})
}

func TestVillageFactsAndVillageConfirmations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer, other, agri, police := s.as("officer-530103012004"), s.as("officer-530103011001"), s.as("dept-agri"), s.as("dept-police")
		path := "/api/v1/villages/530103012004/facts"

		r := s.do(req{method: "GET", path: path, token: officer.token})
		if r.Code != 200 || !strings.Contains(r.Body.String(), `"version":0`) || !strings.Contains(r.Body.String(), `"village_name":"鼠街村委会"`) {
			t.Fatalf("empty facts: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "GET", path: path, token: other.token}); r.Code != 404 {
			t.Fatalf("another village's officer: %d", r.Code)
		}
		if r := s.do(req{method: "PUT", path: path, token: other.token, body: map[string]any{"version": 0}}); r.Code != 404 {
			t.Fatalf("another village's officer writes: %d", r.Code)
		}
		if r := s.do(req{method: "GET", path: path, token: police.token}); r.Code != 200 {
			t.Fatalf("a department reads: %d", r.Code)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/villages/999999999999/facts", token: s.as("district").token}); r.Code != 404 {
			t.Fatalf("unknown village: %d", r.Code)
		}

		body := map[string]any{"version": 0, "households": 120, "population": 480, "poor_households": 30, "poor_people": 110,
			"poor_village": "exited", "poor_village_exit_year": 2016, "collective_income": "52000.5", "cooperatives": 2,
			"road_to_village": true, "broadband": false, "resident_work_team": "区农林局驻村工作队"}
		r = s.do(req{method: "PUT", path: path, token: officer.token, body: body})
		if r.Code != 200 || !strings.Contains(r.Body.String(), `"version":1`) || !strings.Contains(r.Body.String(), `"collective_income":"52000.5"`) {
			t.Fatalf("put: %d %s", r.Code, r.Body)
		}
		// The same version again: 409, nothing written.
		body["households"] = 121
		if r := s.do(req{method: "PUT", path: path, token: officer.token, body: body}); r.Code != 409 || r.errCode(t) != "version_conflict" {
			t.Fatalf("stale put: %d %s", r.Code, r.Body)
		}
		body["version"], body["poor_households"], body["collective_income"] = 1, 200, "-1"
		r = s.do(req{method: "PUT", path: path, token: officer.token, body: body})
		if r.Code != 422 || !strings.Contains(r.Body.String(), "poor_households") || !strings.Contains(r.Body.String(), "collective_income") {
			t.Fatalf("invalid put: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "PUT", path: path, token: officer.token, body: map[string]any{"version": 1, "colour": "red"}}); r.Code != 400 {
			t.Fatalf("unknown field: %d", r.Code)
		}
		if r := s.do(req{method: "PUT", path: path, token: police.token, body: map[string]any{"version": 1}}); r.Code != 403 {
			t.Fatalf("a department writes the village table: %d", r.Code)
		}

		// Agriculture's village fields: collective income and cooperatives.
		p := s.tasks(agri.token, "agri", "kind=village&village=530103012004")
		if p.Total != 1 || len(p.Items[0].Fields) != 2 || p.Items[0].Version != 1 || p.Items[0].HouseholdID != 0 || p.Items[0].Members != nil {
			t.Fatalf("agri village inbox: %+v", p)
		}
		if f := p.Items[0].field("village.collective_income", 0); f == nil || *f.Value != "52000.50" {
			t.Fatalf("collective income: %+v", p.Items[0].Fields)
		}
		r = s.do(req{method: "POST", path: "/api/v1/departments/agri/tasks/confirm", token: agri.token,
			body: map[string]any{"kind": "village", "items": []map[string]any{{"village_code": "530103012004", "field": "village.cooperatives"}}}})
		if r.Code != 200 || !strings.Contains(r.Body.String(), `"confirmed":1`) {
			t.Fatalf("village confirm: %d %s", r.Code, r.Body)
		}
		// Another department's village field: 403.
		r = s.do(req{method: "POST", path: "/api/v1/departments/agri/tasks/confirm", token: agri.token,
			body: map[string]any{"kind": "village", "items": []map[string]any{{"village_code": "530103012004", "field": "village.broadband"}}}})
		if r.Code != 403 {
			t.Fatalf("agri confirms telecom's field: %d", r.Code)
		}
		// A correction through the village service: version + 1, audited.
		r = s.do(req{method: "POST", path: "/api/v1/departments/agri/tasks/correct", token: agri.token,
			body: map[string]any{"kind": "village", "village_code": "530103012004", "field": "village.collective_income", "value": 61000, "version": 1, "note": "2016年决算"}})
		var item taskItem
		r.json(t, &item)
		if r.Code != 200 || item.Version != 2 || item.field("village.collective_income", 0).State != "corrected" ||
			*item.field("village.collective_income", 0).Value != "61000.00" {
			t.Fatalf("village correction: %d %s", r.Code, r.Body)
		}
		// An edit of the cooperatives resets agri's confirmation of it.
		r = s.do(req{method: "GET", path: path, token: officer.token})
		var facts map[string]any
		r.json(t, &facts)
		in := map[string]any{}
		for k, v := range facts {
			switch k {
			case "village_code", "village_name", "street_code", "street_name", "updated_at", "updated_by":
			default:
				in[k] = v
			}
		}
		in["cooperatives"] = 3
		if r := s.do(req{method: "PUT", path: path, token: officer.token, body: in}); r.Code != 200 {
			t.Fatalf("edit: %d %s", r.Code, r.Body)
		}
		p = s.tasks(agri.token, "agri", "kind=village&village=530103012004&state=all")
		if p.Items[0].field("village.cooperatives", 0).State != "pending" || p.Items[0].field("village.collective_income", 0).State != "corrected" {
			t.Fatalf("after the village edit: %+v", p.Items[0].Fields)
		}
		r = s.do(req{method: "GET", path: "/api/v1/audit-events?action=village_facts.update", token: s.as("auditor").token})
		if !strings.Contains(r.Body.String(), `"total":3`) {
			t.Fatalf("village edits not audited: %s", r.Body)
		}

		// Village sheet round trip.
		x := s.do(req{method: "GET", path: "/api/v1/departments/agri/tasks/export?kind=village&village=530103012004", token: agri.token})
		book, rows := readSheet(t, x.Body.Bytes())
		if rows[0][0] != "行政村代码" || len(rows) != 2 || rows[1][2] != "农民专业合作社数" || rows[1][3] != "3" {
			t.Fatalf("village sheet: %v", rows)
		}
		sheet := book.GetSheetList()[0]
		_ = book.SetCellStr(sheet, "E2", "确认")
		var buf bytes.Buffer
		_ = book.Write(&buf)
		r = s.upload(agri.token, "/api/v1/departments/agri/tasks/import", "", "村表核实.xlsx", buf.Bytes())
		if r.Code != 200 || !strings.Contains(r.Body.String(), `"confirmed":1`) {
			t.Fatalf("village sheet upload: %d %s", r.Code, r.Body)
		}
		if p := s.tasks(agri.token, "agri", "kind=village&village=530103012004"); p.Total != 0 || p.Counts["pending"] != 0 {
			t.Fatalf("village pending after the sheet: %+v", p)
		}
	})
}
