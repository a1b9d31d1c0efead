package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"jingzhun/internal/api"
	"jingzhun/internal/store"
	"jingzhun/internal/store/storetest"
	"jingzhun/internal/workflow"
)

// massRow is one writable resource: a valid request as a role, the fields
// the resource has that a client must never set (status, stage, scope,
// version on create, creator, ids, server times…), and the reads that must
// not change when they are sent.
type massRow struct {
	route string
	as    string // a scoped role of demoAccount, or a demo username
	// valid builds a valid request now (with the current versions).
	valid func(f *scopeFixture) call
	// protected are sent one at a time on top of the valid body; each must
	// be refused as an unknown field (400 unknown_field): the input type
	// has no such field.
	protected map[string]any
	// refused are changes of the valid body the role may not make: a stale
	// version, a scope it may not move the object to, a role it may not
	// give itself; each with the status it must get (and the error code,
	// where it is one).
	refused []refusal
	back    func(f *scopeFixture) []string
	backAs  string // who reads back; district unless said
	// ok is the status the valid request gets at the end, showing that the
	// refusals were the fields' doing; 0 where the demo's state does not
	// let the valid request through (the list moves, which need work done).
	ok int
}

type refusal struct {
	name   string
	change func(f *scopeFixture, body map[string]any)
	status int
	code   string
}

var (
	serverTimes = map[string]any{"created_at": "2017-01-01T00:00:00Z", "updated_at": "2017-01-01T00:00:00Z"}
	creators    = map[string]any{"created_by": "admin", "updated_by": "admin"}
)

func fields(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// stale sets the body's version to one that is not the current one.
func stale(key string) refusal {
	return refusal{name: "stale " + key, status: http.StatusConflict, code: "version_conflict",
		change: func(f *scopeFixture, b map[string]any) { b[key] = toInt(b[key]) + 5 }}
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}

func set(key string, v any, status int, code string) refusal {
	return refusal{name: fmt.Sprintf("%s=%v", key, v), status: status, code: code,
		change: func(f *scopeFixture, b map[string]any) { b[key] = v }}
}

func (f *scopeFixture) read(t *testing.T, path string, dst any) {
	t.Helper()
	f.get(t, path, dst)
}

// version reads the version of an object as the district.
func (f *scopeFixture) version(path string) int64 {
	r := f.s.do(req{method: "GET", path: path, token: f.tokens["district"]})
	var v struct {
		Version int64 `json:"version"`
	}
	_ = json.Unmarshal(r.Body.Bytes(), &v)
	return v.Version
}

// householdWithCode finds a household by code (0 when there is none).
func (f *scopeFixture) householdWithCode(code string) (id, version int64) {
	r := f.s.do(req{method: "GET", path: "/api/v1/households?q=" + code, token: f.tokens["district"]})
	var p pageOf[struct {
		ID      int64  `json:"id"`
		Code    string `json:"code"`
		Version int64  `json:"version"`
	}]
	_ = json.Unmarshal(r.Body.Bytes(), &p)
	for _, h := range p.Items {
		if h.Code == code {
			return h.ID, h.Version
		}
	}
	return 0, 0
}

// secondHousehold is another household of the officer's village, the
// member transfer's target.
func (f *scopeFixture) secondHousehold() (id, version int64) {
	own := f.sites[ownVillage]
	r := f.s.do(req{method: "GET", path: "/api/v1/households?village=" + ownVillage + "&page_size=100", token: f.tokens["district"]})
	var p pageOf[struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}]
	_ = json.Unmarshal(r.Body.Bytes(), &p)
	for _, h := range p.Items {
		if h.ID != own.household {
			return h.ID, h.Version
		}
	}
	return 0, 0
}

const massCode = ownVillage + "-MA01"

func (f *scopeFixture) teamMember(team string) (id, version int64) {
	r := f.s.do(req{method: "GET", path: "/api/v1/check-teams", token: f.tokens["district"]})
	var teams struct {
		Items []struct {
			Code    string `json:"code"`
			Members []struct {
				ID      int64 `json:"id"`
				Version int64 `json:"version"`
			} `json:"members"`
		} `json:"items"`
	}
	_ = json.Unmarshal(r.Body.Bytes(), &teams)
	for _, t := range teams.Items {
		if t.Code == team && len(t.Members) > 0 {
			m := t.Members[len(t.Members)-1]
			return m.ID, m.Version
		}
	}
	return 0, 0
}

func (f *scopeFixture) officerOf(village string) (id, version int64) {
	r := f.s.do(req{method: "GET", path: "/api/v1/officers", token: f.tokens["district"]})
	var p struct {
		Items []struct {
			ID          int64  `json:"id"`
			VillageCode string `json:"village_code"`
			Version     int64  `json:"version"`
		} `json:"items"`
	}
	_ = json.Unmarshal(r.Body.Bytes(), &p)
	for _, o := range p.Items {
		if o.VillageCode == village {
			id, version = o.ID, o.Version
		}
	}
	return id, version
}

func (f *scopeFixture) userID(username string) int64 {
	r := f.s.do(req{method: "GET", path: "/api/v1/users?q=" + username, token: f.tokens["admin"]})
	var p pageOf[struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
	}]
	_ = json.Unmarshal(r.Body.Bytes(), &p)
	for _, u := range p.Items {
		if u.Username == username {
			return u.ID
		}
	}
	return 0
}

// apiRoute is a route of api.Routes() as the tables name it.
type apiRoute struct{ method, key string }

func apiRoutes() []apiRoute {
	var out []apiRoute
	for _, r := range api.Routes() {
		out = append(out, apiRoute{method: r.Method, key: r.Method + " " + r.Path})
	}
	return out
}

func (f *scopeFixture) apiClient(name string) int64 {
	r := f.s.do(req{method: "GET", path: "/api/v1/api-clients", token: f.tokens["admin"]})
	var p struct {
		Items []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	_ = json.Unmarshal(r.Body.Bytes(), &p)
	for _, c := range p.Items {
		if c.Name == name {
			return c.ID
		}
	}
	return 0
}

func (f *scopeFixture) inspectionVersion() int64 {
	return f.version("/api/v1/inspections/" + id(f.inspection))
}

var massRows = []massRow{
	// The register. A household's status (建档立卡状态) is survey data the
	// team records (register.md); what the server keeps is refused.
	{route: "POST /households", as: "village_officer", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/households", body: householdBody(massCode, ownVillage, personID("1961-02-03", 11), personID("1963-05-06", 12))}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "street_code": "530103011", "net_income": "1.00",
			"per_capita_income": "1.00", "household_size": 9, "outcome": "include", "stage": 14, "key_version": 2, "deleted_at": nil}),
		refused: []refusal{
			set("version", 7, http.StatusUnprocessableEntity, "validation_failed"),
			set("village_code", nearVillage, http.StatusUnprocessableEntity, "validation_failed"),
			set("village_code", farVillage, http.StatusUnprocessableEntity, "validation_failed"),
		},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/households?q=" + massCode} }},
	{route: "PUT /households/:id", as: "village_officer", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			own := f.sites[ownVillage]
			b := f.householdInput(own)
			b["phone"] = "13987161234"
			return call{path: "/api/v1/households/" + id(own.household), body: b}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 2, "street_code": "530103011", "net_income": "1.00",
			"per_capita_income": "1.00", "household_size": 9, "outcome": "include", "stage": 14, "key_version": 2}),
		refused: []refusal{stale("version"),
			set("village_code", nearVillage, http.StatusUnprocessableEntity, "validation_failed"),
			set("village_code", farVillage, http.StatusUnprocessableEntity, "validation_failed")},
		back: func(f *scopeFixture) []string { return householdBack(f, f.sites[ownVillage]) }},
	{route: "POST /members/:id/transfer", as: "village_officer", ok: http.StatusNoContent,
		valid: func(f *scopeFixture) call {
			own := f.sites[ownVillage]
			to, tv := f.secondHousehold()
			return call{path: "/api/v1/members/" + id(own.member) + "/transfer", body: map[string]any{"to_household_id": to,
				"relation": "other", "reason": "marriage", "from_version": f.version("/api/v1/households/" + id(own.household)), "to_version": tv}}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 3, "member_id": 1, "household_id": 1, "from_household_id": 1,
			"at": "2017-01-01T00:00:00Z", "by": "admin"}),
		refused: []refusal{stale("from_version"), stale("to_version"),
			refusal{name: "to a household outside the scope", status: http.StatusNotFound, code: "not_found",
				change: func(f *scopeFixture, b map[string]any) { b["to_household_id"] = f.sites[nearVillage].household }}},
		back: func(f *scopeFixture) []string {
			to, _ := f.secondHousehold()
			return append(householdBack(f, f.sites[ownVillage]), "/api/v1/households/"+id(to))
		}},
	{route: "DELETE /households/:id", as: "village_officer", ok: http.StatusNoContent,
		valid: func(f *scopeFixture) call {
			h, v := f.householdWithCode(massCode)
			return call{path: "/api/v1/households/" + id(h), body: map[string]any{"version": v, "reason": "重复录入"}}
		},
		protected: map[string]any{"deleted_by": "admin", "deleted_at": "2017-01-01T00:00:00Z", "status": "exited", "id": 1},
		refused:   []refusal{stale("version")},
		back: func(f *scopeFixture) []string {
			h, _ := f.householdWithCode(massCode)
			return []string{"/api/v1/households/" + id(h)}
		}},
	{route: "PUT /villages/:code/facts", as: "village_officer", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/villages/" + ownVillage + "/facts", body: map[string]any{"version": f.version("/api/v1/villages/" + ownVillage + "/facts"), "households": 312}}
		},
		protected: fields(creators, map[string]any{"village_code": farVillage, "street_code": "530103011", "village_name": "周达村委会", "updated_at": "2017-01-01T00:00:00Z"}),
		refused:   []refusal{stale("version")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/villages/" + ownVillage + "/facts"} }},

	// Campaigns and the figures: the district's.
	{route: "PATCH /campaigns/:id", as: "district", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/campaigns/1", body: map[string]any{"version": f.version("/api/v1/campaigns/1"), "report_phone": "12318"}}
		},
		protected: fields(creators, map[string]any{"id": 2, "active": false, "updated_at": "2017-01-01T00:00:00Z", "stage": 14, "status": "closed"}),
		refused:   []refusal{stale("version")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/campaigns/1"} }},
	{route: "POST /campaigns/:id/recompute", as: "street", ok: http.StatusAccepted,
		valid: func(f *scopeFixture) call {
			f.s.app.Jobs.Wait()
			return call{path: "/api/v1/campaigns/1/recompute", body: map[string]any{"street": "530103012"}}
		},
		protected: map[string]any{"status": "done", "created_by": "district", "kind": "campaign.recompute", "done": 1, "total": 1, "campaign_id": 2},
		refused: []refusal{set("street", "530103011", http.StatusUnprocessableEntity, "validation_failed"),
			set("village", farVillage, http.StatusUnprocessableEntity, "validation_failed")},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/campaigns/1"} }},
	{route: "PUT /poverty-lines/:year", as: "district", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/poverty-lines/2016", body: map[string]any{"line": "3000.00", "note": "国家扶贫标准"}}
		},
		protected: fields(serverTimes, creators, map[string]any{"income_year": 2015, "id": 1}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/poverty-lines"} }},
	{route: "PUT /campaigns/:id/plans", as: "district", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/campaigns/1/plans", body: map[string]any{"plans": []any{map[string]any{"street_code": "530103012", "kind": "include", "households": 12, "people": 40}}}}
		},
		protected: fields(creators, map[string]any{"campaign_id": 2, "updated_at": "2017-01-01T00:00:00Z"}),
		refused: []refusal{{name: "a plan's updated_by", status: http.StatusBadRequest, code: "unknown_field",
			change: func(f *scopeFixture, b map[string]any) {
				b["plans"].([]any)[0].(map[string]any)["updated_by"] = "admin"
			}}},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/campaigns/1/figures"} }},
	{route: "PUT /campaigns/:id/threshold", as: "district", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/campaigns/1/threshold", body: map[string]any{"percent": "2"}}
		},
		protected: fields(creators, map[string]any{"fraction": "0.5", "campaign_id": 2, "updated_at": "2017-01-01T00:00:00Z"}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/campaigns/1/rates"} }},
	{route: "POST /campaigns/:id/referrals", as: "district", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/campaigns/1/referrals", body: map[string]any{"street_code": "530103012", "referred_on": "2017-12-21",
				"referred_to": "organization_department", "note": "移交区委组织部"}}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "campaign_id": 2, "referred_to_label": "区纪委"}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/campaigns/1/rates"} }},

	// The review procedure: stages move only by move-on and send-back.
	{route: "POST /village-lists/:id/move-on", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: listPath(x, "/move-on"), body: map[string]any{"version": f.version(listPath(x, "") + "?v"), "note": "同意"}}
		},
		protected: map[string]any{"stage": 14, "to": "recorded", "to_stage": 14, "moved_by": "district", "stage_since": "2017-01-01T00:00:00Z", "status": "recorded"},
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "POST /village-lists/:id/send-back", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: listPath(x, "/send-back"), body: map[string]any{"version": x.listV, "target": "survey", "reason": "入户调查表缺少签字"}}
		},
		protected: map[string]any{"stage": 2, "moved_by": "district", "status": "survey"},
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "POST /village-lists/:id/records", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: listPath(x, "/records"), body: map[string]any{"kind": "survey", "held_on": "2017-06-10",
				"household_ids": []int64{x.household}, "body": map[string]any{}}}
		},
		protected: fields(serverTimes, creators, map[string]any{"stage": 14, "list_id": 1, "id": 1}),
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "POST /village-lists/:id/opinions/:oid/answer", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: listPath(x, "/opinions/"+id(x.opinion)+"/answer"), body: map[string]any{"answer": "已入户核实"}}
		},
		protected: map[string]any{"answered_by": "district", "answered_at": "2017-01-01T00:00:00Z", "needs_check": false, "text": "改写", "record_id": 1},
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "POST /village-lists/:id/notices", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: listPath(x, "/notices"), body: map[string]any{"posted_on": "2017-06-20", "place": "村委会公示栏",
				"report_phone": "12317", "supervisor": "区纪委", "issued_by": "核查组"}}
		},
		protected: fields(serverTimes, creators, map[string]any{"level": "street", "runs_until": "2017-12-31", "draft": false, "stage": 9, "status": "posted", "id": 1, "rows": []any{}}),
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "POST /village-lists/:id/reports", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[farVillage]
			return call{path: listPath(x, "/reports"), body: map[string]any{"received_on": "2017-06-22", "channel": "phone", "content": "反映该户有车"}}
		},
		protected: fields(serverTimes, creators, map[string]any{"status": "upheld", "upheld": true, "level": "street", "notice_id": 1, "id": 1, "investigated_by": "district"}),
		backAs:    "district",
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[farVillage]) }},
	{route: "POST /village-lists/:id/reports/:rid/investigation", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[farVillage]
			return call{path: listPath(x, "/reports/"+id(x.report)+"/investigation"), body: map[string]any{"upheld": false, "findings": "经入户核实不属实", "answer": "已电话答复"}}
		},
		protected: map[string]any{"status": "upheld", "investigated_by": "district", "investigated_at": "2017-01-01T00:00:00Z", "report_id": 1, "stage": 9},
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[farVillage]) }},
	{route: "POST /village-lists/:id/proposals", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: listPath(x, "/proposals"), body: map[string]any{"case_ids": []int64{x.kase}, "accept": true}}
		},
		protected: map[string]any{"computed": "include", "flagged": false, "proposed_by": "district", "proposed_at": "2017-01-01T00:00:00Z", "stage": 14, "status": "proposed"},
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "POST /cases/:id/proposal", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: "/api/v1/cases/" + id(x.kase) + "/proposal", body: map[string]any{"version": f.caseVersion(x), "accept": true}}
		},
		protected: map[string]any{"computed": "include", "flagged": false, "proposed_by": "district", "proposed_at": "2017-01-01T00:00:00Z",
			"household_id": 1, "list_id": 1, "status": "registered", "proposal_override": true},
		refused: []refusal{stale("version")},
		back:    func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "PUT /cases/:id/recovery", as: "check_team",
		valid: func(f *scopeFixture) call {
			x := f.sites[nearVillage]
			return call{path: "/api/v1/cases/" + id(x.kase) + "/recovery", body: map[string]any{"version": f.caseVersion(x), "refuses_exit": false}}
		},
		protected: map[string]any{"proposal": "keep", "computed": "keep", "flagged": true, "household_id": 1, "status": "registered"},
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},

	// The cross-check and the departments' confirmations.
	{route: "POST /discrepancies/:id/resolve", as: "team-B", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/discrepancies/" + id(f.discrepancy) + "/resolve", body: map[string]any{"decision": "keep", "reason": "入户核实，车辆已转卖"}}
		},
		protected: map[string]any{"status": "accepted", "resolved_by": "district", "resolved_at": "2017-01-01T00:00:00Z", "household_id": 1,
			"department_value": "无", "survey_value": "无", "street_code": "530103012"},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/discrepancies/" + id(f.discrepancy)} }},
	{route: "POST /departments/:code/tasks/confirm", as: "department",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/departments/police/tasks/confirm", body: map[string]any{"campaign_id": 1, "kind": "household", "all": true, "village": ownVillage}}
		},
		protected: map[string]any{"state": "confirmed", "by": "district", "at": "2017-01-01T00:00:00Z", "department": "civil"},
		back: func(f *scopeFixture) []string {
			return []string{"/api/v1/departments/police/tasks?village=" + ownVillage}
		}},
	{route: "POST /departments/:code/tasks/correct", as: "department",
		valid: func(f *scopeFixture) call {
			own := f.sites[ownVillage]
			return call{path: "/api/v1/departments/police/tasks/correct", body: map[string]any{"campaign_id": 1, "kind": "household",
				"household_id": own.household, "field": "hukou", "value": "agricultural", "version": f.version("/api/v1/households/" + id(own.household))}}
		},
		protected: map[string]any{"state": "corrected", "by": "district", "at": "2017-01-01T00:00:00Z", "department": "civil"},
		back: func(f *scopeFixture) []string {
			return []string{"/api/v1/departments/police/tasks?village=" + ownVillage}
		}},
	{route: "POST /departments/:code/tasks/dispute", as: "department",
		valid: func(f *scopeFixture) call {
			own := f.sites[ownVillage]
			return call{path: "/api/v1/departments/police/tasks/dispute", body: map[string]any{"campaign_id": 1, "kind": "household",
				"household_id": own.household, "field": "hukou", "note": "户籍系统中为非农业"}}
		},
		protected: map[string]any{"state": "disputed", "by": "district", "at": "2017-01-01T00:00:00Z", "department": "civil"},
		back: func(f *scopeFixture) []string {
			return []string{"/api/v1/departments/police/tasks?village=" + ownVillage}
		}},

	// The directories.
	{route: "POST /officers", as: "street", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/officers", body: map[string]any{"village_code": nearVillage, "name": "王海燕", "phone": "13987160001", "appointed_on": "2017-03-01"}}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "version": 3, "street_code": "530103011", "street_name": "滇源街道", "removed": true}),
		refused:   []refusal{set("village_code", farVillage, http.StatusUnprocessableEntity, "validation_failed")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/officers"} }},
	{route: "PUT /officers/:id", as: "street", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			o, v := f.officerOf(nearVillage)
			return call{path: "/api/v1/officers/" + id(o), body: map[string]any{"version": v, "village_code": nearVillage, "name": "王海燕", "appointed_on": "2017-03-02"}}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "street_code": "530103011", "removed": true}),
		refused:   []refusal{stale("version"), set("village_code", farVillage, http.StatusUnprocessableEntity, "validation_failed")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/officers"} }},
	{route: "DELETE /officers/:id", as: "street", ok: http.StatusNoContent,
		valid: func(f *scopeFixture) call {
			o, v := f.officerOf(nearVillage)
			return call{path: "/api/v1/officers/" + id(o), body: map[string]any{"version": v, "reason": "调离"}}
		},
		protected: map[string]any{"deleted_by": "district", "removed_at": "2017-01-01T00:00:00Z", "id": 1},
		refused:   []refusal{stale("version")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/officers"} }},
	{route: "POST /trainings", as: "street", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/trainings", body: map[string]any{"held_on": "2017-05-20", "topic": "动态管理业务培训", "trainer": "阿子营街道",
				"hours": "4", "street": "530103012", "attendees": []int64{f.sites[ownVillage].officer}}}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "street_name": "滇源街道", "version": 2}),
		refused:   []refusal{set("street", "530103011", http.StatusUnprocessableEntity, "validation_failed")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/trainings"} }},
	{route: "POST /check-teams/:code/members", as: "district", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/check-teams/A/members", body: map[string]any{"name": "李建华", "department": "police", "post": "科员", "phone": "13871230000", "role": "member"}}
		},
		protected: fields(map[string]any{"team_code": "B", "id": 1, "version": 3, "department_name": "区公安分局", "updated_at": "2017-01-01T00:00:00Z"}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/check-teams"} }},
	{route: "PUT /check-teams/:code/members/:id", as: "district", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			m, v := f.teamMember("B")
			return call{path: "/api/v1/check-teams/B/members/" + id(m), body: map[string]any{"version": v, "name": "李建华", "department": "police", "post": "股长", "role": "member"}}
		},
		protected: map[string]any{"team_code": "A", "id": 1, "department_name": "区公安分局", "updated_at": "2017-01-01T00:00:00Z"},
		refused:   []refusal{stale("version")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/check-teams"} }},
	{route: "DELETE /check-teams/:code/members/:id", as: "district", ok: http.StatusNoContent,
		valid: func(f *scopeFixture) call {
			m, v := f.teamMember("B")
			return call{path: "/api/v1/check-teams/B/members/" + id(m), body: map[string]any{"version": v}}
		},
		protected: map[string]any{"team_code": "A", "reason": "调离"},
		refused:   []refusal{stale("version")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/check-teams"} }},

	// Inspections.
	{route: "POST /inspections", as: "district", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/inspections", body: map[string]any{"campaign_id": 1, "body": "district", "kind": "supervision",
				"started_on": "2017-11-20", "ended_on": "2017-11-22", "note": "区级抽查",
				"households": []any{map[string]any{"household_code": f.householdCode(f.sites[ownVillage]), "finding": "correct"}}}}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "version": 4, "body_label": "国家", "kind_label": "检查考核"}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/inspections"} }},
	{route: "PUT /inspections/:id", as: "district", ok: http.StatusOK,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/inspections/" + id(f.inspection), body: f.inspectionInput()}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "campaign_id": 2}),
		refused: []refusal{stale("version"), {name: "a sampled household's street", status: http.StatusBadRequest, code: "unknown_field",
			change: func(f *scopeFixture, b map[string]any) {
				b["households"].([]any)[0].(map[string]any)["street_code"] = "530103012"
			}}},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/inspections/" + id(f.inspection)} }},
	{route: "DELETE /inspections/:id", as: "district", ok: http.StatusNoContent,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/inspections/" + id(f.inspection), body: map[string]any{"version": f.inspectionVersion(), "reason": "重复录入"}}
		},
		protected: map[string]any{"deleted_by": "admin", "id": 1},
		refused:   []refusal{stale("version")},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/inspections"} }},

	// Accounts: only the administrator gives roles and scopes, and not to
	// itself; a user's own endpoints take no role, scope or status.
	{route: "POST /users", as: "admin", ok: http.StatusCreated, backAs: "admin",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/users", body: map[string]any{"username": "officer-ma", "display_name": "张丽", "role": "village_officer",
				"scope": map[string]any{"villages": []string{ownVillage}}, "password": "Panlong#2017ab"}}
		},
		protected: map[string]any{"id": 1, "disabled": true, "locked": true, "must_change_password": false, "created_at": "2017-01-01T00:00:00Z",
			"last_login_at": "2017-01-01T00:00:00Z", "password_hash": "x", "mfa_enabled": true, "totp_secret": "x", "status": "active"},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/users?q=officer-ma"} }},
	{route: "PATCH /users/:id", as: "admin", ok: http.StatusOK, backAs: "admin",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/users/" + id(f.userID("supervisor")), body: map[string]any{"display_name": "盘龙区政府目督办"}}
		},
		protected: map[string]any{"username": "root", "password": "Panlong#2017ab", "locked": false, "must_change_password": false,
			"created_at": "2017-01-01T00:00:00Z", "id": 1, "mfa_enabled": false, "key_version": 2},
		refused: []refusal{{name: "the administrator's own role", status: http.StatusUnprocessableEntity, code: "validation_failed",
			change: func(f *scopeFixture, b map[string]any) {
				b["role"] = "district"
				f.selfPath = "/api/v1/users/" + id(f.userID("admin"))
			}}},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/users?q=supervisor", "/api/v1/users?q=admin"} }},
	{route: "POST /users/:id/password-reset", as: "admin", backAs: "admin",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/users/" + id(f.userID("supervisor")) + "/password-reset", body: map[string]any{"password": "Panlong#2017ab"}}
		},
		protected: map[string]any{"must_change_password": false, "role": "district", "username": "root"},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/users?q=supervisor"} }},
	{route: "POST /auth/password", as: "village_officer", backAs: "admin",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/auth/password", body: map[string]any{"old_password": demoPassword, "new_password": "Panlong#2017ab"}}
		},
		protected: map[string]any{"role": "district", "scope": map[string]any{"villages": []string{farVillage}}, "username": "district",
			"must_change_password": false, "disabled": false},
		back: func(f *scopeFixture) []string { return []string{"/api/v1/users?q=officer-530103012004"} }},

	// Uploads: a multipart form takes the file and the fields the handler
	// reads, nothing else.
	{route: "POST /households/:id/attachments", as: "village_officer", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/households/" + id(f.sites[ownVillage].household) + "/attachments", form: map[string]string{"kind": "photo"}}
		},
		protected: fields(serverTimes, map[string]any{"created_by": "district", "household_id": 1, "sha256": "00", "size": 1, "content_type": "text/html", "id": 1}),
		back: func(f *scopeFixture) []string {
			return []string{"/api/v1/households/" + id(f.sites[ownVillage].household) + "/attachments"}
		}},
	{route: "POST /village-lists/:id/files", as: "check_team",
		valid: func(f *scopeFixture) call {
			return call{path: listPath(f.sites[nearVillage], "/files"), form: map[string]string{}}
		},
		protected: fields(serverTimes, map[string]any{"created_by": "district", "list_id": 1, "stage": 14, "sha256": "00", "content_type": "text/html"}),
		back:      func(f *scopeFixture) []string { return listBack(f, f.sites[nearVillage]) }},
	{route: "POST /departments/:code/imports", as: "department", ok: http.StatusAccepted,
		valid: func(f *scopeFixture) call {
			f.s.app.Jobs.Wait()
			return call{path: "/api/v1/departments/police/imports", form: map[string]string{"dataset": "vehicles"},
				csv: "身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期\n"}
		},
		protected: fields(serverTimes, map[string]any{"created_by": "district", "status": "imported", "department": "civil", "campaign_id": 2, "dry_run": "false"}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/departments/police/imports"} }},
	{route: "POST /departments/:code/tasks/import", as: "department",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/departments/police/tasks/import", form: map[string]string{"campaign_id": "1"}, csv: "x\n"}
		},
		protected: map[string]any{"state": "confirmed", "by": "district", "department": "civil"},
		back: func(f *scopeFixture) []string {
			return []string{"/api/v1/departments/police/tasks?village=" + ownVillage}
		}},
	{route: "POST /inspections/import", as: "district",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/inspections/import", form: map[string]string{"campaign_id": "1"}, csv: "x\n"}
		},
		protected: fields(serverTimes, creators, map[string]any{"id": 1, "version": 2}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/inspections"} }},
	{route: "POST /households/import", as: "district",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/households/import", form: map[string]string{}, csv: "x\n"}
		},
		protected: fields(creators, map[string]any{"status": "registered", "version": 2, "village_code": farVillage}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/households?page_size=1"} }},

	// Third parties' clients: the administrator names them and their
	// scopes; the server keeps their ids, secrets and status.
	{route: "POST /api-clients", as: "admin", ok: http.StatusCreated, backAs: "admin",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/api-clients", body: map[string]any{"name": "省大数据平台", "organisation": "云南省大数据中心",
				"scopes": []string{"register:read"}, "rate_per_minute": 60}}
		},
		protected: fields(map[string]any{"id": 1, "client_id": "jzc_x", "client_secret": "x", "secret_hash": "x", "status": "revoked",
			"created_at": "2017-01-01T00:00:00Z", "created_by": "district", "revoked_at": "2017-01-01T00:00:00Z", "revoked_by": "admin",
			"last_used_at": "2017-01-01T00:00:00Z"}),
		back: func(f *scopeFixture) []string { return []string{"/api/v1/api-clients"} }},
	{route: "POST /api-clients/:id/revoke", as: "admin", ok: http.StatusOK, backAs: "admin",
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/api-clients/" + id(f.apiClient("省大数据平台")) + "/revoke", body: map[string]any{"reason": "合作协议到期"}}
		},
		protected: map[string]any{"status": "active", "revoked_by": "district", "revoked_at": "2017-01-01T00:00:00Z", "id": 1},
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/api-clients"} }},

	// Last: a new campaign (it may become the active one).
	{route: "POST /campaigns", as: "district", ok: http.StatusCreated,
		valid: func(f *scopeFixture) call {
			return call{path: "/api/v1/campaigns", body: map[string]any{"name": "2018年动态管理", "campaign_year": 2018, "income_year": 2017,
				"poverty_line": "3335.00", "vehicle_value_limit": "30000", "reference_date": "2018-06-30", "report_phone": "12317",
				"supervisor_unit": "盘龙区纪委监委、区扶贫办", "deadlines": deadlines2018()}}
		},
		protected: fields(creators, map[string]any{"id": 9, "active": true, "version": 3, "updated_at": "2017-01-01T00:00:00Z", "status": "open", "stage": 1}),
		back:      func(f *scopeFixture) []string { return []string{"/api/v1/campaigns"} }},
}

func deadlines2018() map[string]string {
	out := map[string]string{}
	for i, st := range workflow.All() {
		out[st.Key()] = fmt.Sprintf("2018-07-%02d", i+1)
	}
	return out
}

func (f *scopeFixture) householdCode(x *site) string {
	r := f.s.do(req{method: "GET", path: "/api/v1/households/" + id(x.household), token: f.tokens["district"]})
	var h struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(r.Body.Bytes(), &h)
	return h.Code
}

func (f *scopeFixture) caseVersion(x *site) int64 {
	r := f.s.do(req{method: "GET", path: listPath(x, ""), token: f.tokens["district"]})
	var d struct {
		Cases []struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		} `json:"cases"`
	}
	_ = json.Unmarshal(r.Body.Bytes(), &d)
	for _, c := range d.Cases {
		if c.ID == x.kase {
			return c.Version
		}
	}
	return 0
}

// inspectionInput is the demo's 滇源 inspection as an edit of it.
func (f *scopeFixture) inspectionInput() map[string]any {
	r := f.s.do(req{method: "GET", path: "/api/v1/inspections/" + id(f.inspection), token: f.tokens["district"]})
	var d struct {
		Version    int64  `json:"version"`
		Body       string `json:"body"`
		Kind       string `json:"kind"`
		StartedOn  string `json:"started_on"`
		EndedOn    string `json:"ended_on"`
		Note       string `json:"note"`
		Households []struct {
			HouseholdCode string `json:"household_code"`
			Finding       string `json:"finding"`
		} `json:"households"`
	}
	_ = json.Unmarshal(r.Body.Bytes(), &d)
	hs := []any{}
	for _, h := range d.Households {
		hs = append(hs, map[string]any{"household_code": h.HouseholdCode, "finding": h.Finding})
	}
	return map[string]any{"version": d.Version, "body": d.Body, "kind": d.Kind, "started_on": d.StartedOn, "ended_on": d.EndedOn,
		"note": d.Note + "（复核）", "households": hs}
}

func (f *scopeFixture) token(as string) string {
	if t, ok := f.tokens[as]; ok {
		return t
	}
	return f.s.as(as).token
}

func (f *scopeFixture) snapshotAs(t *testing.T, as string, paths []string) []string {
	t.Helper()
	if as == "" {
		as = "district"
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		r := f.s.do(req{method: "GET", path: p, token: f.token(as)})
		out[i] = fmt.Sprint(r.Code, " ", r.Body.String())
	}
	return out
}

// bodyOf is a copy of the call's JSON body or form, to add a field to.
func bodyOf(c call) map[string]any {
	if c.form != nil {
		out := map[string]any{}
		for k, v := range c.form {
			out[k] = v
		}
		return out
	}
	return cloneBody(c.body)
}

func cloneBody(b any) map[string]any {
	j, _ := json.Marshal(b)
	var out map[string]any
	_ = json.Unmarshal(j, &out)
	return out
}

// TestNoMassAssignment: on every writable resource, each field the server
// keeps (status, stage, scope, version on create, creator, ids, times) sent
// on top of a valid body is refused as unknown, a stale version is a
// conflict, a scope the role may not move the object to is refused, and the
// stored record is as it was; then the valid body itself goes through.
func TestNoMassAssignment(t *testing.T) {
	// Every writable route with a JSON body has a row; the rest say why not.
	noJSON := map[string]string{
		"POST /auth/login": "credentials", "POST /auth/refresh": "cookie only", "POST /auth/logout": "cookie only",
		"POST /auth/mfa": "token and code", "POST /auth/mfa/setup": "no body", "POST /auth/mfa/enable": "a code",
		"POST /users/:id/mfa-reset":           "no body",
		"POST /evaluations":                   "stateless: nothing is stored",
		"POST /campaigns/:id/what-if":         "stateless: nothing is stored",
		"POST /campaigns/:id/open-lists":      "no body",
		"DELETE /attachments/:id":             "no body",
		"POST /api-clients/:id/rotate-secret": "no body",
	}
	rows := map[string]bool{}
	for _, r := range massRows {
		rows[r.route] = true
	}
	for _, r := range apiRoutes() {
		if r.method == "GET" || noJSON[r.key] != "" || rows[r.key] {
			continue
		}
		t.Errorf("writable route %s has no mass-assignment row", r.key)
	}
	if t.Failed() {
		return
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newScopeFixture(t, st)
		for _, row := range massRows {
			method := routeMethod(row.route)
			tok := f.token(row.as)
			check := func(what string, body map[string]any, c call, status int, code string) {
				t.Helper()
				before := f.snapshotAs(t, row.backAs, row.back(f))
				path := c.path
				if f.selfPath != "" {
					path, f.selfPath = f.selfPath, ""
				}
				c.path = path
				if c.form != nil {
					c.form = map[string]string{}
					for k, v := range body {
						c.form[k] = fmt.Sprint(v)
					}
				} else {
					c.body = body
				}
				r := f.send(method, c, tok)
				if r.Code != status || (code != "" && r.errCode(t) != code) {
					t.Errorf("%s as %s with %s: %d %s, want %d %s", row.route, row.as, what, r.Code, strings.TrimSpace(r.Body.String()), status, code)
				}
				if after := f.snapshotAs(t, row.backAs, row.back(f)); !slices.Equal(before, after) {
					t.Errorf("%s as %s with %s changed the record:\nbefore %v\nafter  %v", row.route, row.as, what, before, after)
				}
			}
			for _, k := range slices.Sorted(maps.Keys(row.protected)) {
				c := row.valid(f)
				body := bodyOf(c)
				body[k] = row.protected[k]
				check(k, body, c, http.StatusBadRequest, "unknown_field")
			}
			for _, rf := range row.refused {
				c := row.valid(f)
				body := bodyOf(c)
				rf.change(f, body)
				check(rf.name, body, c, rf.status, rf.code)
			}
			if row.ok != 0 {
				c := row.valid(f)
				if r := f.send(method, c, tok); r.Code != row.ok {
					t.Errorf("%s as %s, the valid request: %d %s, want %d", row.route, row.as, r.Code, strings.TrimSpace(r.Body.String()), row.ok)
				}
				f.s.app.Jobs.Wait()
			}
		}
	})
}
