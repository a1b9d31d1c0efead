package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
)

type boardList struct {
	ID          int64  `json:"id"`
	VillageCode string `json:"village_code"`
	Version     int64  `json:"version"`
	Stage       struct {
		Key string `json:"key"`
	} `json:"stage"`
	Overdue bool `json:"overdue"`
	Counts  struct {
		OpenReports int `json:"open_reports"`
	} `json:"counts"`
}

// reviewServer is a test server with the demo register and its village lists.
func reviewServer(t *testing.T, st *store.Store) *testServer {
	t.Helper()
	s := newServer(t, st)
	if _, err := s.app.Demo.SeedHouseholds(context.Background(), 300); err != nil {
		t.Fatal(err)
	}
	if err := s.app.Demo.SeedReview(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *testServer) board(t *testing.T, token string) map[string]boardList {
	t.Helper()
	r := s.do(req{method: "GET", path: "/api/v1/campaigns/1/lists", token: token})
	if r.Code != http.StatusOK {
		t.Fatalf("board: %d %s", r.Code, r.Body)
	}
	var b struct {
		Lists []boardList `json:"lists"`
	}
	r.json(t, &b)
	out := map[string]boardList{}
	for _, l := range b.Lists {
		out[l.VillageCode] = l
	}
	return out
}

func TestVillageListsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := reviewServer(t, st)
		team, teamA, street, district, officer := s.as("team-B").token, s.as("team-A").token, s.as("street-530103011").token, s.as("district").token, s.as("officer-530103011018").token

		// The board is scoped: team B sees its two streets' villages only.
		b := s.board(t, team)
		fresh, ok := b["530103011018"]
		if !ok || fresh.Stage.Key != "analysis" || !fresh.Overdue {
			t.Fatalf("fresh village on team B's board: %+v (ok=%v)", fresh, ok)
		}
		if _, ok := b["530103012004"]; ok {
			t.Fatal("team B sees a village of team A's street")
		}
		if b["530103011002"].Counts.OpenReports != 1 {
			t.Fatalf("the demo village at the notice has an open report: %+v", b["530103011002"])
		}
		path := fmt.Sprintf("/api/v1/village-lists/%d", fresh.ID)
		if r := s.do(req{method: "GET", path: path, token: teamA}); r.Code != http.StatusNotFound {
			t.Fatalf("team A reads team B's list: %d", r.Code)
		}

		// The officer may not move stage 1 (403, with the owner named); the
		// team may not until every group is analysed (409 condition_unmet).
		r := s.do(req{method: "POST", path: path + "/move-on", token: officer, body: map[string]any{"version": fresh.Version}})
		if r.Code != http.StatusForbidden || !strings.Contains(r.Body.String(), "核查组") {
			t.Fatalf("officer moving stage 1: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: path + "/move-on", token: team, body: map[string]any{"version": fresh.Version}})
		if r.Code != http.StatusConflict || r.errCode(t) != "condition_unmet" || !strings.Contains(r.Body.String(), "groups_not_analysed") {
			t.Fatalf("moving before the analysis: %d %s", r.Code, r.Body)
		}
		var d struct {
			Groups []struct {
				ID int64 `json:"id"`
			} `json:"groups"`
			CanMoveOn bool `json:"can_move_on"`
			Blockers  []struct {
				Code string `json:"code"`
			} `json:"blockers"`
			CanRecord []string `json:"can_record"`
		}
		s.do(req{method: "GET", path: path, token: team}).json(t, &d)
		if d.CanMoveOn || len(d.Blockers) == 0 || len(d.CanRecord) != 1 || d.CanRecord[0] != "analysis_meeting" {
			t.Fatalf("list as the team: %+v", d)
		}
		var groups []int64
		for _, g := range d.Groups {
			groups = append(groups, g.ID)
		}
		// A mass-assigned stage or an unknown key is refused.
		r = s.do(req{method: "POST", path: path + "/records", token: team, body: map[string]any{"kind": "analysis_meeting", "held_on": "2017-06-05",
			"group_ids": groups, "stage": 14, "body": map[string]any{"chair": "组长", "attendees": "干部", "work_plan": "计划"}}})
		if r.Code != http.StatusBadRequest {
			t.Fatalf("unknown field: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: path + "/records", token: team, body: map[string]any{"kind": "analysis_meeting", "held_on": "2017-06-05",
			"group_ids": groups, "body": map[string]any{"chair": "组长", "attendees": "干部", "work_plan": "计划", "stage": 3}}})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown body field: %d %s", r.Code, r.Body)
		}
		r = s.do(req{method: "POST", path: path + "/records", token: team, body: map[string]any{"kind": "analysis_meeting", "held_on": "2017-06-05",
			"group_ids": groups, "body": map[string]any{"chair": "组长", "attendees": "干部", "work_plan": "计划"}}})
		if r.Code != http.StatusCreated {
			t.Fatalf("analysis meeting: %d %s", r.Code, r.Body)
		}
		// The record bumped the version: a move on the stale one is a conflict.
		r = s.do(req{method: "POST", path: path + "/move-on", token: team, body: map[string]any{"version": fresh.Version}})
		if r.Code != http.StatusConflict || r.errCode(t) != "version_conflict" {
			t.Fatalf("stale move: %d %s", r.Code, r.Body)
		}
		now := s.board(t, team)["530103011018"]
		r = s.do(req{method: "POST", path: path + "/move-on", token: team, body: map[string]any{"version": now.Version}})
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `"key":"survey"`) {
			t.Fatalf("move on: %d %s", r.Code, r.Body)
		}
		// The street may not send back a list at the survey (its range is 10–11).
		r = s.do(req{method: "POST", path: path + "/send-back", token: street, body: map[string]any{"target": "analysis", "reason": "重新分析"}})
		if r.Code != http.StatusForbidden {
			t.Fatalf("street send-back at stage 2: %d %s", r.Code, r.Body)
		}

		// The demo's recorded village: notice print data and XLSX mask IDs;
		// the district exports it for the national system (audited).
		done := s.board(t, district)["530103009002"]
		r = s.do(req{method: "GET", path: fmt.Sprintf("/api/v1/village-lists/%d/notice/export", done.ID), token: district})
		if r.Code != http.StatusOK || !strings.HasPrefix(r.Body.String(), "PK") {
			t.Fatalf("notice xlsx: %d", r.Code)
		}
		for _, f := range []string{"xlsx", "csv", "json"} {
			r = s.do(req{method: "GET", path: "/api/v1/campaigns/1/national-export?format=" + f + "&village=530103009002", token: district})
			if r.Code != http.StatusOK || r.Body.Len() == 0 {
				t.Fatalf("national export %s: %d %s", f, r.Code, r.Body)
			}
		}
		r = s.do(req{method: "GET", path: "/api/v1/campaigns/1/national-export?format=pdf", token: district})
		if r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown export format: %d", r.Code)
		}
		var audit struct {
			Total int `json:"total"`
		}
		s.do(req{method: "GET", path: "/api/v1/audit-events?action=campaign.export_national", token: s.as("auditor").token}).json(t, &audit)
		if audit.Total != 3 {
			t.Fatalf("national exports audited: %d, want 3", audit.Total)
		}
		// The households behind a figure: the recorded village's cases, and
		// the causes of poverty summing to the registered and exited households.
		var cases struct {
			Total int64 `json:"total"`
			Items []struct {
				Proposal string `json:"proposal"`
			} `json:"items"`
		}
		s.do(req{method: "GET", path: "/api/v1/campaigns/1/cases?village=530103009002&page_size=100", token: district}).json(t, &cases)
		if cases.Total == 0 || int(cases.Total) != len(cases.Items) || cases.Items[0].Proposal == "" {
			t.Fatalf("cases of the recorded village: %+v", cases)
		}
		s.do(req{method: "GET", path: "/api/v1/campaigns/1/cases?village=530103009002&page_size=100", token: street}).json(t, &cases)
		if cases.Total != 0 {
			t.Fatalf("street 530103011 sees %d cases of a village of 530103009", cases.Total)
		}
		var causes []struct {
			Households int64 `json:"households"`
		}
		s.do(req{method: "GET", path: "/api/v1/households/causes", token: street}).json(t, &causes)
		var byCause, byStatus int64
		for _, c := range causes {
			byCause += c.Households
		}
		for _, status := range []string{"registered", "exited"} {
			var page struct {
				Total int64 `json:"total"`
			}
			s.do(req{method: "GET", path: "/api/v1/households?street=530103011&status=" + status, token: street}).json(t, &page)
			byStatus += page.Total
		}
		if byCause == 0 || byCause != byStatus {
			t.Fatalf("causes count %d households, the register %d", byCause, byStatus)
		}

		// Home pages: the team has lists to move and a report to investigate.
		var work struct {
			Items []struct {
				Key   string `json:"key"`
				Count int    `json:"count"`
			} `json:"items"`
		}
		s.do(req{method: "GET", path: "/api/v1/work", token: team}).json(t, &work)
		keys := map[string]int{}
		for _, w := range work.Items {
			keys[w.Key] = w.Count
		}
		if keys["lists_to_move"] == 0 || keys["reports_to_investigate"] != 1 || keys["overdue_lists"] == 0 {
			t.Fatalf("team's work: %+v", work)
		}
	})
}
