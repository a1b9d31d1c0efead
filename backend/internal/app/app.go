// Package app wires the services and the HTTP handler from a store and a
// configuration. main calls it, and so do the HTTP tests, so that the server
// under test is the real one.
package app

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"jingzhun/internal/access"
	"jingzhun/internal/api"
	"jingzhun/internal/auth"
	"jingzhun/internal/config"
	"jingzhun/internal/jobs"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/web"
)

// App is the wired system.
type App struct {
	Handler   http.Handler
	Reference *service.Reference // seeds regions, departments, code lists on first start
	Demo      *service.Demo      // seeds demo accounts and data (serve --demo)
	// Jobs runs background work (recomputations); main recovers the jobs a
	// stopped process left behind and shuts it down with the server.
	Jobs *jobs.Runner
	// CrossChecks imports department registers; main fails the imports a
	// stopped process left unfinished.
	CrossChecks *service.CrossChecks
	// Outcomes for `jingzhun recompute`, which runs the recomputation job at
	// once (the benchmark).
	Outcomes *service.Outcomes
}

// Wire builds every service and the HTTP handler from a store and config.
func Wire(cfg config.Config, st *store.Store, key []byte, log *slog.Logger, ready func() bool) (*App, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	now := time.Now
	sum := sha256.Sum256(key)
	signer := auth.Signer{Key: key, KeyID: hex.EncodeToString(sum[:4]), TTL: cfg.AccessTTL, Now: now}
	hasher := auth.Hasher{MemoryKiB: cfg.Argon2MemoryKiB, Time: cfg.Argon2Time}
	audit := service.NewAuditLog(st, now, loc)
	regions, err := service.NewRegions(st)
	if err != nil {
		return nil, err
	}
	depts := service.NewDepartments(st)
	codeLists := service.NewCodeLists(st)
	sessions, err := service.NewSessions(st, signer, hasher, audit, regions, service.SessionPolicy{
		AccessTTL: cfg.AccessTTL, RefreshTTL: cfg.RefreshTTL, Idle: cfg.SessionIdle, Limit: cfg.SessionLimit,
		MaxFailures: 5, FailureWindow: 15 * time.Minute, LockDuration: 30 * time.Minute,
		RequireMFA: mfaRoles(cfg), MFAIssuer: "盘龙精准识别", MFAWindow: 5 * time.Minute,
		PasswordMaxAge: passwordMaxAge(cfg),
	}, now, log)
	if err != nil {
		return nil, err
	}
	runner := jobs.NewRunner(st, log, now)
	runner.SetLease(cfg.JobLease, cfg.JobPoll)
	pool, err := st.SQL()
	if err != nil {
		return nil, err
	}
	outcomes := service.NewOutcomes(st, audit, now)
	campaigns := service.NewCampaigns(st, audit, outcomes, runner, now)
	households := service.NewHouseholds(st, audit, regions, outcomes, now)
	villageFacts := service.NewVillageFacts(st, audit, regions, now)
	confirmations := service.NewConfirmations(st, audit, households, villageFacts, depts, regions, now)
	crossChecks := service.NewCrossChecks(st, audit, depts, households, outcomes, runner, filepath.Join(cfg.DataDir, "uploads"), now)
	crossChecks.MaxRows = int64(cfg.RegisterMaxRows)
	dataQuality := service.NewDataQuality(st, audit, now)
	h, err := api.New(api.Services{
		Sessions:       sessions,
		Accounts:       service.NewAccounts(st, hasher, audit, regions, depts, now),
		Audit:          audit,
		Regions:        regions,
		Departments:    depts,
		Work:           service.NewWork(st, confirmations, dataQuality, now),
		Households:     households,
		CrossChecks:    crossChecks,
		VillageLists:   service.NewVillageLists(st, audit, cfg.UploadLimit, now),
		NationalExport: service.NewNationalExport(st, audit, now),
		VillageFacts:   villageFacts,
		Confirmations:  confirmations,
		Campaigns:      campaigns,
		Outcomes:       outcomes,
		CodeLists:      codeLists,
		Attachments:    service.NewAttachments(st, audit, cfg.UploadLimit, now),
		Imports:        service.NewImports(st, audit, regions, outcomes, now),
		Evaluations:    service.Evaluations{},
		// API clients' tokens are signed with a key derived from the users'.
		APIClients: service.NewAPIClients(st, audit, depts, regions, crossChecks,
			auth.NewClientSigner(key, cfg.ClientTokenTTL, now), now),
		Directories:    service.NewDirectories(st, audit, regions, now),
		DataQuality:    dataQuality,
		Accountability: service.NewAccountability(st, audit, regions, now),
		Inspections:    service.NewInspections(st, audit, regions, now),
	}, api.Options{
		BodyLimit: cfg.BodyLimit, EvalBodyLimit: cfg.EvalBodyLimit, EvalMaxHouses: cfg.EvalMaxHouses, UploadLimit: cfg.UploadLimit,
		RegisterUploadLimit: cfg.RegisterUploadLimit,
		Limits: api.Limits{IPPerMinute: cfg.RateIPPerMinute, UserPerMinute: cfg.RateUserPerMinute,
			LoginPerMinute: cfg.LoginPerMinute, ExportPerMinute: cfg.ExportPerMinute, RecordReadsPerMinute: cfg.RecordReadsPerMinute},
		RateCounter: st, CORSOrigins: cfg.CORSOrigins, HSTS: cfg.HSTS,
		SecureCookie: cfg.SecureCookie, RefreshTTL: cfg.RefreshTTL,
		TrustedProxies: cfg.TrustedProxies, Loc: loc, Ping: st.Ping, Ready: ready, SPA: web.SPA(),
		// /metrics: the jobs of this process and the database pool.
		Collectors: []prometheus.Collector{runner.Collector(), collectors.NewDBStatsCollector(pool, "jingzhun")},
	}, log)
	if err != nil {
		return nil, err
	}
	return &App{
		Handler:     h,
		Reference:   service.NewReference(st, regions, depts, codeLists, campaigns),
		Demo:        service.NewDemo(st, hasher, regions, depts, outcomes),
		Jobs:        runner,
		CrossChecks: crossChecks,
		Outcomes:    outcomes,
	}, nil
}

// mfaRoles are the roles that sign in with a second factor; none in demo
// mode, which waives enrolment (api-contract.md).
func mfaRoles(cfg config.Config) []access.Role {
	if cfg.Demo {
		return nil
	}
	var out []access.Role
	for _, r := range cfg.MFARoles {
		out = append(out, access.Role(r))
	}
	return out
}

// passwordMaxAge is waived in demo mode with the forced first change.
func passwordMaxAge(cfg config.Config) time.Duration {
	if cfg.Demo {
		return 0
	}
	return cfg.PasswordMaxAge
}
