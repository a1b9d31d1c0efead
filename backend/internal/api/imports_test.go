package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type importReport struct {
	Format     string `json:"format"`
	Households int    `json:"households"`
	Created    int    `json:"created"`
	Unchanged  int    `json:"unchanged"`
	Problems   []struct {
		Sheet, Column, Value, Reason string
		Row                          int
	} `json:"problems"`
}

func (s *testServer) importFile(token, name string, data []byte) (response, importReport) {
	s.t.Helper()
	r := s.upload(token, "/api/v1/households/import", "", name, data)
	var rep importReport
	if r.Code == http.StatusOK {
		r.json(s.t, &rep)
	} else if r.Code == http.StatusUnprocessableEntity {
		var body struct {
			Report importReport `json:"report"`
		}
		r.json(s.t, &body)
		rep = body.Report
	}
	return r, rep
}

func (s *testServer) householdCount(token string) int {
	s.t.Helper()
	var page struct {
		Total int `json:"total"`
	}
	s.do(req{method: "GET", path: "/api/v1/households", token: token}).json(s.t, &page)
	return page.Total
}

// fillTemplate downloads the template and fills in its sheets.
func (s *testServer) fillTemplate(token string, rows map[string][][]string) []byte {
	s.t.Helper()
	r := s.do(req{method: "GET", path: "/api/v1/households/import-template", token: token})
	if r.Code != http.StatusOK {
		s.t.Fatalf("template: %d %s", r.Code, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		s.t.Fatal(err)
	}
	for sheet, rs := range rows {
		for i, row := range rs {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
				if err := f.SetCellStr(sheet, cell, v); err != nil {
					s.t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		s.t.Fatal(err)
	}
	return buf.Bytes()
}

func householdRow(code, village string) []string {
	// 户编号 街道 村 小组 户籍 常住 状态 建档日期 脱贫年度 低保 收入年度 工资 经营 财产 转移 支出 等级 面积 吃 穿 就学 雇工 拆并 空挂 作假
	return []string{code, "530103012", village, "", "农业", "是", "建档立卡未脱贫", "2014-10-01", "", "否", "2016",
		"2400", "300.50", "0", "600", "100", "C级", "64.5", "是", "是", "", "否", "", "", ""}
}

func memberRow(code, name, id, relation string) []string {
	// 户编号 姓名 身份证号 关系 状态 共同生活 健康 在校 辍学 医保 财政供养 村干部
	return []string{code, name, id, relation, "在户", "是", "健康", "非在校生", "", "是", "", ""}
}

func TestRegisterImportXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		district := s.as("district")
		good := map[string][][]string{
			"户表": {householdRow("IMP-0001", "530103012004"), householdRow("IMP-0002", "530103012004")},
			"家庭成员": {
				memberRow("IMP-0001", "张大山", personID("1955-03-01", 11), "户主"),
				memberRow("IMP-0001", "张小芳", personID("1985-07-09", 12), "之女"),
				memberRow("IMP-0002", "李明", personID("1970-01-05", 13), "户主"),
			},
			"机动车": {{"IMP-0002", "45000", "2013-05-01", "否"}},
		}
		r, rep := s.importFile(district.token, "register.xlsx", s.fillTemplate(district.token, good))
		if r.Code != http.StatusOK || rep.Created != 2 || rep.Unchanged != 0 || rep.Format != "xlsx" {
			t.Fatalf("first import: %d %s", r.Code, r.Body)
		}
		if n := s.householdCount(district.token); n != 2 {
			t.Fatalf("households after import: %d", n)
		}
		// The daughter is a daughter again (the format says child; the ID says female).
		var page struct {
			Items []struct {
				ID   int64  `json:"id"`
				Code string `json:"code"`
			} `json:"items"`
		}
		s.do(req{method: "GET", path: "/api/v1/households?q=IMP-0001", token: district.token}).json(t, &page)
		var h struct {
			Members []struct {
				Relation string `json:"relation"`
				Gender   string `json:"gender"`
			} `json:"members"`
			IncomeOperating string `json:"income_operating"`
		}
		s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d", page.Items[0].ID), token: district.token}).json(t, &h)
		if len(h.Members) != 2 || h.Members[1].Relation != "daughter" || h.Members[1].Gender != "female" || h.IncomeOperating != "300.5" {
			t.Fatalf("imported household: %+v", h)
		}

		// The same file again changes nothing.
		r, rep = s.importFile(district.token, "register.xlsx", s.fillTemplate(district.token, good))
		if r.Code != http.StatusOK || rep.Created != 0 || rep.Unchanged != 2 {
			t.Fatalf("second import: %d %s", r.Code, r.Body)
		}
		if n := s.householdCount(district.token); n != 2 {
			t.Fatalf("households after the second import: %d", n)
		}

		// One bad row and nothing is imported; every problem is reported where it is.
		badID := personID("1990-02-02", 14)
		badID = badID[:17] + map[bool]string{true: "0", false: "1"}[badID[17] != '0']
		bad := map[string][][]string{
			"户表": {householdRow("IMP-0003", "530103012004"), householdRow("IMP-0004", "999999999999")},
			"家庭成员": {
				memberRow("IMP-0003", "王五", personID("1966-06-06", 15), "户主"),
				memberRow("IMP-0003", "王六", badID, "之子"),
				memberRow("IMP-0004", "赵七", personID("1967-06-06", 17), "户主"),
				memberRow("IMP-0009", "钱八", personID("1968-06-06", 19), "户主"),
			},
		}
		r, rep = s.importFile(district.token, "bad.xlsx", s.fillTemplate(district.token, bad))
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad import: %d %s", r.Code, r.Body)
		}
		want := map[string]bool{"家庭成员/3/身份证号": false, "家庭成员/5/户编号": false, "户表/3/行政村代码": false}
		for _, p := range rep.Problems {
			key := fmt.Sprintf("%s/%d/%s", p.Sheet, p.Row, p.Column)
			if _, ok := want[key]; ok {
				want[key] = true
				if p.Reason == "" {
					t.Errorf("%s has no reason", key)
				}
			}
		}
		for k, found := range want {
			if !found {
				t.Errorf("problem %s not reported; report: %s", k, r.Body)
			}
		}
		if n := s.householdCount(district.token); n != 2 {
			t.Fatalf("a rejected import left households: %d", n)
		}

		// An existing code with other data is a problem, not an overwrite;
		// a person already registered elsewhere too.
		changed := map[string][][]string{
			"户表":   {householdRow("IMP-0001", "530103012004"), householdRow("IMP-0005", "530103012004")},
			"家庭成员": {memberRow("IMP-0001", "张大山", personID("1955-03-01", 11), "户主"), memberRow("IMP-0005", "李明", personID("1970-01-05", 13), "户主")},
		}
		r, rep = s.importFile(district.token, "changed.xlsx", s.fillTemplate(district.token, changed))
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "内容不同") || !strings.Contains(r.Body.String(), "IMP-0002") {
			t.Fatalf("changed import: %d %s", r.Code, r.Body)
		}

		// Only the district imports.
		officer := s.as("officer-530103012004")
		if r, _ := s.importFile(officer.token, "x.xlsx", []byte("PK\x03\x04")); r.Code != http.StatusForbidden {
			t.Fatalf("officer import: %d", r.Code)
		}
	})
}

func TestRegisterImportJSONAndInterchange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		district := s.as("district")
		household := func(code, id string) map[string]any {
			return map[string]any{
				"code": code, "region": map[string]string{"street": "530103011", "village": "530103011001", "group": ""},
				"hukou": "agricultural", "rural_resident": true, "status": "not_registered", "dibao": nil,
				"income":  map[string]any{"year": 2016, "wage": 1000, "operating": 500.25, "property": 0, "transfer": nil, "operating_cost": 0},
				"housing": map[string]any{"grade": "D", "area_m2": 40}, "food_secure": true, "clothing_secure": true,
				"education_burden_heavy": nil, "employs_others_long_term": false,
				"members": []map[string]any{{"id_number": id, "name": "周一", "relation": "head", "status": "present", "shares_income": true,
					"health": "disabled", "schooling": "none", "dropout": nil, "medical_insured": true, "fiscal_staff_since": nil, "village_cadre_since": nil}},
			}
		}
		envelope := func(hs ...map[string]any) []byte {
			b, _ := json.Marshal(map[string]any{"campaign": map[string]any{"campaign_year": 2017, "income_year": 2016, "poverty_line": 2952,
				"vehicle_value_limit": 30000, "reference_date": "2017-06-30"}, "households": hs})
			return b
		}
		okFile := envelope(household("J-1", personID("1950-01-01", 31)))
		r, rep := s.importFile(district.token, "register.json", okFile)
		if r.Code != http.StatusOK || rep.Created != 1 || rep.Format != "json" {
			t.Fatalf("json import: %d %s", r.Code, r.Body)
		}
		if r, rep = s.importFile(district.token, "register.json", okFile); r.Code != http.StatusOK || rep.Unchanged != 1 {
			t.Fatalf("json import again: %d %s", r.Code, r.Body)
		}
		bad := household("J-3", personID("1950-01-01", 33))
		bad["income"].(map[string]any)["year"] = 2015
		r, rep = s.importFile(district.token, "bad.json", envelope(household("J-2", personID("1951-01-01", 35)), bad))
		if r.Code != http.StatusUnprocessableEntity || len(rep.Problems) != 1 || rep.Problems[0].Row != 2 || rep.Problems[0].Column != "income.year" {
			t.Fatalf("bad json import: %d %s", r.Code, r.Body)
		}
		if r, _ := s.importFile(district.token, "x.json", []byte("not json")); r.Code != http.StatusBadRequest {
			t.Fatalf("not an envelope: %d %s", r.Code, r.Body)
		}

		// What went in comes out in the same format.
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		s.do(req{method: "GET", path: "/api/v1/households?q=J-1", token: district.token}).json(t, &page)
		if r := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/interchange", page.Items[0].ID), token: district.token}); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("interchange without a reason: %d", r.Code)
		}
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/interchange?reason=%%E7%%9C%%81%%E7%%B3%%BB%%E7%%BB%%9F%%E6%%A0%%B8%%E5%%AF%%B9", page.Items[0].ID), token: district.token})
		if r.Code != http.StatusOK {
			t.Fatalf("interchange: %d %s", r.Code, r.Body)
		}
		var got, want map[string]any
		r.json(t, &got)
		_ = json.Unmarshal(mustJSON(household("J-1", personID("1950-01-01", 31))), &want)
		for _, k := range []string{"code", "hukou", "status", "income", "housing", "members", "region"} {
			if fmt.Sprint(got[k]) != fmt.Sprint(want[k]) {
				t.Errorf("%s: got %v, want %v", k, got[k], want[k])
			}
		}
		// Out of the officer's scope it does not exist.
		officer := s.as("officer-530103012004")
		if r := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/interchange?reason=check", page.Items[0].ID), token: officer.token}); r.Code != http.StatusNotFound {
			t.Fatalf("out of scope: %d", r.Code)
		}
	})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
