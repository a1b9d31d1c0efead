package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"jingzhun/internal/idcard"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

// uploadRegister posts a department register file as the SPA does.
func (s *testServer) uploadRegister(token, dept, dataset, name, query string, content []byte) response {
	s.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("dataset", dataset)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	r := httptest.NewRequest("POST", "/api/v1/departments/"+dept+"/imports"+query, &buf)
	r.Header.Set("Content-Type", w.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	return response{rec}
}

type importBody struct {
	ID            int64  `json:"id"`
	Status        string `json:"status"`
	Rows          int64  `json:"rows"`
	ProblemCount  int64  `json:"problem_count"`
	Matched       int64  `json:"matched"`
	Unmatched     int64  `json:"unmatched"`
	Discrepancies int64  `json:"discrepancies"`
	JobID         *int64 `json:"job_id"`
	Problems      []struct {
		Row    int    `json:"row"`
		Column string `json:"column"`
		Value  string `json:"value"`
		Reason string `json:"reason"`
	} `json:"problems"`
}

// finishedImport uploads a file, waits for its job and reads the import.
func (s *testServer) finishedImport(token, dept, dataset, name, query string, content []byte) importBody {
	s.t.Helper()
	r := s.uploadRegister(token, dept, dataset, name, query, content)
	if r.Code != http.StatusAccepted {
		s.t.Fatalf("upload: %d %s", r.Code, r.Body)
	}
	var started importBody
	r.json(s.t, &started)
	if started.JobID == nil {
		s.t.Fatalf("no job: %s", r.Body)
	}
	s.app.Jobs.Wait()
	r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/department-imports/%d", started.ID), token: token})
	var out importBody
	r.json(s.t, &out)
	return out
}

// teamOf signs in as the check team whose scope covers a street.
func (s *testServer) teamOf(street string) session {
	s.t.Helper()
	for _, u := range []string{"team-A", "team-B"} {
		sess := s.as(u)
		var me struct {
			Scope struct {
				Streets []string `json:"streets"`
			} `json:"scope"`
		}
		s.do(req{method: "GET", path: "/api/v1/me", token: sess.token}).json(s.t, &me)
		if slices.Contains(me.Scope.Streets, street) {
			return sess
		}
	}
	s.t.Fatalf("no team covers %s", street)
	return session{}
}

func TestPoliceVehicleRegisterReachesTheCheckTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer, police := s.as("officer-530103012004"), s.as("dept-police")
		head := personID("1958-03-04", 61)
		r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: householdBody("XC-0001", "530103012004", head)})
		if r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		var h struct {
			ID int64 `json:"id"`
		}
		r.json(t, &h)

		// The liaison's home page counts its fields to confirm.
		if r := s.do(req{method: "GET", path: "/api/v1/work", token: police.token}); !strings.Contains(r.Body.String(), `"pending_fields"`) {
			t.Fatalf("work: %s", r.Body)
		}

		// The template is an XLSX with the Chinese headers.
		r = s.do(req{method: "GET", path: "/api/v1/departments/police/datasets/vehicles/template", token: police.token})
		if r.Code != http.StatusOK || !strings.Contains(text(t, r.Body.Bytes()), "购置价格") {
			t.Fatalf("template: %d", r.Code)
		}
		// Another department is outside the liaison's scope: not found.
		if r := s.do(req{method: "GET", path: "/api/v1/departments/civil/datasets", token: police.token}); r.Code != http.StatusNotFound {
			t.Fatalf("civil datasets as police: %d", r.Code)
		}

		// A bad file is refused whole, every problem listed and in the report.
		bad := "身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期\n" +
			head + ",成员1,云A00001,小型轿车,45000,2016-03-15\n" +
			head[:17] + "0,成员1,云A00002,小型轿车,四万,2016-02-30\n"
		if head[17] == '0' {
			bad = strings.Replace(bad, head[:17]+"0", head[:17]+"1", 1)
		}
		refused := s.finishedImport(police.token, "police", "vehicles", "bad.csv", "", []byte(bad))
		if refused.Status != "refused" || refused.ProblemCount != 3 || len(refused.Problems) != 3 {
			t.Fatalf("bad file: %+v", refused)
		}
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/department-imports/%d/report", refused.ID), token: police.token})
		if report := text(t, r.Body.Bytes()); r.Code != http.StatusOK || !strings.Contains(report, "2016-02-30") || !strings.Contains(report, "四万") {
			t.Fatalf("report: %d", r.Code)
		}

		// A dry run of the good file validates only; then it imports.
		good := []byte("身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期\n" + head + ",成员1,云A00001,小型轿车,45000,2016-03-15\n")
		if dry := s.finishedImport(police.token, "police", "vehicles", "good.csv", "?dry_run=true", good); dry.Status != "validated" {
			t.Fatalf("dry run: %+v", dry)
		}
		imp := s.finishedImport(police.token, "police", "vehicles", "good.csv", "", good)
		if imp.Status != "imported" || imp.Matched != 1 || imp.Discrepancies != 1 {
			t.Fatalf("import: %+v", imp)
		}
		if r := s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/department-imports/%d", imp.ID), token: s.as("dept-civil").token}); r.Code != http.StatusNotFound {
			t.Fatalf("civil reads police's import: %d", r.Code)
		}

		// The check team of the street sees it (masked in the list), opens
		// it side by side and takes the department's value.
		team := s.teamOf("530103012")
		// Every dataset names its department and rule, for the team's filters.
		var all struct {
			Items []struct {
				Code, Department, Rule string
			} `json:"items"`
		}
		s.do(req{method: "GET", path: "/api/v1/datasets", token: team.token}).json(t, &all)
		if len(all.Items) != 13 || all.Items[0].Code != "vehicles" || all.Items[0].Rule != "EX-03" {
			t.Fatalf("datasets: %+v", all.Items)
		}
		r = s.do(req{method: "GET", path: "/api/v1/discrepancies", token: team.token})
		var list struct {
			Items []struct {
				ID              int64  `json:"id"`
				Rule            string `json:"rule"`
				IDNumber        string `json:"id_number"`
				HouseholdID     int64  `json:"household_id"`
				SurveyValue     string `json:"survey_value"`
				DepartmentValue string `json:"department_value"`
			} `json:"items"`
			Total  int64            `json:"total"`
			Counts map[string]int64 `json:"counts"`
		}
		r.json(t, &list)
		if list.Total != 1 || list.Items[0].Rule != "EX-03" || list.Items[0].IDNumber != idcard.Mask(head) || list.Items[0].HouseholdID != h.ID {
			t.Fatalf("discrepancies: %s", r.Body)
		}
		if strings.Contains(r.Body.String(), head) {
			t.Fatal("the list shows a full ID number")
		}
		id := list.Items[0].ID
		// It is on the team's home page.
		if r := s.do(req{method: "GET", path: "/api/v1/work", token: team.token}); !strings.Contains(r.Body.String(), `"open_discrepancies"`) {
			t.Fatalf("work: %s", r.Body)
		}
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/discrepancies/%d", id), token: team.token})
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "云A00001") {
			t.Fatalf("detail: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/discrepancies/%d/resolve", id), token: s.as("street-530103012").token,
			body: map[string]string{"decision": "accept"}}); r.Code != http.StatusForbidden {
			t.Fatalf("street resolves: %d", r.Code)
		}
		r = s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/discrepancies/%d/resolve", id), token: team.token,
			body: map[string]string{"decision": "accept", "reason": "入户核实"}})
		var resolved struct {
			Status  string `json:"status"`
			Outcome *struct {
				Outcome         string `json:"outcome"`
				PreviousOutcome string `json:"previous_outcome"`
			} `json:"outcome"`
		}
		r.json(t, &resolved)
		if r.Code != http.StatusOK || resolved.Status != "accepted" || resolved.Outcome == nil || resolved.Outcome.Outcome != "remove_wrong" {
			t.Fatalf("resolve: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: fmt.Sprintf("/api/v1/discrepancies/%d/resolve", id), token: team.token,
			body: map[string]string{"decision": "keep", "reason": "x"}})
		if r.Code != http.StatusConflict {
			t.Fatalf("second resolve: %d", r.Code)
		}
		// The export lists it, masked.
		r = s.do(req{method: "GET", path: "/api/v1/discrepancies/export?status=all", token: team.token})
		if x := text(t, r.Body.Bytes()); r.Code != http.StatusOK || !strings.Contains(x, "EX-03") || strings.Contains(x, head) {
			t.Fatalf("export: %d", r.Code)
		}
	})
}
