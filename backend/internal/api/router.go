// Package api is the HTTP surface: routes with their roles, strict binding,
// one service call per handler, errors mapped in one place, response types
// that are never database models.
//
//	@title						Jingzhun 精准 API
//	@version					1.0
//	@description				盘龙区贫困对象动态管理暨精准识别 — the household register, the identification rules and the review procedure. Every /api/v1 call but login and refresh takes a bearer access token. Errors are {"error": {"code", "message", "details"}}.
//	@BasePath					/api/v1
//	@securityDefinitions.apikey	Bearer
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by the access token from POST /auth/login.
//
//	@securityDefinitions.oauth2.application	OAuth2Application
//	@tokenUrl								/api/v1/oauth/token
//	@scope.register:read					Look a person up in the register by ID number (POST /integrations/households/search)
//	@scope.departments:push					Push the registers of the client's own department (POST /integrations/departments/{code}/imports)
//	@scope.evaluations:run					Call the stateless rules engine (POST /evaluations)
//	@description							API clients of third parties (信息共享): client credentials (HTTP Basic or form) at POST /oauth/token give a short-lived token for the integration routes only; user routes refuse it, and the integration routes refuse a user's token.
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	"jingzhun/internal/access"
	_ "jingzhun/internal/apidocs" // registers the generated OpenAPI description
	"jingzhun/internal/service"
)

// Services are what the handlers call.
type Services struct {
	Sessions    *service.Sessions
	Accounts    *service.Accounts
	Audit       *service.AuditLog
	Regions     *service.Regions
	Departments *service.Departments
	Work        *service.Work
	Households  *service.Households
	CodeLists   *service.CodeLists
	Attachments *service.Attachments
	Imports     *service.Imports
	Campaigns   *service.Campaigns
	Outcomes    *service.Outcomes
	// The village table and the departments' confirmations of their fields.
	VillageFacts  *service.VillageFacts
	Confirmations *service.Confirmations
	CrossChecks   *service.CrossChecks
	// The review procedure: village lists, cases, notices, reports, and the
	// export for the national system.
	VillageLists   *service.VillageLists
	NationalExport *service.NationalExport
	Evaluations    Evaluator
	// Third-party access: API clients, their tokens and the integrations.
	APIClients *service.APIClients
	// The data-quality checks (录入质量).
	DataQuality *service.DataQuality
	// The information officer directory and the check teams' members.
	Directories *service.Directories
	// Figures and accountability (严明奖惩): corrections, inspections, rates.
	Accountability *service.Accountability
	Inspections    *service.Inspections
}

// Evaluator answers an evaluation envelope (the same function as the
// `jingzhun evaluate` command).
type Evaluator interface {
	Evaluate(ctx context.Context, body []byte, maxHouseholds int) ([]byte, error)
}

// Options are the HTTP settings.
type Options struct {
	BodyLimit     int64
	EvalBodyLimit int64
	EvalMaxHouses int
	UploadLimit   int64
	// RegisterUploadLimit bounds a department register file (streamed to disk).
	RegisterUploadLimit int64
	// Limits are the request budgets; RateCounter keeps the strict ones in
	// the database, shared by every process (ratelimit.go).
	Limits         Limits
	RateCounter    RateCounter
	CORSOrigins    []string // exact origins allowed cross-origin; none = no CORS
	HSTS           bool     // send HSTS even when TLS is not visible
	SecureCookie   bool
	RefreshTTL     time.Duration
	TrustedProxies []string
	Loc            *time.Location
	Ping           func(context.Context) error
	Ready          func() bool
	// Collectors are added to /metrics: the jobs runner, the DB pool.
	Collectors []prometheus.Collector
	SPA        fs.FS // the built SPA; nil when not built
}

// Server holds the handlers' dependencies.
type Server struct {
	Services
	opt      Options
	log      *slog.Logger
	sessions *service.Sessions
	audit    *service.AuditLog
	spaIndex []byte // index.html of the SPA, nil when not built
	shared   *sharedLimiter
}

// Route is one API route and the roles allowed on it. The authorization
// matrix test checks every registered route against its own table.
type Route struct {
	Method string
	Path   string
	// Roles allowed; nil means no sign-in needed (login, refresh, logout).
	Roles []access.Role
	// DuringPasswordChange lets a user who must change the password through.
	DuringPasswordChange bool
	// DuringEnrolment lets a user whose role needs a second factor set it up.
	DuringEnrolment bool
	// ClientScope, when set, admits API clients whose token has this scope
	// as well as the roles (api-contract.md: POST /evaluations).
	ClientScope string
	Handler     func(*Server, *gin.Context)
}

var (
	everyone     = access.Roles
	householders = []access.Role{access.VillageOfficer, access.CheckTeam, access.Department, access.Street, access.District, access.Supervisor}
	adminOnly    = []access.Role{access.Admin}
	// The administrator assigns scopes, so reads the regions and departments
	// (reference data, not household data).
	withAdmin   = append(append([]access.Role{}, householders...), access.Admin)
	auditorOnly = []access.Role{access.Auditor}
	// Department liaisons get their own, field-limited endpoints (departments.md).
	householdReaders = []access.Role{access.VillageOfficer, access.CheckTeam, access.Street, access.District, access.Supervisor}
	householdEditors = []access.Role{access.VillageOfficer, access.CheckTeam, access.Street, access.District}
	// The district loads the existing register (issue: register import).
	importers = []access.Role{access.District}
	// evaluators may call the stateless rules engine (api-contract.md).
	evaluators = []access.Role{access.District, access.Street, access.CheckTeam}
	// The district sets campaign parameters and poverty lines; a street may
	// recompute its own street's outcomes.
	districtOnly = []access.Role{access.District}
	recomputers  = []access.Role{access.District, access.Street}
	jobReaders   = []access.Role{access.District, access.Street, access.Supervisor, access.Department}
	// A department's liaison works on its own department; the district on
	// any (the service refuses a liaison another department's code).
	departmentWorkers = []access.Role{access.Department, access.District}
	// Discrepancies go to the check team of the household's street; the
	// street, the district and the supervisor follow them.
	discrepancyReaders   = []access.Role{access.CheckTeam, access.Street, access.District, access.Supervisor}
	discrepancyResolvers = []access.Role{access.CheckTeam, access.District}
	// The list of datasets is reference data for those who meet them.
	datasetReaders = []access.Role{access.CheckTeam, access.Department, access.Street, access.District, access.Supervisor}
	// Only a department's own liaison confirms, corrects or disputes its
	// fields (the service refuses another department's code).
	liaisons = []access.Role{access.Department}
	// The review procedure (workflow.md): every stage's owner moves and
	// records; the service checks the stage and role (workflow package).
	listReaders = []access.Role{access.VillageOfficer, access.CheckTeam, access.Street, access.District, access.Supervisor}
	listMovers  = []access.Role{access.VillageOfficer, access.CheckTeam, access.Street, access.District}
	sendBackers = []access.Role{access.CheckTeam, access.Street, access.District}
	// Notices, reports and investigations: the check team (village notice)
	// and the street (street notice).
	noticeKeepers = []access.Role{access.CheckTeam, access.Street}
	proposers     = []access.Role{access.CheckTeam}
)

// Routes is every /api/v1 route with its roles.
func Routes() []Route {
	return []Route{
		{Method: "POST", Path: "/auth/login", Handler: (*Server).login},
		{Method: "POST", Path: "/auth/refresh", Handler: (*Server).refresh},
		{Method: "POST", Path: "/auth/logout", Handler: (*Server).logout},
		{Method: "POST", Path: "/auth/password", Roles: everyone, DuringPasswordChange: true, Handler: (*Server).changePassword},
		{Method: "POST", Path: "/auth/mfa", Handler: (*Server).completeMFA},
		{Method: "POST", Path: "/auth/mfa/setup", Roles: everyone, DuringEnrolment: true, Handler: (*Server).setupMFA},
		{Method: "POST", Path: "/auth/mfa/enable", Roles: everyone, DuringEnrolment: true, Handler: (*Server).enableMFA},
		{Method: "GET", Path: "/me", Roles: everyone, DuringEnrolment: true, Handler: (*Server).me},
		{Method: "GET", Path: "/work", Roles: everyone, Handler: (*Server).work},
		{Method: "GET", Path: "/regions", Roles: withAdmin, Handler: (*Server).regions},
		{Method: "GET", Path: "/departments", Roles: withAdmin, Handler: (*Server).departments},
		{Method: "GET", Path: "/users", Roles: adminOnly, Handler: (*Server).listUsers},
		{Method: "POST", Path: "/users", Roles: adminOnly, Handler: (*Server).createUser},
		{Method: "PATCH", Path: "/users/:id", Roles: adminOnly, Handler: (*Server).updateUser},
		{Method: "POST", Path: "/users/:id/password-reset", Roles: adminOnly, Handler: (*Server).resetPassword},
		// API clients of third parties (信息共享): the administrator manages them.
		{Method: "GET", Path: "/api-clients", Roles: adminOnly, Handler: (*Server).listAPIClients},
		{Method: "POST", Path: "/api-clients", Roles: adminOnly, Handler: (*Server).createAPIClient},
		{Method: "POST", Path: "/api-clients/:id/revoke", Roles: adminOnly, Handler: (*Server).revokeAPIClient},
		{Method: "POST", Path: "/api-clients/:id/rotate-secret", Roles: adminOnly, Handler: (*Server).rotateAPIClientSecret},
		{Method: "POST", Path: "/users/:id/mfa-reset", Roles: []access.Role{access.SecurityAdmin}, Handler: (*Server).resetMFA},
		{Method: "GET", Path: "/audit-events", Roles: auditorOnly, Handler: (*Server).listAudit},
		{Method: "GET", Path: "/audit-events/export", Roles: auditorOnly, Handler: (*Server).exportAudit},
		{Method: "GET", Path: "/audit-events/verify", Roles: auditorOnly, Handler: (*Server).verifyAudit},
		{Method: "GET", Path: "/code-lists", Roles: householders, Handler: (*Server).codeLists},
		{Method: "GET", Path: "/villages/:code/groups", Roles: householders, Handler: (*Server).villageGroups},
		{Method: "GET", Path: "/households", Roles: householdReaders, Handler: (*Server).listHouseholds},
		{Method: "POST", Path: "/households", Roles: householdEditors, Handler: (*Server).createHousehold},
		{Method: "GET", Path: "/households/export", Roles: householdReaders, Handler: (*Server).exportHouseholds},
		{Method: "GET", Path: "/households/causes", Roles: householdReaders, Handler: (*Server).householdCauses},
		{Method: "POST", Path: "/households/import", Roles: importers, Handler: (*Server).importHouseholds},
		{Method: "GET", Path: "/households/import-template", Roles: importers, Handler: (*Server).importTemplate},
		{Method: "GET", Path: "/households/:id/interchange", Roles: householdReaders, Handler: (*Server).householdInterchange},
		{Method: "GET", Path: "/households/:id", Roles: householdReaders, Handler: (*Server).getHousehold},
		{Method: "PUT", Path: "/households/:id", Roles: householdEditors, Handler: (*Server).updateHousehold},
		{Method: "DELETE", Path: "/households/:id", Roles: householdEditors, Handler: (*Server).deleteHousehold},
		{Method: "GET", Path: "/households/:id/history", Roles: householdReaders, Handler: (*Server).householdHistory},
		{Method: "GET", Path: "/households/:id/attachments", Roles: householdReaders, Handler: (*Server).listAttachments},
		{Method: "POST", Path: "/households/:id/attachments", Roles: householdEditors, Handler: (*Server).uploadAttachment},
		{Method: "GET", Path: "/attachments/:id", Roles: householdReaders, Handler: (*Server).downloadAttachment},
		{Method: "DELETE", Path: "/attachments/:id", Roles: householdEditors, Handler: (*Server).deleteAttachment},
		{Method: "POST", Path: "/members/:id/transfer", Roles: householdEditors, Handler: (*Server).transferMember},
		{Method: "POST", Path: "/evaluations", Roles: evaluators, ClientScope: service.ScopeEvaluations, Handler: (*Server).evaluate},
		{Method: "GET", Path: "/households/:id/outcome", Roles: householdReaders, Handler: (*Server).householdOutcome},
		{Method: "GET", Path: "/campaigns", Roles: householders, Handler: (*Server).listCampaigns},
		{Method: "GET", Path: "/campaigns/:id", Roles: householders, Handler: (*Server).getCampaign},
		{Method: "PATCH", Path: "/campaigns/:id", Roles: districtOnly, Handler: (*Server).updateCampaign},
		{Method: "POST", Path: "/campaigns/:id/recompute", Roles: recomputers, Handler: (*Server).recomputeCampaign},
		{Method: "POST", Path: "/campaigns", Roles: districtOnly, Handler: (*Server).createCampaign},
		{Method: "POST", Path: "/campaigns/:id/open-lists", Roles: districtOnly, Handler: (*Server).openCampaignLists},
		{Method: "GET", Path: "/campaigns/:id/lists", Roles: listReaders, Handler: (*Server).campaignBoard},
		{Method: "GET", Path: "/campaigns/:id/cases", Roles: listReaders, Handler: (*Server).campaignCases},
		{Method: "GET", Path: "/campaigns/:id/national-export", Roles: districtOnly, Handler: (*Server).nationalExport},
		{Method: "GET", Path: "/village-lists/:id", Roles: listReaders, Handler: (*Server).getVillageList},
		{Method: "POST", Path: "/village-lists/:id/move-on", Roles: listMovers, Handler: (*Server).moveVillageList},
		{Method: "POST", Path: "/village-lists/:id/send-back", Roles: sendBackers, Handler: (*Server).sendBackVillageList},
		{Method: "POST", Path: "/village-lists/:id/records", Roles: listMovers, Handler: (*Server).addListRecord},
		{Method: "POST", Path: "/village-lists/:id/opinions/:oid/answer", Roles: proposers, Handler: (*Server).answerOpinion},
		{Method: "POST", Path: "/village-lists/:id/files", Roles: listMovers, Handler: (*Server).uploadListFile},
		{Method: "GET", Path: "/village-lists/:id/files/:fid", Roles: listReaders, Handler: (*Server).downloadListFile},
		{Method: "POST", Path: "/village-lists/:id/notices", Roles: noticeKeepers, Handler: (*Server).postNotice},
		{Method: "GET", Path: "/village-lists/:id/notice", Roles: listReaders, Handler: (*Server).getNotice},
		{Method: "GET", Path: "/village-lists/:id/notice/export", Roles: listReaders, Handler: (*Server).exportNotice},
		{Method: "POST", Path: "/village-lists/:id/reports", Roles: noticeKeepers, Handler: (*Server).addReport},
		{Method: "POST", Path: "/village-lists/:id/reports/:rid/investigation", Roles: noticeKeepers, Handler: (*Server).investigateReport},
		{Method: "POST", Path: "/village-lists/:id/proposals", Roles: proposers, Handler: (*Server).proposeBatch},
		{Method: "POST", Path: "/cases/:id/proposal", Roles: proposers, Handler: (*Server).proposeCase},
		{Method: "PUT", Path: "/cases/:id/recovery", Roles: noticeKeepers, Handler: (*Server).setCaseRecovery},
		{Method: "GET", Path: "/campaigns/:id/outcomes", Roles: householdReaders, Handler: (*Server).listOutcomes},
		{Method: "GET", Path: "/campaigns/:id/outcomes/export", Roles: householdReaders, Handler: (*Server).exportOutcomes},
		{Method: "GET", Path: "/jobs/:id", Roles: jobReaders, Handler: (*Server).getJob},
		{Method: "GET", Path: "/poverty-lines", Roles: householders, Handler: (*Server).listPovertyLines},
		{Method: "PUT", Path: "/poverty-lines/:year", Roles: districtOnly, Handler: (*Server).setPovertyLine},
		{Method: "GET", Path: "/departments/:code/datasets", Roles: departmentWorkers, Handler: (*Server).departmentDatasets},
		{Method: "GET", Path: "/departments/:code/datasets/:dataset/template", Roles: departmentWorkers, Handler: (*Server).datasetTemplate},
		{Method: "POST", Path: "/departments/:code/imports", Roles: departmentWorkers, Handler: (*Server).startDepartmentImport},
		{Method: "GET", Path: "/departments/:code/imports", Roles: departmentWorkers, Handler: (*Server).departmentImports},
		{Method: "GET", Path: "/department-imports/:id", Roles: departmentWorkers, Handler: (*Server).departmentImport},
		{Method: "GET", Path: "/department-imports/:id/report", Roles: departmentWorkers, Handler: (*Server).departmentImportReport},
		{Method: "GET", Path: "/datasets", Roles: datasetReaders, Handler: (*Server).allDatasets},
		{Method: "GET", Path: "/discrepancies", Roles: discrepancyReaders, Handler: (*Server).listDiscrepancies},
		{Method: "GET", Path: "/discrepancies/export", Roles: discrepancyReaders, Handler: (*Server).exportDiscrepancies},
		{Method: "GET", Path: "/data-quality", Roles: householdReaders, Handler: (*Server).dataQuality},
		{Method: "GET", Path: "/data-quality/export", Roles: householdReaders, Handler: (*Server).exportDataQuality},
		{Method: "GET", Path: "/discrepancies/:id", Roles: discrepancyReaders, Handler: (*Server).getDiscrepancy},
		{Method: "POST", Path: "/discrepancies/:id/resolve", Roles: discrepancyResolvers, Handler: (*Server).resolveDiscrepancy},
		{Method: "GET", Path: "/villages/:code/facts", Roles: householders, Handler: (*Server).getVillageFacts},
		{Method: "PUT", Path: "/villages/:code/facts", Roles: householdEditors, Handler: (*Server).putVillageFacts},
		{Method: "GET", Path: "/departments/:code/responsibilities", Roles: withAdmin, Handler: (*Server).departmentResponsibilities},
		{Method: "GET", Path: "/departments/:code/tasks", Roles: departmentWorkers, Handler: (*Server).departmentTasks},
		{Method: "GET", Path: "/departments/:code/tasks/export", Roles: departmentWorkers, Handler: (*Server).exportTasks},
		{Method: "POST", Path: "/departments/:code/tasks/confirm", Roles: liaisons, Handler: (*Server).confirmTasks},
		{Method: "POST", Path: "/departments/:code/tasks/correct", Roles: liaisons, Handler: (*Server).correctTask},
		{Method: "POST", Path: "/departments/:code/tasks/dispute", Roles: liaisons, Handler: (*Server).disputeTask},
		{Method: "POST", Path: "/departments/:code/tasks/import", Roles: liaisons, Handler: (*Server).importTasks},
		// Policy what-if and the directories (issue 8).
		{Method: "POST", Path: "/campaigns/:id/what-if", Roles: whatIfUsers, Handler: (*Server).whatIf},
		{Method: "GET", Path: "/officers", Roles: officerReaders, Handler: (*Server).listOfficers},
		{Method: "GET", Path: "/officers/export", Roles: officerReaders, Handler: (*Server).exportOfficers},
		{Method: "POST", Path: "/officers", Roles: directoryKeeper, Handler: (*Server).createOfficer},
		{Method: "PUT", Path: "/officers/:id", Roles: directoryKeeper, Handler: (*Server).updateOfficer},
		{Method: "DELETE", Path: "/officers/:id", Roles: directoryKeeper, Handler: (*Server).deleteOfficer},
		{Method: "GET", Path: "/trainings", Roles: directoryKeeper, Handler: (*Server).listTrainings},
		{Method: "POST", Path: "/trainings", Roles: directoryKeeper, Handler: (*Server).createTraining},
		{Method: "GET", Path: "/check-teams", Roles: teamReaders, Handler: (*Server).listCheckTeams},
		{Method: "GET", Path: "/check-teams/export", Roles: teamReaders, Handler: (*Server).exportCheckTeams},
		{Method: "POST", Path: "/check-teams/:code/members", Roles: districtOnly, Handler: (*Server).addTeamMember},
		{Method: "PUT", Path: "/check-teams/:code/members/:id", Roles: districtOnly, Handler: (*Server).updateTeamMember},
		{Method: "DELETE", Path: "/check-teams/:code/members/:id", Roles: districtOnly, Handler: (*Server).removeTeamMember},
		// Figures and accountability (issue 8): corrections, inspections, rates.
		{Method: "GET", Path: "/campaigns/:id/figures", Roles: accountabilityReaders, Handler: (*Server).campaignFigures},
		{Method: "GET", Path: "/campaigns/:id/figures/export", Roles: accountabilityReaders, Handler: (*Server).exportFigures},
		{Method: "PUT", Path: "/campaigns/:id/plans", Roles: districtOnly, Handler: (*Server).putPlans},
		{Method: "GET", Path: "/campaigns/:id/rates", Roles: accountabilityReaders, Handler: (*Server).campaignRates},
		{Method: "GET", Path: "/campaigns/:id/rates/export", Roles: accountabilityReaders, Handler: (*Server).exportRates},
		{Method: "PUT", Path: "/campaigns/:id/threshold", Roles: districtOnly, Handler: (*Server).putThreshold},
		{Method: "POST", Path: "/campaigns/:id/referrals", Roles: districtOnly, Handler: (*Server).addReferral},
		{Method: "GET", Path: "/inspections", Roles: accountabilityReaders, Handler: (*Server).listInspections},
		{Method: "POST", Path: "/inspections", Roles: districtOnly, Handler: (*Server).createInspection},
		{Method: "GET", Path: "/inspections/template", Roles: districtOnly, Handler: (*Server).inspectionTemplate},
		{Method: "POST", Path: "/inspections/import", Roles: districtOnly, Handler: (*Server).importInspections},
		{Method: "GET", Path: "/inspections/:id", Roles: accountabilityReaders, Handler: (*Server).getInspection},
		{Method: "PUT", Path: "/inspections/:id", Roles: districtOnly, Handler: (*Server).updateInspection},
		{Method: "DELETE", Path: "/inspections/:id", Roles: districtOnly, Handler: (*Server).deleteInspection},
	}
}

// ClientRoute is a route of API clients (信息共享), on a client's token
// with Scope, never a user's. The token endpoint has no scope: the client
// authenticates with its credentials there.
type ClientRoute struct {
	Method  string
	Path    string
	Scope   string
	Handler func(*Server, *gin.Context)
}

// ClientRoutes is every route of API clients but POST /evaluations, which
// users share (Route.ClientScope).
func ClientRoutes() []ClientRoute {
	return []ClientRoute{
		{Method: "POST", Path: "/oauth/token", Handler: (*Server).issueClientToken},
		{Method: "POST", Path: "/integrations/households/search", Scope: service.ScopeRegisterRead, Handler: (*Server).searchRegister},
		{Method: "POST", Path: "/integrations/departments/:code/imports", Scope: service.ScopeDepartmentsPush, Handler: (*Server).pushDepartmentImport},
		{Method: "GET", Path: "/integrations/department-imports/:id", Scope: service.ScopeDepartmentsPush, Handler: (*Server).pushedImport},
	}
}

// New builds the HTTP handler.
func New(svc Services, opt Options, log *slog.Logger) (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Services: svc, opt: opt, log: log, sessions: svc.Sessions, audit: svc.Audit,
		shared: &sharedLimiter{counter: opt.RateCounter}}
	if opt.SPA != nil {
		s.spaIndex, _ = fs.ReadFile(opt.SPA, "index.html")
	}
	e := gin.New()
	e.HandleMethodNotAllowed = false
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(opt.TrustedProxies); err != nil {
		return nil, err
	}
	trusted, err := trustedPrefixes(opt.TrustedProxies)
	if err != nil {
		return nil, err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Duration of HTTP requests by route template.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route", "status"})
	reg.MustRegister(hist)
	reg.MustRegister(opt.Collectors...)

	e.Use(withRequestID(), withLogAndMetrics(log, hist), withRecovery(log),
		withSecurityHeaders(opt.HSTS, trusted), withCORS(opt.CORSOrigins))

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	e.GET("/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))

	v1 := e.Group("/api/v1", withNoStore())
	perIP, perUser := newKeyLimiter(opt.Limits.IPPerMinute), newKeyLimiter(opt.Limits.UserPerMinute)
	perClient := newClientLimiter()
	for _, r := range Routes() {
		h := r.Handler
		class := strictClass(r)
		chain := []gin.HandlerFunc{s.withIPBudget(perIP, class)}
		if r.Roles != nil {
			chain = append(chain, s.clientsToo(r.ClientScope, perClient, s.authenticate(r.DuringPasswordChange, r.DuringEnrolment),
				s.withUserBudget(perUser, class), s.allow(r.Roles))...)
		}
		chain = append(chain, func(c *gin.Context) { h(s, c) })
		v1.Handle(r.Method, r.Path, chain...)
	}
	// API clients' routes admit only a client's token (apiclients.go); the
	// token endpoint spends the sign-in budget of the client IP.
	for _, r := range ClientRoutes() {
		h := r.Handler
		chain := []gin.HandlerFunc{s.withIPBudget(perIP, classLogin)}
		if r.Scope != "" {
			chain = []gin.HandlerFunc{s.withIPBudget(perIP, ""), s.authenticateClient(r.Scope, perClient)}
		}
		chain = append(chain, func(c *gin.Context) { h(s, c) })
		v1.Handle(r.Method, r.Path, chain...)
	}
	e.NoRoute(s.spaOrNotFound)
	return e, nil
}
