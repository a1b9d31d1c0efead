package service

import (
	"testing"

	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/regions"
	"jingzhun/internal/register"
	"jingzhun/internal/store"
	"jingzhun/internal/synth"
)

// The demo's village table: every village has facts the register accepts,
// agreeing with the households seeded there.
func TestDemoVillageFacts(t *testing.T) {
	rt, err := regions.Load()
	if err != nil {
		t.Fatal(err)
	}
	var tree store.Regions
	for _, s := range rt.Streets {
		for _, v := range s.Villages {
			tree.Villages = append(tree.Villages, store.Village{Code: v.Code, StreetCode: s.Code, Name: v.Name})
		}
	}
	gen := synth.New(2017)
	var hs []interchange.Household
	for i := range 300 {
		hs = append(hs, gen.Household(i))
	}
	facts := demoVillageFacts(tree, hs)
	if len(facts) != len(tree.Villages) {
		t.Fatalf("%d facts for %d villages", len(facts), len(tree.Villages))
	}
	households := 0
	for _, f := range facts {
		if ds := register.ValidateVillage(&f, localdate.Date{Year: 2017, Month: 6, Day: 30}); len(ds) > 0 {
			t.Errorf("%s: %v", f.VillageCode, ds)
		}
		if f.Households == nil || f.CollectiveIncome == nil || f.Clinic == nil {
			t.Errorf("%s: facts missing: %+v", f.VillageCode, f)
		}
		households += *f.Households
	}
	if households != len(hs) {
		t.Errorf("the villages count %d households, %d seeded", households, len(hs))
	}
}
