package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"jingzhun/internal/config"
	"jingzhun/internal/store/storetest"
)

// Roles by demo account.
var demoAccount = map[string]string{
	"village_officer": "officer-530103012004",
	"check_team":      "team-A",
	"department":      "dept-police",
	"street":          "street-530103012",
	"district":        "district",
	"supervisor":      "supervisor",
	"admin":           "admin",
	"security_admin":  "security",
	"auditor":         "auditor",
}

var (
	allRoles     = []string{"village_officer", "check_team", "department", "street", "district", "supervisor", "admin", "security_admin", "auditor"}
	householders = []string{"village_officer", "check_team", "department", "street", "district", "supervisor"}
	public       = []string{} // no sign-in needed
	// Households: department liaisons get their own field-limited endpoints.
	readers = []string{"village_officer", "check_team", "street", "district", "supervisor"}
	editors = []string{"village_officer", "check_team", "street", "district"}
)

// authorization is written out by hand, apart from the router's own table, so
// that a route added or widened by mistake fails here. Every route the server
// registers under /api/v1 must be listed.
var authorization = map[string][]string{
	"POST /api/v1/auth/login":                                   public,
	"POST /api/v1/auth/refresh":                                 public,
	"POST /api/v1/auth/logout":                                  public,
	"POST /api/v1/auth/password":                                allRoles,
	"POST /api/v1/auth/mfa":                                     public,
	"POST /api/v1/auth/mfa/setup":                               allRoles,
	"POST /api/v1/auth/mfa/enable":                              allRoles,
	"POST /api/v1/users/:id/mfa-reset":                          {"security_admin"},
	"GET /api/v1/me":                                            allRoles,
	"GET /api/v1/work":                                          allRoles,
	"GET /api/v1/regions":                                       append(slices.Clone(householders), "admin"),
	"GET /api/v1/departments":                                   append(slices.Clone(householders), "admin"),
	"GET /api/v1/users":                                         {"admin"},
	"POST /api/v1/users":                                        {"admin"},
	"PATCH /api/v1/users/:id":                                   {"admin"},
	"POST /api/v1/users/:id/password-reset":                     {"admin"},
	"GET /api/v1/audit-events":                                  {"auditor"},
	"GET /api/v1/audit-events/export":                           {"auditor"},
	"GET /api/v1/audit-events/verify":                           {"auditor"},
	"GET /api/v1/code-lists":                                    householders,
	"GET /api/v1/villages/:code/groups":                         householders,
	"GET /api/v1/households":                                    readers,
	"POST /api/v1/households":                                   editors,
	"GET /api/v1/households/export":                             readers,
	"GET /api/v1/households/:id":                                readers,
	"PUT /api/v1/households/:id":                                editors,
	"DELETE /api/v1/households/:id":                             editors,
	"GET /api/v1/households/:id/history":                        readers,
	"GET /api/v1/households/:id/attachments":                    readers,
	"POST /api/v1/households/:id/attachments":                   editors,
	"GET /api/v1/attachments/:id":                               readers,
	"DELETE /api/v1/attachments/:id":                            editors,
	"POST /api/v1/members/:id/transfer":                         editors,
	"POST /api/v1/households/import":                            {"district"},
	"GET /api/v1/households/import-template":                    {"district"},
	"GET /api/v1/households/:id/interchange":                    readers,
	"POST /api/v1/evaluations":                                  {"district", "street", "check_team"},
	"GET /api/v1/households/:id/outcome":                        readers,
	"GET /api/v1/campaigns":                                     householders,
	"GET /api/v1/campaigns/:id":                                 householders,
	"PATCH /api/v1/campaigns/:id":                               {"district"},
	"POST /api/v1/campaigns/:id/recompute":                      {"district", "street"},
	"GET /api/v1/campaigns/:id/outcomes":                        readers,
	"GET /api/v1/campaigns/:id/outcomes/export":                 readers,
	"POST /api/v1/campaigns":                                    {"district"},
	"POST /api/v1/campaigns/:id/open-lists":                     {"district"},
	"GET /api/v1/campaigns/:id/cases":                           readers,
	"GET /api/v1/households/causes":                             readers,
	"GET /api/v1/campaigns/:id/lists":                           readers,
	"GET /api/v1/campaigns/:id/national-export":                 {"district"},
	"GET /api/v1/village-lists/:id":                             readers,
	"POST /api/v1/village-lists/:id/move-on":                    editors,
	"POST /api/v1/village-lists/:id/send-back":                  {"check_team", "street", "district"},
	"POST /api/v1/village-lists/:id/records":                    editors,
	"POST /api/v1/village-lists/:id/opinions/:oid/answer":       {"check_team"},
	"POST /api/v1/village-lists/:id/files":                      editors,
	"GET /api/v1/village-lists/:id/files/:fid":                  readers,
	"POST /api/v1/village-lists/:id/notices":                    {"check_team", "street"},
	"GET /api/v1/village-lists/:id/notice":                      readers,
	"GET /api/v1/village-lists/:id/notice/export":               readers,
	"POST /api/v1/village-lists/:id/reports":                    {"check_team", "street"},
	"POST /api/v1/village-lists/:id/reports/:rid/investigation": {"check_team", "street"},
	"POST /api/v1/village-lists/:id/proposals":                  {"check_team"},
	"POST /api/v1/cases/:id/proposal":                           {"check_team"},
	"PUT /api/v1/cases/:id/recovery":                            {"check_team", "street"},
	"GET /api/v1/jobs/:id":                                      {"district", "street", "supervisor", "department"},
	"GET /api/v1/poverty-lines":                                 householders,
	"PUT /api/v1/poverty-lines/:year":                           {"district"},
	"GET /api/v1/departments/:code/datasets":                    {"department", "district"},
	"GET /api/v1/departments/:code/datasets/:dataset/template":  {"department", "district"},
	"POST /api/v1/departments/:code/imports":                    {"department", "district"},
	"GET /api/v1/departments/:code/imports":                     {"department", "district"},
	"GET /api/v1/department-imports/:id":                        {"department", "district"},
	"GET /api/v1/department-imports/:id/report":                 {"department", "district"},
	"GET /api/v1/datasets":                                      {"check_team", "department", "street", "district", "supervisor"},
	"GET /api/v1/discrepancies":                                 {"check_team", "street", "district", "supervisor"},
	"GET /api/v1/discrepancies/export":                          {"check_team", "street", "district", "supervisor"},
	"GET /api/v1/data-quality":                                  readers,
	"GET /api/v1/data-quality/export":                           readers,
	"GET /api/v1/discrepancies/:id":                             {"check_team", "street", "district", "supervisor"},
	"POST /api/v1/discrepancies/:id/resolve":                    {"check_team", "district"},
	"GET /api/v1/villages/:code/facts":                          householders,
	"PUT /api/v1/villages/:code/facts":                          editors,
	"GET /api/v1/departments/:code/responsibilities":            append(slices.Clone(householders), "admin"),
	"GET /api/v1/departments/:code/tasks":                       {"department", "district"},
	"GET /api/v1/departments/:code/tasks/export":                {"department", "district"},
	"POST /api/v1/departments/:code/tasks/confirm":              {"department"},
	"POST /api/v1/departments/:code/tasks/correct":              {"department"},
	"POST /api/v1/departments/:code/tasks/dispute":              {"department"},
	"POST /api/v1/departments/:code/tasks/import":               {"department"},
	// Policy what-if and the directories (issue 8).
	"POST /api/v1/campaigns/:id/what-if":           {"district", "street", "supervisor", "check_team"},
	"GET /api/v1/officers":                         readers,
	"GET /api/v1/officers/export":                  readers,
	"POST /api/v1/officers":                        {"district", "street"},
	"PUT /api/v1/officers/:id":                     {"district", "street"},
	"DELETE /api/v1/officers/:id":                  {"district", "street"},
	"GET /api/v1/trainings":                        {"district", "street"},
	"POST /api/v1/trainings":                       {"district", "street"},
	"GET /api/v1/check-teams":                      {"district", "supervisor", "street", "check_team"},
	"GET /api/v1/check-teams/export":               {"district", "supervisor", "street", "check_team"},
	"POST /api/v1/check-teams/:code/members":       {"district"},
	"PUT /api/v1/check-teams/:code/members/:id":    {"district"},
	"DELETE /api/v1/check-teams/:code/members/:id": {"district"},
	// Figures and accountability (issue 8): reads in scope, writes by the district.
	"GET /api/v1/campaigns/:id/figures":        {"check_team", "street", "district", "supervisor"},
	"GET /api/v1/campaigns/:id/figures/export": {"check_team", "street", "district", "supervisor"},
	"PUT /api/v1/campaigns/:id/plans":          {"district"},
	"GET /api/v1/campaigns/:id/rates":          {"check_team", "street", "district", "supervisor"},
	"GET /api/v1/campaigns/:id/rates/export":   {"check_team", "street", "district", "supervisor"},
	"PUT /api/v1/campaigns/:id/threshold":      {"district"},
	"POST /api/v1/campaigns/:id/referrals":     {"district"},
	"GET /api/v1/inspections":                  {"check_team", "street", "district", "supervisor"},
	"POST /api/v1/inspections":                 {"district"},
	"GET /api/v1/inspections/template":         {"district"},
	"POST /api/v1/inspections/import":          {"district"},
	"GET /api/v1/inspections/:id":              {"check_team", "street", "district", "supervisor"},
	"PUT /api/v1/inspections/:id":              {"district"},
	"DELETE /api/v1/inspections/:id":           {"district"},
	// Third-party access (信息共享): the admin manages API clients; the
	// clients' own routes take no user's token (apiclients_test.go).
	"GET /api/v1/api-clients":                             {"admin"},
	"POST /api/v1/api-clients":                            {"admin"},
	"POST /api/v1/api-clients/:id/revoke":                 {"admin"},
	"POST /api/v1/api-clients/:id/rotate-secret":          {"admin"},
	"POST /api/v1/oauth/token":                            public,
	"POST /api/v1/integrations/households/search":         clientOnly,
	"POST /api/v1/integrations/departments/:code/imports": clientOnly,
	"GET /api/v1/integrations/department-imports/:id":     clientOnly,
}

func TestAuthorizationMatrix(t *testing.T) {
	// Every route signs every account in afresh: well over a minute's
	// sign-in budget of one client IP.
	s := newServer(t, storetest.SQLite(t), func(c *config.Config) { c.LoginPerMinute = 1 << 20 })
	registered := map[string]bool{}
	for _, r := range s.engine.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		key := r.Method + " " + r.Path
		registered[key] = true
		if _, ok := authorization[key]; !ok {
			t.Errorf("route %s is not in the authorization matrix", key)
		}
	}
	for key := range authorization {
		if !registered[key] {
			t.Errorf("matrix lists %s, which the server does not register", key)
		}
	}

	tokens := map[string]string{}
	for role, user := range demoAccount {
		tokens[role] = s.as(user).token
	}
	// A target that exists for the :id routes: the account "auditor" itself
	// is harmless to PATCH with an empty body.
	id := userID(t, s, session{token: tokens["admin"]}, "supervisor")

	for key, allowed := range authorization {
		method, path, _ := strings.Cut(key, " ")
		path = strings.ReplaceAll(path, ":id", id)
		// The department routes as the demo's police liaison's own department
		// (another department's code is refused by the service, 403).
		path = strings.ReplaceAll(path, "/departments/:code", "/departments/police")
		path = strings.ReplaceAll(path, ":dataset", "vehicles")
		if len(allowed) == 0 {
			r := s.do(req{method: method, path: path, body: "{}"})
			if r.Code == http.StatusForbidden || r.Code == http.StatusNotFound {
				t.Errorf("%s is public but answered %d", key, r.Code)
			}
			continue
		}
		if r := s.do(req{method: method, path: path, body: "{}"}); r.Code != http.StatusUnauthorized {
			t.Errorf("%s without a token: %d, want 401", key, r.Code)
		}
		// Fresh sign-ins for every route: some routes end a user's sessions
		// (a second-factor reset), which must not spoil the routes after it.
		for role, user := range demoAccount {
			tokens[role] = s.as(user).token
		}
		for _, role := range allRoles {
			r := s.do(req{method: method, path: path, body: "{}", token: tokens[role]})
			want := slices.Contains(allowed, role)
			got := r.Code != http.StatusForbidden && r.Code != http.StatusUnauthorized
			if want != got {
				t.Errorf("%s as %s: status %d (%s), allowed=%v", key, role, r.Code, strings.TrimSpace(r.Body.String()), want)
			}
		}
	}

	// Refusals are audited.
	r := s.do(req{method: "GET", path: "/api/v1/audit-events?action=access.denied&page_size=1", token: tokens["auditor"]})
	var page struct {
		Total int `json:"total"`
	}
	r.json(t, &page)
	if page.Total == 0 {
		t.Fatal("denied accesses were not audited")
	}
}
