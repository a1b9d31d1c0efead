package service

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/auth"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/rules"
	"jingzhun/internal/store"
	"jingzhun/internal/synth"
)

// Demo seeds a demonstration installation.
type Demo struct {
	store       *store.Store
	hasher      auth.Hasher
	regions     *Regions
	departments *Departments
	outcomes    *Outcomes
}

// NewDemo builds the demo seeder.
func NewDemo(st *store.Store, h auth.Hasher, r *Regions, d *Departments, o *Outcomes) *Demo {
	return &Demo{store: st, hasher: h, regions: r, departments: d, outcomes: o}
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
			u.PasswordChangedAt = time.Now().UTC()
		}(u)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// DemoHouseholds is what SeedHouseholds put in the register.
type DemoHouseholds struct {
	Households int
	Outcomes   map[rules.Outcome]int
}

// SeedHouseholds fills the register of a fresh demo installation with about
// n synthetic households (the one generator, seed 2017) and the village
// groups they live in. The demo must show the system at work, so the set is
// topped up from further households of the same seed until every outcome
// but invalid occurs in every street, every exclusion rule fires and at
// least 5% of households await data (needs_review). Households the register
// would refuse (the generator's faulty records, a person drawn twice) are
// left out: the register only holds valid data.
func (d *Demo) SeedHouseholds(ctx context.Context, n int) (*DemoHouseholds, error) {
	gen := synth.New(2017)
	campaign := gen.Campaign
	tree, err := d.regions.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var groups []store.VillageGroup
	for village, names := range gen.VillageGroups() {
		for i, name := range names {
			groups = append(groups, store.VillageGroup{VillageCode: village, Name: name, Sort: i + 1})
		}
	}
	streets := map[string]bool{}
	for _, v := range tree.Villages {
		streets[v.StreetCode] = true
	}

	wanted := []rules.Outcome{rules.Include, rules.NotEligible, rules.Keep, rules.RemoveWrong, rules.ExitNormal,
		rules.Dissolve, rules.Reinclude, rules.ContinueSupport, rules.KeepExited, rules.NeedsReview}
	seen := map[[2]string]bool{} // street, outcome
	exFired := map[string]bool{}
	people := map[string]bool{}
	out := &DemoHouseholds{Outcomes: map[rules.Outcome]int{}}
	var picked []interchange.Household
	covered := func() bool {
		for s := range streets {
			for _, o := range wanted {
				if !seen[[2]string{s, string(o)}] {
					return false
				}
			}
		}
		for _, code := range []string{rules.EX01, rules.EX02, rules.EX03, rules.EX04, rules.EX05, rules.EX06, rules.EX07, rules.EX08, rules.EX09, rules.EX10} {
			if !exFired[code] {
				return false
			}
		}
		return out.Outcomes[rules.NeedsReview]*20 >= len(picked)
	}
	today := localdate.Today(time.Now())
	for i := 0; i < n+200000 && (i < n || !covered()); i++ {
		h := gen.Household(i)
		// The generator's faulty records (rules.md §6) are left out: the
		// stored outcomes are computed with validation, as every evaluation is.
		if len(interchange.Validate(&h, campaign)) > 0 {
			continue
		}
		res := rules.Evaluate(&h, campaign)
		street := h.Region.Street
		key := [2]string{street, string(res.Outcome)}
		if i >= n { // topping up: only what is still missing
			need := !seen[key] || (res.Outcome == rules.NeedsReview && out.Outcomes[rules.NeedsReview]*20 < len(picked))
			for _, r := range res.Rules {
				if strings.HasPrefix(r.Code, "EX-") && r.Value == rules.True && !exFired[r.Code] {
					need = true
				}
			}
			if !need {
				continue
			}
		}
		rh := register.FromInterchange(&h)
		if len(register.Validate(&rh, today)) > 0 || slices.ContainsFunc(rh.Members, func(m register.Member) bool { return people[m.IDNumber] }) {
			continue
		}
		for _, m := range rh.Members {
			people[m.IDNumber] = true
		}
		seen[key] = true
		for _, r := range res.Rules {
			if strings.HasPrefix(r.Code, "EX-") && r.Value == rules.True {
				exFired[r.Code] = true
			}
		}
		out.Outcomes[res.Outcome]++
		picked = append(picked, h)
	}

	err = d.store.InTx(ctx, func(ctx context.Context) error {
		if err := d.store.SaveVillageGroups(ctx, groups); err != nil {
			return err
		}
		groupID := map[[2]string]int64{}
		for village := range gen.VillageGroups() {
			gs, err := d.store.VillageGroups(ctx, village)
			if err != nil {
				return err
			}
			for _, g := range gs {
				groupID[[2]string{village, g.Name}] = g.ID
			}
		}
		if err := d.store.SeedVillageFacts(ctx, demoVillageFacts(tree, picked)); err != nil { // 村表
			return err
		}
		for i := range picked {
			h := register.FromInterchange(&picked[i])
			if id, ok := groupID[[2]string{h.VillageCode, picked[i].Region.Group}]; ok {
				h.GroupID = &id
			}
			demoDetails(&h, i)
			h.CreatedBy, h.UpdatedBy = "demo", "demo"
			if err := d.store.CreateHousehold(ctx, &h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err, "seed demo households")
	}
	// The register is written directly: compute the outcomes now, so that
	// the demo opens with every household's outcome in place.
	if _, err := d.outcomes.RecomputeActive(ctx); err != nil {
		return nil, err
	}
	out.Households = len(picked)
	return out, nil
}

// demoDetails fills the register fields household-v1 does not carry, the
// way a survey would: the poverty attribute and cause of a registered
// household, who surveyed it and when.
func demoDetails(h *register.Household, i int) {
	if h.Status != register.NotRegistered {
		h.IdentStandard = "national"
		h.PovertyAttribute = "general"
		if h.Dibao != nil && *h.Dibao {
			h.PovertyAttribute = "dibao"
		}
		h.MainCause = []string{"lack_funds", "lack_skills", "lack_labour", "poor_transport", "lack_land"}[i%5]
		for _, m := range h.Members {
			switch {
			case m.Health == "major_disease" || m.Health == "chronic":
				h.MainCause = "illness"
			case m.DisabilityCategory != "":
				h.MainCause = "disability"
			case m.SchoolingStatus == register.SchoolingBeyondUnspecified && h.EducationBurdenHeavy != nil && *h.EducationBurdenHeavy:
				h.MainCause = "schooling"
			}
		}
	}
	h.Surveyors = []string{"张丽、李强", "王芳、赵刚", "陈静、刘洋", "杨敏、黄伟"}[i%4]
	h.SurveyDate = localdate.Date{Year: 2017, Month: 6, Day: 1 + i%29}
	ref := localdate.Date{Year: 2017, Month: 6, Day: 30}
	working := false
	for j := range h.Members {
		m := &h.Members[j]
		m.Ethnicity = []string{"汉族", "汉族", "汉族", "彝族", "回族"}[(i+j)%5]
		// Labour ability and work, as a survey records them (data-quality.md
		// DQ-06, DQ-10); the rules do not read them.
		age := ref.Year - m.BirthDate.Year
		if ref.Month < m.BirthDate.Month || ref.Month == m.BirthDate.Month && ref.Day < m.BirthDate.Day {
			age--
		}
		if age < 16 || age > 65 || m.LabourAbility != "" {
			continue
		}
		switch {
		case m.Health == "major_disease" || m.DisabilityCategory != "":
			m.LabourAbility = "lost"
		case (i+j)%4 == 0:
			m.LabourAbility = "skilled"
		default:
			m.LabourAbility = "ordinary"
		}
		if !working && m.LabourAbility != "lost" && m.MigrantPlace == "" && h.IncomeWage != nil && h.IncomeWage.IsPositive() {
			months := 6 + (i+j)%6
			m.MigrantPlace, m.MigrantMonths, working = []string{"township", "county", "province", "outside"}[(i+j)%4], &months, true
		}
	}
}
