package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type whatIfBody struct {
	CampaignID int64 `json:"campaign_id"`
	Parameters struct {
		PovertyLine       string `json:"poverty_line"`
		VehicleValueLimit string `json:"vehicle_value_limit"`
		IncomeYear        int    `json:"income_year"`
		ReferenceDate     string `json:"reference_date"`
	} `json:"parameters"`
	Households int64 `json:"households"`
	Changed    int64 `json:"changed"`
	Streets    []struct {
		StreetCode string           `json:"street_code"`
		StreetName string           `json:"street_name"`
		CountsNow  map[string]int64 `json:"counts_now"`
		CountsThen map[string]int64 `json:"counts_then"`
		Changed    int64            `json:"changed"`
	} `json:"streets"`
	Changes []struct {
		HouseholdID      int64  `json:"household_id"`
		HouseholdCode    string `json:"household_code"`
		HeadName         string `json:"head_name"`
		VillageName      string `json:"village_name"`
		OutcomeNow       string `json:"outcome_now"`
		OutcomeNowLabel  string `json:"outcome_now_label"`
		OutcomeThen      string `json:"outcome_then"`
		OutcomeThenLabel string `json:"outcome_then_label"`
	} `json:"changes"`
	Cap       int  `json:"cap"`
	Truncated bool `json:"truncated"`
}

func TestWhatIfThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(t, st)
		district := s.as("district")
		// Two households at 3000 yuan a head, houses safe: out of poverty at
		// the line of 2952, kept under a line of 3500. One in 阿子营, one in 松华.
		var ids []int64
		for i, v := range []string{"530103012004", "530103010001"} {
			body := householdBody(v+"-0001", v, personID("1951-10-08", 1+2*i), personID("1952-01-04", 2+2*i))
			body["employs_others_long_term"] = false
			body["housing_grade"] = "B"
			for _, m := range body["members"].([]map[string]any) {
				m["dropout"] = false
			}
			r := s.do(req{method: "POST", path: "/api/v1/households", token: district.token, body: body})
			if r.Code != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Code, r.Body)
			}
			var h struct {
				ID int64 `json:"id"`
			}
			r.json(t, &h)
			ids = append(ids, h.ID)
		}
		outcome := func(id int64) string {
			var o outcomeBody
			s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/households/%d/outcome", id), token: district.token}).json(t, &o)
			return o.Outcome
		}
		if outcome(ids[0]) != "exit_normal" {
			t.Fatalf("stored outcome: %s", outcome(ids[0]))
		}

		whatIf := func(token string, body any) (response, whatIfBody) {
			r := s.do(req{method: "POST", path: "/api/v1/campaigns/1/what-if", token: token, body: body})
			var w whatIfBody
			if r.Code == http.StatusOK {
				r.json(t, &w)
			}
			return r, w
		}
		r, w := whatIf(district.token, map[string]any{"poverty_line": "3500"})
		if r.Code != http.StatusOK || w.Households != 2 || w.Changed != 2 || len(w.Changes) != 2 || len(w.Streets) != 4 || w.Cap != 1000 || w.Truncated {
			t.Fatalf("what-if: %d %s", r.Code, r.Body)
		}
		if w.Parameters.PovertyLine != "3500.00" || w.Parameters.VehicleValueLimit != "30000.00" || w.Parameters.IncomeYear != 2016 || w.Parameters.ReferenceDate != "2017-06-30" {
			t.Fatalf("parameters: %s", r.Body)
		}
		c := w.Changes[0]
		if c.OutcomeNow != "exit_normal" || c.OutcomeThen != "keep" || c.OutcomeThenLabel != "保留" || c.OutcomeNowLabel == "" ||
			c.HeadName != "成员1" || c.HouseholdCode == "" || c.VillageName == "" {
			t.Fatalf("changed household: %+v", c)
		}
		for _, st := range w.Streets {
			if len(st.CountsNow) != 11 || len(st.CountsThen) != 11 {
				t.Fatalf("counts list every outcome: %+v", st)
			}
			if st.StreetCode == "530103012" && (st.CountsNow["exit_normal"] != 1 || st.CountsThen["keep"] != 1 || st.Changed != 1) {
				t.Fatalf("阿子营: %+v", st)
			}
		}
		// Nothing was stored.
		if outcome(ids[0]) != "exit_normal" || outcome(ids[1]) != "exit_normal" {
			t.Fatal("the what-if changed a stored outcome")
		}
		// The campaign's own parameters (an empty body) change nothing.
		if r, w := whatIf(district.token, nil); r.Code != http.StatusOK || w.Changed != 0 || w.Households != 2 {
			t.Fatalf("empty what-if: %d %s", r.Code, r.Body)
		}

		// A street sees its own street; another street is not found.
		street := s.as("street-530103012")
		r, w = whatIf(street.token, map[string]any{"poverty_line": "3500"})
		if r.Code != http.StatusOK || len(w.Streets) != 1 || w.Streets[0].StreetCode != "530103012" || w.Households != 1 || w.Changed != 1 || w.Changes[0].HouseholdID != ids[0] {
			t.Fatalf("street what-if: %d %s", r.Code, r.Body)
		}
		if r, _ := whatIf(street.token, map[string]any{"street": "530103010", "poverty_line": "3500"}); r.Code != http.StatusNotFound {
			t.Fatalf("another street: %d %s", r.Code, r.Body)
		}
		// Team B's streets hold neither household; the supervisor reads all.
		if r, w := whatIf(s.as("team-B").token, map[string]any{"poverty_line": "3500"}); r.Code != http.StatusOK || len(w.Streets) != 2 || w.Households != 0 {
			t.Fatalf("team B: %d %s", r.Code, r.Body)
		}
		if r, w := whatIf(s.as("supervisor").token, map[string]any{"vehicle_value_limit": "50000"}); r.Code != http.StatusOK || w.Households != 2 || w.Parameters.VehicleValueLimit != "50000.00" {
			t.Fatalf("supervisor: %d %s", r.Code, r.Body)
		}
		// Strict binding and checked parameters.
		if r, _ := whatIf(district.token, map[string]any{"povertyline": "3500"}); r.Code != http.StatusBadRequest {
			t.Fatalf("unknown field: %d %s", r.Code, r.Body)
		}
		if r, _ := whatIf(district.token, map[string]any{"poverty_line": "-5"}); r.Code != http.StatusUnprocessableEntity || r.errCode(t) != "validation_failed" {
			t.Fatalf("negative line: %d %s", r.Code, r.Body)
		}
		if r := s.do(req{method: "POST", path: "/api/v1/campaigns/1/what-if", token: s.as("officer-530103012004").token, body: "{}"}); r.Code != http.StatusForbidden {
			t.Fatalf("village officer: %d", r.Code)
		}
	})
}
