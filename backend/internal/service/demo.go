package service

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/store"
)

// Demo seeds a demonstration installation.
type Demo struct {
	store       *store.Store
	hasher      auth.Hasher
	regions     *Regions
	departments *Departments
}

// NewDemo builds the demo seeder.
func NewDemo(st *store.Store, h auth.Hasher, r *Regions, d *Departments) *Demo {
	return &Demo{store: st, hasher: h, regions: r, departments: d}
}

// DemoAccount is one seeded account, printed at start-up.
type DemoAccount struct {
	Username string
	Role     access.Role
	Scope    string // Chinese description
}

// Seed fills a database without accounts with the demo accounts of
// api-contract.md, all with one password (reference data must be in place). It does nothing and
// returns seeded=false when the database already has accounts. Demo accounts
// are not asked to change their password (demo mode only).
func (d *Demo) Seed(ctx context.Context, password string) (accounts []DemoAccount, seeded bool, err error) {
	n, err := d.store.CountUsers(ctx)
	if err != nil {
		return nil, false, apperr.Wrap(err, "count users")
	}
	if n > 0 {
		return nil, false, nil
	}
	if p := auth.PasswordProblem("", password); p != "" {
		return nil, false, fmt.Errorf("JZ_DEMO_PASSWORD: %s", p)
	}
	tree, err := d.regions.Tree(ctx)
	if err != nil {
		return nil, false, err
	}
	depts, err := d.departments.List(ctx)
	if err != nil {
		return nil, false, err
	}
	district := d.regions.District().Name
	users := []*store.User{
		{Username: "admin", DisplayName: "系统管理员", Role: access.Admin},
		{Username: "security", DisplayName: "安全管理员", Role: access.SecurityAdmin},
		{Username: "auditor", DisplayName: "审计管理员", Role: access.Auditor},
		{Username: "district", DisplayName: district + "扶贫办", Role: access.District},
		{Username: "supervisor", DisplayName: district + "政府目督办", Role: access.Supervisor},
	}
	scopes := []string{"—", "—", "—", district, district + "（只读）"}
	for _, s := range tree.Streets {
		users = append(users, &store.User{Username: "street-" + s.Code, DisplayName: s.Name, Role: access.Street,
			Grant: access.Grant{Street: s.Code}})
		scopes = append(scopes, s.Name)
	}
	for _, t := range tree.Teams {
		users = append(users, &store.User{Username: "team-" + t.Code, DisplayName: t.Name, Role: access.CheckTeam,
			Grant: access.Grant{Team: t.Code}})
		scopes = append(scopes, t.Name)
	}
	for _, dp := range depts {
		users = append(users, &store.User{Username: "dept-" + dp.Code, DisplayName: dp.Name, Role: access.Department,
			Grant: access.Grant{Department: dp.Code}})
		scopes = append(scopes, dp.Name)
	}
	for _, v := range tree.Villages {
		users = append(users, &store.User{Username: "officer-" + v.Code, DisplayName: v.Name + "信息管理员", Role: access.VillageOfficer,
			Grant: access.Grant{Villages: []string{v.Code}}})
		scopes = append(scopes, v.Name)
	}
	if err := d.hashAll(users, password); err != nil {
		return nil, false, err
	}
	if err := d.store.CreateUsers(ctx, users); err != nil {
		return nil, false, apperr.Wrap(err, "seed demo accounts")
	}
	for i, u := range users {
		accounts = append(accounts, DemoAccount{Username: u.Username, Role: u.Role, Scope: scopes[i]})
	}
	return accounts, true, nil
}

// hashAll hashes the password for every account with its own salt, on all
// cores: argon2id is slow on purpose.
func (d *Demo) hashAll(users []*store.User, password string) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(users))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, u := range users {
		wg.Add(1)
		sem <- struct{}{}
		go func(u *store.User) {
			defer wg.Done()
			defer func() { <-sem }()
			h, err := d.hasher.Hash(password)
			if err != nil {
				errs <- err
				return
			}
			u.PasswordHash = h
		}(u)
	}
	wg.Wait()
	close(errs)
	return <-errs
}
