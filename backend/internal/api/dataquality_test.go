package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type qualityBody struct {
	Summary []struct {
		Code     string `json:"code"`
		Severity string `json:"severity"`
		Title    string `json:"title"`
		Count    int64  `json:"count"`
	} `json:"summary"`
	ByVillage []struct {
		VillageCode string `json:"village_code"`
		VillageName string `json:"village_name"`
		StreetName  string `json:"street_name"`
		Errors      int64  `json:"errors"`
		Warnings    int64  `json:"warnings"`
	} `json:"by_village"`
	Items []struct {
		HouseholdID   int64  `json:"household_id"`
		HouseholdCode string `json:"household_code"`
		HeadName      string `json:"head_name"`
		VillageName   string `json:"village_name"`
		Code          string `json:"code"`
		Severity      string `json:"severity"`
		Message       string `json:"message"`
		Field         string `json:"field"`
		MemberID      *int64 `json:"member_id"`
		MemberIndex   *int   `json:"member_index"`
	} `json:"items"`
	Total int64 `json:"total"`
}

func TestDataQualityThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		district := s.as("district")
		create := func(sess session, body map[string]any) int64 {
			t.Helper()
			r := s.do(req{method: "POST", path: "/api/v1/households", token: sess.token, body: body})
			if r.Code != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Code, r.Body)
			}
			var h struct {
				ID int64 `json:"id"`
			}
			r.json(t, &h)
			return h.ID
		}
		create(officer, householdBody("530103012004-0001", "530103012004", personID("1951-10-08", 1), personID("1952-01-04", 2)))
		// The head died and nobody took over as head: DQ-04.
		body := householdBody("530103012004-0002", "530103012004", personID("1949-03-03", 3), personID("1950-04-04", 4))
		body["members"].([]map[string]any)[0]["status"] = "deceased"
		body["members"].([]map[string]any)[0]["shares_income"] = false
		noHead := create(officer, body)
		// The same in a village of another street.
		body = householdBody("530103010001-0001", "530103010001", personID("1948-05-05", 5), personID("1947-06-06", 6))
		body["members"].([]map[string]any)[0]["status"] = "deceased"
		create(district, body)

		r := s.do(req{method: "GET", path: "/api/v1/data-quality?page_size=100", token: officer.token})
		if r.Code != http.StatusOK || r.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("data quality: %d %s", r.Code, r.Body)
		}
		var q qualityBody
		r.json(t, &q)
		if q.Total == 0 || int64(len(q.Items)) != q.Total {
			t.Fatalf("items: %s", r.Body)
		}
		var dq04 int
		for _, it := range q.Items {
			if !strings.HasPrefix(it.HouseholdCode, "530103012004-") {
				t.Fatalf("officer sees %s outside the village", it.HouseholdCode)
			}
			if it.Code == "DQ-04" {
				dq04++
				if it.HouseholdID != noHead || it.Severity != "error" || it.Field != "members.relation" || it.MemberID != nil ||
					it.MemberIndex != nil || !strings.Contains(it.Message, "没有户主") || it.VillageName == "" || it.HeadName != "成员1" {
					t.Fatalf("DQ-04 item: %+v", it)
				}
			}
		}
		if dq04 != 1 || len(q.ByVillage) != 1 || q.ByVillage[0].VillageCode != "530103012004" || q.ByVillage[0].Errors != 1 {
			t.Fatalf("DQ-04 items %d, by village %+v", dq04, q.ByVillage)
		}
		if len(q.Summary) != 16 || q.Summary[3].Code != "DQ-04" || q.Summary[3].Count != 1 || q.Summary[3].Title == "" || q.Summary[3].Severity != "error" {
			t.Fatalf("summary: %+v", q.Summary)
		}
		// A member's field names the member.
		r = s.do(req{method: "GET", path: "/api/v1/data-quality?code=DQ-06", token: officer.token})
		r.json(t, &q)
		if q.Total == 0 || q.Items[0].Field != "members.labour_ability" || q.Items[0].MemberID == nil || *q.Items[0].MemberID == 0 || q.Items[0].MemberIndex == nil {
			t.Fatalf("DQ-06: %s", r.Body)
		}

		// The district sees both streets; filters narrow.
		r = s.do(req{method: "GET", path: "/api/v1/data-quality?code=DQ-04", token: district.token})
		r.json(t, &q)
		if q.Total != 2 || len(q.ByVillage) != 2 {
			t.Fatalf("district DQ-04: %s", r.Body)
		}
		r = s.do(req{method: "GET", path: "/api/v1/data-quality?code=DQ-04&street=530103010", token: district.token})
		r.json(t, &q)
		if q.Total != 1 || q.Items[0].HouseholdCode != "530103010001-0001" {
			t.Fatalf("street filter: %s", r.Body)
		}
		// Another village's officer does not see this village's findings, even asking for it.
		other := s.as("officer-530103010001")
		r = s.do(req{method: "GET", path: "/api/v1/data-quality?village=530103012004", token: other.token})
		r.json(t, &q)
		if r.Code != http.StatusOK || q.Total != 0 {
			t.Fatalf("other village: %s", r.Body)
		}

		for _, bad := range []string{"code=DQ-99", "severity=fatal", "page_size=101"} {
			if r := s.do(req{method: "GET", path: "/api/v1/data-quality?" + bad, token: officer.token}); r.Code != http.StatusBadRequest {
				t.Fatalf("%s: %d %s", bad, r.Code, r.Body)
			}
		}

		// The home page counts the officer's error findings.
		r = s.do(req{method: "GET", path: "/api/v1/work", token: officer.token})
		var work struct {
			Items []struct {
				Key   string `json:"key"`
				Count int64  `json:"count"`
				Route string `json:"route"`
			} `json:"items"`
		}
		r.json(t, &work)
		found := false
		for _, it := range work.Items {
			found = found || (it.Key == "data_quality_errors" && it.Count == 1 && it.Route == "/data-quality?severity=error")
		}
		if !found {
			t.Fatalf("work: %s", r.Body)
		}

		// Export: the same findings as XLSX.
		r = s.do(req{method: "GET", path: "/api/v1/data-quality/export?severity=error", token: officer.token})
		if r.Code != http.StatusOK || !strings.Contains(r.Header().Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %s", r.Code, r.Body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("录入质量")
		if len(rows) != 2 || rows[1][0] != "530103012004-0002" || rows[1][4] != "DQ-04" || rows[1][6] != "错误" {
			t.Fatalf("export rows: %v", rows)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/data-quality/export?code=nope", token: officer.token}); r.Code != http.StatusBadRequest {
			t.Fatalf("export with a bad code: %d", r.Code)
		}
		// Department liaisons have no access.
		if r := s.do(req{method: "GET", path: "/api/v1/data-quality", token: s.as("dept-police").token}); r.Code != http.StatusForbidden {
			t.Fatalf("department: %d", r.Code)
		}
	})
}
