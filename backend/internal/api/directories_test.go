package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type officerList struct {
	Items []struct {
		ID            int64   `json:"id"`
		StreetCode    string  `json:"street_code"`
		VillageCode   string  `json:"village_code"`
		VillageName   string  `json:"village_name"`
		Name          string  `json:"name"`
		Phone         string  `json:"phone"`
		Username      *string `json:"username"`
		AppointedOn   string  `json:"appointed_on"`
		Trainings     int     `json:"trainings"`
		TrainingHours string  `json:"training_hours"`
		Version       int64   `json:"version"`
	} `json:"items"`
	Missing []struct {
		StreetCode  string `json:"street_code"`
		VillageCode string `json:"village_code"`
		VillageName string `json:"village_name"`
		Households  int64  `json:"households"`
	} `json:"missing"`
}

type teamList struct {
	Items []struct {
		Code    string `json:"code"`
		Name    string `json:"name"`
		Streets []struct {
			Code string `json:"code"`
		} `json:"streets"`
		Members []struct {
			ID             int64  `json:"id"`
			Department     string `json:"department"`
			DepartmentName string `json:"department_name"`
			Phone          string `json:"phone"`
			Role           string `json:"role"`
			Version        int64  `json:"version"`
		} `json:"members"`
		Rule struct {
			Met         bool `json:"met"`
			Departments []struct {
				Department string `json:"department"`
				Required   int    `json:"required"`
				Have       int    `json:"have"`
				Met        bool   `json:"met"`
			} `json:"departments"`
			Missing []struct {
				Department     string `json:"department"`
				DepartmentName string `json:"department_name"`
				Required       int    `json:"required"`
				Have           int    `json:"have"`
				Met            bool   `json:"met"`
			} `json:"missing"`
		} `json:"rule"`
	} `json:"items"`
}

func xlsxRows(t *testing.T, body []byte, sheet string) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDirectoriesThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		if err := s.app.Demo.SeedDirectories(context.Background()); err != nil {
			t.Fatal(err)
		}
		district := s.as("district")
		// A registered household in the demo's village without an officer.
		const lonely = service.DemoVillageWithoutOfficer
		r := s.do(req{method: "POST", path: "/api/v1/households", token: district.token,
			body: householdBody(lonely+"-0001", lonely, personID("1951-10-08", 1), personID("1952-01-04", 2))})
		if r.Code != http.StatusCreated {
			t.Fatalf("create household: %d %s", r.Code, r.Body)
		}

		get := func(token, path string, dst any) response {
			t.Helper()
			r := s.do(req{method: "GET", path: path, token: token})
			if r.Code == http.StatusOK && dst != nil {
				r.json(t, dst)
			}
			return r
		}
		var all officerList
		if r := get(district.token, "/api/v1/officers", &all); r.Code != http.StatusOK {
			t.Fatalf("officers: %d %s", r.Code, r.Body)
		}
		if len(all.Items) != 46 || len(all.Missing) != 1 || all.Missing[0].VillageCode != lonely || all.Missing[0].Households != 1 || all.Missing[0].VillageName != "中所村委会" {
			t.Fatalf("directory: %d officers, missing %+v", len(all.Items), all.Missing)
		}
		for _, o := range all.Items {
			if !strings.Contains(o.Phone, "****") || len(o.Phone) != 11 {
				t.Fatalf("phone not masked: %+v", o)
			}
		}

		// The village officer reads its village, linked to its account.
		var mine officerList
		get(s.as("officer-530103012004").token, "/api/v1/officers", &mine)
		if len(mine.Items) != 1 || mine.Items[0].VillageCode != "530103012004" || mine.Items[0].Username == nil || *mine.Items[0].Username != "officer-530103012004" {
			t.Fatalf("village officer's directory: %+v", mine)
		}
		// The street: its villages; another street's filter is not found.
		street := s.as("street-530103012")
		var own officerList
		get(street.token, "/api/v1/officers", &own)
		if len(own.Items) != 15 || len(own.Missing) != 0 {
			t.Fatalf("street's directory: %d officers, missing %+v", len(own.Items), own.Missing)
		}
		if r := get(street.token, "/api/v1/officers?street=530103011", nil); r.Code != http.StatusNotFound {
			t.Fatalf("another street: %d", r.Code)
		}

		// The street adds an officer to its own village, not to another street's.
		r = s.do(req{method: "POST", path: "/api/v1/officers", token: street.token,
			body: map[string]any{"village_code": lonely, "name": "段云峰", "phone": "13987169999", "appointed_on": "2017-03-01"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("other street's village: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: "/api/v1/officers", token: district.token,
			body: map[string]any{"village_code": lonely, "name": "段云峰", "phone": "13987169999", "appointed_on": "2017-03-01"}})
		if r.Code != http.StatusCreated {
			t.Fatalf("district adds: %d %s", r.Code, r.Body)
		}
		var added struct {
			ID      int64  `json:"id"`
			Phone   string `json:"phone"`
			Version int64  `json:"version"`
		}
		r.json(t, &added)
		if added.Phone != "139****9999" {
			t.Fatalf("created: %s", r.Body)
		}
		get(district.token, "/api/v1/officers", &all)
		if len(all.Missing) != 0 {
			t.Fatalf("flag stays: %+v", all.Missing)
		}
		path := fmt.Sprintf("/api/v1/officers/%d", added.ID)
		if r := s.do(req{method: "PUT", path: path, token: street.token, body: map[string]any{"version": 1, "village_code": lonely, "name": "段云峰", "appointed_on": "2017-03-01"}}); r.Code != http.StatusNotFound {
			t.Fatalf("street edits another street's officer: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "PUT", path: path, token: district.token, body: map[string]any{"version": 1, "village_code": lonely, "name": "段云锋", "appointed_on": "2017-03-02"}}); r.Code != http.StatusOK {
			t.Fatalf("update: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "DELETE", path: path, token: district.token, body: map[string]any{"version": 1}}); r.Code != http.StatusConflict {
			t.Fatalf("stale delete: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "DELETE", path: path, token: district.token, body: map[string]any{"version": 2, "reason": "调离"}}); r.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}
		get(district.token, "/api/v1/officers", &all)
		if len(all.Missing) != 1 {
			t.Fatalf("flag back: %+v", all.Missing)
		}

		// The export: full phones for the district, masked for the supervisor,
		// the village without an officer at the end.
		for _, c := range []struct {
			user   string
			masked bool
		}{{"district", false}, {"supervisor", true}} {
			r := get(s.as(c.user).token, "/api/v1/officers/export", nil)
			if r.Code != http.StatusOK || !strings.Contains(r.Header().Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("export as %s: %d %s", c.user, r.Code, r.Body)
			}
			rows := xlsxRows(t, r.Body.Bytes(), "信息员名录")
			if len(rows) != 1+46+1 || rows[0][3] != "联系电话" || !strings.Contains(rows[len(rows)-1][len(rows[len(rows)-1])-1], "缺信息员") {
				t.Fatalf("export rows: %d, last %v", len(rows), rows[len(rows)-1])
			}
			if strings.Contains(rows[1][3], "****") != c.masked {
				t.Fatalf("export as %s: phone %q", c.user, rows[1][3])
			}
		}

		// Trainings: the street of 松华 sees both demo trainings.
		var trainings struct {
			Items []struct {
				ID            int64  `json:"id"`
				Hours         string `json:"hours"`
				StreetCode    string `json:"street_code"`
				AttendeeCount int    `json:"attendee_count"`
				Attendees     []struct {
					OfficerID   int64  `json:"officer_id"`
					VillageCode string `json:"village_code"`
				} `json:"attendees"`
			} `json:"items"`
		}
		songhua := s.as("street-530103010")
		get(songhua.token, "/api/v1/trainings", &trainings)
		if len(trainings.Items) != 2 || trainings.Items[0].Hours != "2.5" || trainings.Items[0].StreetCode != "530103010" {
			t.Fatalf("trainings: %+v", trainings)
		}
		for _, a := range trainings.Items[1].Attendees {
			if !strings.HasPrefix(a.VillageCode, "530103010") {
				t.Fatalf("street sees another street's attendee: %+v", a)
			}
		}
		if trainings.Items[1].AttendeeCount <= len(trainings.Items[1].Attendees) {
			t.Fatalf("district training: %+v", trainings.Items[1])
		}
		var sh officerList
		get(songhua.token, "/api/v1/officers", &sh)
		r = s.do(req{method: "POST", path: "/api/v1/trainings", token: songhua.token, body: map[string]any{
			"held_on": "2017-06-20", "topic": "入户调查复训", "trainer": "松华街道扶贫工作站", "hours": "1.5", "attendees": []int64{sh.Items[0].ID}}})
		if r.Code != http.StatusCreated {
			t.Fatalf("street training: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: "/api/v1/trainings", token: songhua.token, body: map[string]any{
			"held_on": "2017-06-20", "topic": "入户调查复训", "trainer": "松华街道扶贫工作站", "hours": "1.5", "attendees": []int64{own.Items[0].ID}}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("another street's officer trained: %d %s", r.Code, r.Body)
		}

		// Check teams: A meets the rule, B is one 经投 official short.
		var teams teamList
		get(district.token, "/api/v1/check-teams", &teams)
		if len(teams.Items) != 2 || !teams.Items[0].Rule.Met || teams.Items[1].Rule.Met || len(teams.Items[0].Rule.Departments) != 17 {
			t.Fatalf("teams: %+v", teams)
		}
		miss := teams.Items[1].Rule.Missing
		if len(miss) != 1 || miss[0].Department != "inv" || miss[0].DepartmentName != "区经投公司" || miss[0].Required != 2 || miss[0].Have != 1 || miss[0].Met {
			t.Fatalf("team B missing: %+v", miss)
		}
		if m := teams.Items[0].Members[0]; m.Role != "lead" || !strings.Contains(m.Phone, "****") || m.DepartmentName == "" {
			t.Fatalf("team A lead: %+v", m)
		}
		var mineTeams teamList
		get(s.as("team-A").token, "/api/v1/check-teams", &mineTeams)
		if len(mineTeams.Items) != 1 || mineTeams.Items[0].Code != "A" {
			t.Fatalf("team A sees: %+v", mineTeams.Items)
		}
		get(s.as("street-530103009").token, "/api/v1/check-teams", &mineTeams)
		if len(mineTeams.Items) != 1 || mineTeams.Items[0].Code != "B" {
			t.Fatalf("双龙 sees: %+v", mineTeams.Items)
		}

		// The district seconds a second 经投 official to team B: the rule is met.
		r = s.do(req{method: "POST", path: "/api/v1/check-teams/B/members", token: district.token,
			body: map[string]any{"name": "高绍华", "department": "inv", "post": "部门经理", "phone": "13871239999", "role": "member"}})
		if r.Code != http.StatusCreated {
			t.Fatalf("add member: %d %s", r.Code, r.Body)
		}
		var m struct {
			ID             int64  `json:"id"`
			TeamCode       string `json:"team_code"`
			DepartmentName string `json:"department_name"`
			Phone          string `json:"phone"`
			Version        int64  `json:"version"`
		}
		r.json(t, &m)
		if m.TeamCode != "B" || m.DepartmentName != "区经投公司" || m.Phone != "138****9999" {
			t.Fatalf("member: %s", r.Body)
		}
		get(district.token, "/api/v1/check-teams", &teams)
		if !teams.Items[1].Rule.Met || len(teams.Items[1].Rule.Missing) != 0 {
			t.Fatalf("team B after: %+v", teams.Items[1].Rule)
		}
		mpath := fmt.Sprintf("/api/v1/check-teams/B/members/%d", m.ID)
		if r := s.do(req{method: "PUT", path: mpath, token: district.token, body: map[string]any{"version": 1, "name": "高绍华", "department": "nope", "post": "", "role": "member"}}); r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown department: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "PUT", path: fmt.Sprintf("/api/v1/check-teams/A/members/%d", m.ID), token: district.token,
			body: map[string]any{"version": 1, "name": "高绍华", "department": "inv", "post": "", "role": "member"}}); r.Code != http.StatusNotFound {
			t.Fatalf("through another team: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "DELETE", path: mpath, token: district.token, body: map[string]any{"version": 1}}); r.Code != http.StatusNoContent {
			t.Fatalf("remove: %d %s", r.Code, r.Body)
		}
		get(district.token, "/api/v1/check-teams", &teams)
		if teams.Items[1].Rule.Met {
			t.Fatal("team B met after the removal")
		}

		// The teams' export: members and the rule by department.
		r = get(s.as("supervisor").token, "/api/v1/check-teams/export", nil)
		if r.Code != http.StatusOK {
			t.Fatalf("teams export: %d %s", r.Code, r.Body)
		}
		members, rule := xlsxRows(t, r.Body.Bytes(), "核查组成员"), xlsxRows(t, r.Body.Bytes(), "部门人数核对")
		if len(members) != 1+len(teams.Items[0].Members)+len(teams.Items[1].Members) || len(rule) != 1+2*17 || !strings.Contains(members[1][4], "****") {
			t.Fatalf("teams export: %d member rows, %d rule rows", len(members), len(rule))
		}
		if !slices.ContainsFunc(rule, func(row []string) bool {
			return len(row) == 5 && row[1] == "区经投公司" && strings.HasPrefix(row[4], "否")
		}) {
			t.Fatalf("rule sheet lacks the shortfall: %v", rule)
		}

		// Every write was audited.
		auditor := s.as("auditor")
		for _, action := range []string{"officer.create", "officer.update", "officer.delete", "training.create", "check_team.member_add", "check_team.member_remove", "officer.export", "check_team.export"} {
			var page struct {
				Total int `json:"total"`
			}
			get(auditor.token, "/api/v1/audit-events?action="+action, &page)
			if page.Total == 0 {
				t.Errorf("%s not audited", action)
			}
		}
	})
}
