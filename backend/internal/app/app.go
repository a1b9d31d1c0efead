// Package app wires the services and the HTTP handler from a store and a
// configuration. main calls it, and so do the HTTP tests, so that the server
// under test is the real one.
package app

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"jingzhun/internal/api"
	"jingzhun/internal/auth"
	"jingzhun/internal/config"
	"jingzhun/internal/service"
	"jingzhun/internal/store"
	"jingzhun/internal/web"
)

// Wire builds every service and the HTTP handler from a store and config.
// Tests call it too, so the test server is the real one.
func Wire(cfg config.Config, st *store.Store, key []byte, log *slog.Logger, ready func() bool) (http.Handler, *service.Demo, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, nil, err
	}
	now := time.Now
	sum := sha256.Sum256(key)
	signer := auth.Signer{Key: key, KeyID: hex.EncodeToString(sum[:4]), TTL: cfg.AccessTTL, Now: now}
	hasher := auth.Hasher{MemoryKiB: cfg.Argon2MemoryKiB, Time: cfg.Argon2Time}
	audit := service.NewAuditLog(st, now, loc)
	regions, err := service.NewRegions(st)
	if err != nil {
		return nil, nil, err
	}
	depts := service.NewDepartments(st)
	sessions, err := service.NewSessions(st, signer, hasher, audit, regions, service.SessionPolicy{
		AccessTTL: cfg.AccessTTL, RefreshTTL: cfg.RefreshTTL, Idle: cfg.SessionIdle, Limit: cfg.SessionLimit,
		MaxFailures: 5, LockDuration: 30 * time.Minute,
	}, now, log)
	if err != nil {
		return nil, nil, err
	}
	h, err := api.New(api.Services{
		Sessions:    sessions,
		Accounts:    service.NewAccounts(st, hasher, audit, regions, depts, now),
		Audit:       audit,
		Regions:     regions,
		Departments: depts,
		Work:        service.NewWork(st, now),
		Households:  service.NewHouseholds(st, audit, regions, now),
		Evaluations: nil, // WIP
	}, api.Options{
		BodyLimit: cfg.BodyLimit, EvalBodyLimit: cfg.EvalBodyLimit, EvalMaxHouses: cfg.EvalMaxHouses,
		LoginPerMinute: cfg.LoginPerMinute, SecureCookie: cfg.SecureCookie, RefreshTTL: cfg.RefreshTTL,
		TrustedProxies: cfg.TrustedProxies, Loc: loc, Ping: st.Ping, Ready: ready, SPA: web.SPA(),
	}, log)
	if err != nil {
		return nil, nil, err
	}
	return h, service.NewDemo(st, hasher, regions, depts), nil
}
