package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type outcomeBody struct {
	Outcome         string   `json:"outcome"`
	OutcomeLabel    string   `json:"outcome_label"`
	PerCapitaIncome *string  `json:"per_capita_income"`
	HouseholdSize   *int     `json:"household_size"`
	ChangedInputs   []string `json:"changed_inputs"`
	PreviousOutcome string   `json:"previous_outcome"`
	Unknown         []string `json:"unknown"`
	Rules           []struct {
		Code   string `json:"code"`
		Value  string `json:"value"`
		Detail string `json:"detail"`
		Clause string `json:"clause"`
	} `json:"rules"`
	Campaign struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	} `json:"campaign"`
}

func TestOutcomesThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		officer := s.as("officer-530103012004")
		district := s.as("district")
		// Registered, 3000 yuan a head (not below 2952) but a C-grade house: kept.
		body := householdBody("530103012004-0001", "530103012004", personID("1951-10-08", 1), personID("1952-01-04", 2))
		body["employs_others_long_term"] = false
		r := s.do(req{method: "POST", path: "/api/v1/households", token: officer.token, body: body})
		if r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		var h struct {
			ID      int64 `json:"id"`
			Members []struct {
				ID int64 `json:"id"`
			} `json:"members"`
		}
		r.json(t, &h)
		path := fmt.Sprintf("/api/v1/households/%d/outcome", h.ID)

		r = s.do(req{method: "GET", path: path, token: officer.token})
		if r.Code != http.StatusOK {
			t.Fatalf("outcome: %d %s", r.Code, r.Body)
		}
		var o outcomeBody
		r.json(t, &o)
		if o.Outcome != "keep" || o.OutcomeLabel != "保留" || o.PerCapitaIncome == nil || *o.PerCapitaIncome != "3000.00" || *o.HouseholdSize != 2 {
			t.Fatalf("outcome: %s", r.Body)
		}
		if len(o.Rules) != 0 || len(o.Unknown) != 0 {
			t.Fatalf("rules: %s", r.Body)
		}

		// Outside the caller's scope: 404, exactly like a missing household.
		other := s.as("officer-530103010001")
		if r := s.do(req{method: "GET", path: path, token: other.token}); r.Code != http.StatusNotFound {
			t.Fatalf("out of scope: %d %s", r.Code, r.Body)
		}

		// The district raises the line above the household's income: a job recomputes it.
		r = s.do(req{method: "PATCH", path: "/api/v1/campaigns/1", token: district.token,
			body: map[string]any{"version": 1, "poverty_line": "3500"}})
		if r.Code != http.StatusOK {
			t.Fatalf("patch campaign: %d %s", r.Code, r.Body)
		}
		var upd struct {
			Campaign struct {
				PovertyLine string `json:"poverty_line"`
				Version     int64  `json:"version"`
			} `json:"campaign"`
			Job *struct {
				ID int64 `json:"id"`
			} `json:"job"`
		}
		r.json(t, &upd)
		if upd.Campaign.PovertyLine != "3500.00" || upd.Campaign.Version != 2 || upd.Job == nil {
			t.Fatalf("patch campaign: %s", r.Body)
		}
		s.app.Jobs.Wait()
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/jobs/%d", upd.Job.ID), token: district.token})
		var job struct {
			Status string  `json:"status"`
			Done   int64   `json:"done"`
			Total  int64   `json:"total"`
			Rate   float64 `json:"rate"`
		}
		r.json(t, &job)
		if r.Code != http.StatusOK || job.Status != "done" || job.Done != 1 || job.Total != 1 {
			t.Fatalf("job: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "GET", path: path, token: officer.token})
		r.json(t, &o)
		if o.Outcome != "keep" || o.Campaign.Version != 2 {
			t.Fatalf("after the line change: %s", r.Body)
		}

		// Income changed: the outcome follows at once.
		body["version"] = 1
		members := body["members"].([]map[string]any)
		members[0]["id"], members[1]["id"] = h.Members[0].ID, h.Members[1].ID
		members[0]["dropout"], members[1]["dropout"] = false, false
		body["income_wage"] = "50000"
		body["housing_grade"] = "B"
		r = s.do(req{method: "PUT", path: fmt.Sprintf("/api/v1/households/%d", h.ID), token: officer.token, body: body})
		if r.Code != http.StatusOK {
			t.Fatalf("update: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "GET", path: path, token: officer.token})
		r.json(t, &o)
		if o.Outcome != "exit_normal" || o.PreviousOutcome != "keep" || !slices.Equal(o.ChangedInputs, []string{"housing.grade", "income.wage", "members[0].dropout", "members[1].dropout"}) {
			t.Fatalf("after the update: %s", r.Body)
		}
		if len(o.Rules) != 1 || o.Rules[0].Code != "EXIT-STD" || o.Rules[0].Value != "T" || o.Rules[0].Detail == "" ||
			!strings.Contains(o.Rules[0].Clause, "应退尽退") {
			t.Fatalf("rules: %s", r.Body)
		}

		// The campaign's list, scoped, with counts.
		r = s.do(req{method: "GET", path: "/api/v1/campaigns/1/outcomes?outcome=exit_normal", token: officer.token})
		var page struct {
			Items []struct {
				HouseholdID     int64  `json:"household_id"`
				Code            string `json:"code"`
				HeadName        string `json:"head_name"`
				OutcomeLabel    string `json:"outcome_label"`
				PreviousOutcome string `json:"previous_outcome"`
			} `json:"items"`
			Total  int64 `json:"total"`
			Counts []struct {
				Outcome string `json:"outcome"`
				Count   int64  `json:"count"`
			} `json:"counts"`
		}
		r.json(t, &page)
		if r.Code != http.StatusOK || page.Total != 1 || page.Items[0].Code != "530103012004-0001" || page.Items[0].HeadName != "成员1" ||
			page.Items[0].OutcomeLabel != "正常退出" || page.Items[0].PreviousOutcome != "keep" || len(page.Counts) != 11 {
			t.Fatalf("outcome list: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "GET", path: "/api/v1/campaigns/1/outcomes", token: other.token})
		r.json(t, &page)
		if page.Total != 0 {
			t.Fatalf("another village's officer sees: %s", r.Body)
		}
		if r := s.do(req{method: "GET", path: "/api/v1/campaigns/1/outcomes?outcome=bogus", token: officer.token}); r.Code != http.StatusBadRequest {
			t.Fatalf("unknown outcome filter: %d", r.Code)
		}

		// The export: Chinese headers and outcome names.
		r = s.do(req{method: "GET", path: "/api/v1/campaigns/1/outcomes/export", token: district.token})
		if r.Code != http.StatusOK {
			t.Fatalf("export: %d %s", r.Code, r.Body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("测算结果")
		if err != nil || len(rows) != 2 {
			t.Fatalf("export rows: %v %v", rows, err)
		}
		if rows[0][0] != "户编号" || rows[0][4] != "测算结果" || rows[1][0] != "530103012004-0001" || rows[1][4] != "正常退出" || rows[1][7] != "保留" {
			t.Fatalf("export: %v", rows)
		}

		// A second recomputation while one runs is refused, naming it;
		// the street may recompute only its own street.
		street := s.as("street-530103012")
		r = s.do(req{method: "POST", path: "/api/v1/campaigns/1/recompute", token: street.token, body: map[string]any{"street": "530103009"}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("street recomputing another street: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: "/api/v1/campaigns/1/recompute", token: street.token})
		if r.Code != http.StatusAccepted {
			t.Fatalf("street recompute: %d %s", r.Code, r.Body)
		}
		s.app.Jobs.Wait()

		// Poverty lines: seeded, and the district records another year.
		r = s.do(req{method: "PUT", path: "/api/v1/poverty-lines/2017", token: district.token, body: map[string]any{"line": "3300", "note": "2017年国家扶贫标准"}})
		if r.Code != http.StatusOK {
			t.Fatalf("set poverty line: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "GET", path: "/api/v1/poverty-lines", token: street.token})
		var lines []struct {
			IncomeYear int    `json:"income_year"`
			Line       string `json:"line"`
		}
		r.json(t, &lines)
		if len(lines) != 7 || lines[5].Line != "2952.00" || lines[6].IncomeYear != 2017 || lines[6].Line != "3300.00" {
			t.Fatalf("poverty lines: %s", r.Body)
		}
	})
}
