package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/access"
	"jingzhun/internal/apperr"
	"jingzhun/internal/departments"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
)

// VillageFacts is the village table (村表): read by every role that works
// with the register, edited by those who edit it, in their scope, versioned
// and audited like households. A change makes the departments'
// confirmations of the changed fields pending again.
type VillageFacts struct {
	store   *store.Store
	audit   *AuditLog
	regions *Regions
	now     func() time.Time
}

// NewVillageFacts builds the village table service.
func NewVillageFacts(st *store.Store, a *AuditLog, r *Regions, now func() time.Time) *VillageFacts {
	return &VillageFacts{store: st, audit: a, regions: r, now: now}
}

// VillageFactsView is a village's facts with the names of its place.
type VillageFactsView struct {
	*register.VillageFacts
	VillageName string
	StreetCode  string
	StreetName  string
}

func (s *VillageFacts) view(ctx context.Context, v *register.VillageFacts) (*VillageFactsView, error) {
	tree, err := s.regions.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := &VillageFactsView{VillageFacts: v}
	if i := slices.IndexFunc(tree.Villages, func(x store.Village) bool { return x.Code == v.VillageCode }); i >= 0 {
		out.VillageName, out.StreetCode = tree.Villages[i].Name, tree.Villages[i].StreetCode
	}
	if i := slices.IndexFunc(tree.Streets, func(x store.Street) bool { return x.Code == out.StreetCode }); i >= 0 {
		out.StreetName = tree.Streets[i].Name
	}
	return out, nil
}

// Get reads a village's facts in the caller's scope (404 outside it); a
// village without facts yet comes back empty at version 0.
func (s *VillageFacts) Get(ctx context.Context, actor access.Actor, code string) (*VillageFactsView, error) {
	v, err := s.store.VillageFacts(ctx, actor.Scope, code)
	if err != nil {
		return nil, apperr.Wrap(err, "village facts")
	}
	return s.view(ctx, v)
}

// Update writes a village's facts. v.Version must be the version the edit
// was based on (0 for a village without facts yet); a stale one is refused
// with version_conflict and nothing is written.
func (s *VillageFacts) Update(ctx context.Context, actor access.Actor, v *register.VillageFacts) (*VillageFactsView, error) {
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.VillageFacts(ctx, actor.Scope, v.VillageCode)
		if err != nil {
			return err
		}
		if before.Version != v.Version {
			e := apperr.New(apperr.VersionConflict, fmt.Sprintf("该村的村表已被他人修改（您修改的是第%d版，现在是第%d版），您的修改未保存。请刷新查看最新信息后再修改。", v.Version, before.Version))
			e.Details = []apperr.Detail{{Field: "version", Message: strconv.FormatInt(before.Version, 10)}}
			return e
		}
		if ds := register.ValidateVillage(v, localdate.Today(s.now())); len(ds) > 0 {
			return apperr.Invalid(ds...)
		}
		v.UpdatedBy = actor.Username
		if err := s.store.SaveVillageFacts(ctx, v); err != nil {
			return err
		}
		changes := villageChanges(before, v)
		var owned []string
		for _, c := range changes {
			if o := departments.OwnerOf(c.Field); o != departments.Team && o != "" {
				owned = append(owned, c.Field)
			}
		}
		if err := s.store.ResetVillageConfirmations(ctx, v.VillageCode, owned); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, Entry{Action: "village_facts.update", ObjectType: "village", ObjectID: v.VillageCode, Changes: changes})
	})
	if err != nil {
		return nil, apperr.Wrap(err, "update village facts")
	}
	return s.Get(ctx, actor, v.VillageCode)
}

// villageChanges lists the village fields that differ, by key.
func villageChanges(before, after *register.VillageFacts) []Change {
	var out []Change
	for _, k := range register.DataKeys() {
		if !register.IsVillageKey(k.Key) {
			continue
		}
		b, _ := register.VillageValue(before, k.Key)
		a, _ := register.VillageValue(after, k.Key)
		if !sameText(b, a) {
			out = append(out, Change{Field: k.Key, Before: textOrNil(b), After: textOrNil(a)})
		}
	}
	return out
}

func sameText(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func textOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// demoVillageFacts makes plausible facts for every village of the demo:
// the households, people and registered poor it holds, the rest drawn
// from the village's code so that every start looks the same.
func demoVillageFacts(tree store.Regions, hs []interchange.Household) []register.VillageFacts {
	type tally struct{ households, people, poorH, poorP, dibao, disabled int }
	by := map[string]*tally{}
	for i := range hs {
		h := register.FromInterchange(&hs[i])
		t := by[h.VillageCode]
		if t == nil {
			t = &tally{}
			by[h.VillageCode] = t
		}
		t.households++
		t.people += len(h.Members)
		if h.Status == register.Registered {
			t.poorH++
			t.poorP += len(h.Members)
		}
		if h.Dibao != nil && *h.Dibao {
			t.dibao++
		}
		for _, m := range h.Members {
			if m.DisabilityCategory != "" {
				t.disabled++
			}
		}
	}
	out := make([]register.VillageFacts, 0, len(tree.Villages))
	for i, v := range tree.Villages {
		t := by[v.Code]
		if t == nil {
			t = &tally{}
		}
		n := func(x int) *int { return &x }
		b := func(x bool) *bool { return &x }
		money := func(x int64) *decimal.Decimal { d := decimal.NewFromInt(x); return &d }
		f := register.VillageFacts{
			VillageCode:               v.Code,
			Households:                n(t.households),
			Population:                n(t.people),
			RegisteredPopulation:      n(t.people + t.people/20),
			PoorHouseholds:            n(t.poorH),
			PoorPeople:                n(t.poorP),
			DibaoHouseholds:           n(t.dibao),
			DisabledPeople:            n(t.disabled),
			PoorVillage:               []string{register.PoorVillage, register.NotPoorVillage, register.ExitedPoorVillage}[i%3],
			CollectiveIncome:          money(int64(20000 + (i*7919)%80000)),
			Cooperatives:              n(1 + i%4),
			RoadToVillage:             b(true),
			RoadToGroups:              b(i%5 != 0),
			BusService:                b(i%3 != 1),
			DrinkingWaterProject:      b(true),
			Irrigation:                b(i%4 != 0),
			PowerProduction:           b(i%6 != 0),
			PowerDomestic:             b(true),
			Broadband:                 b(i%3 != 2),
			MobileInternet:            b(true),
			BroadcastTV:               b(true),
			CultureRoom:               b(i%2 == 0),
			Library:                   b(true),
			Clinic:                    b(true),
			VillageDoctor:             b(i%7 != 0),
			Schools:                   n(i % 2),
			Kindergartens:             n((i + 1) % 2),
			TwoCommitteeMembers:       n(5 + i%3),
			ResidentWorkTeam:          fmt.Sprintf("区%s驻村工作队（%d人）", []string{"扶贫办", "农林局", "住建局", "教育局"}[i%4], 2+i%2),
			DangerousHouseRenovations: n(t.poorH / 5),
			RelocationProjects:        n(i % 2),
			FundsInvested:             money(int64(300000 + (i*104729)%900000)),
			InterestSubsidies:         money(int64((i * 3571) % 40000)),
			UpdatedBy:                 "demo",
		}
		if f.PoorVillage == register.ExitedPoorVillage {
			f.PoorVillageExitYear = n(2016)
		}
		out = append(out, f)
	}
	return out
}
