package rules_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
	"jingzhun/internal/synth"
)

// households yields valid synthetic households with their outcomes.
func households(t *testing.T, n int, f func(h *interchange.Household, r rules.Result)) {
	t.Helper()
	g := synth.New(20170630)
	for i := range n {
		h := g.Household(i)
		if len(interchange.Validate(&h, g.Campaign)) > 0 {
			continue
		}
		f(&h, rules.Evaluate(&h, g.Campaign))
	}
}

func clone(h *interchange.Household) *interchange.Household {
	c := *h
	c.Members = append([]interchange.Member(nil), h.Members...)
	c.Vehicles = append([]interchange.Vehicle(nil), h.Vehicles...)
	c.UrbanProperties = append([]interchange.UrbanProperty(nil), h.UrbanProperties...)
	c.Businesses = append([]interchange.Business(nil), h.Businesses...)
	return &c
}

// TestLowerIncomeKeepsInclusion: lowering a household's income never turns
// include into not_eligible (nor into anything else).
func TestLowerIncomeKeepsInclusion(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	households(t, 20000, func(h *interchange.Household, res rules.Result) {
		if res.Outcome != rules.Include {
			return
		}
		for range 4 {
			lower := clone(h)
			cut := decimal.New(r.Int64N(500000), -2)
			switch r.IntN(3) {
			case 0: // less wage
				w := lower.Income.Wage.Sub(cut)
				if w.IsNegative() {
					w = decimal.Zero
				}
				lower.Income.Wage = &w
			case 1: // higher operating cost
				c := lower.Income.OperatingCost.Add(cut)
				lower.Income.OperatingCost = &c
			default: // no transfers at all
				zero := decimal.Zero
				lower.Income.Transfer = &zero
			}
			if got := rules.Evaluate(lower, campaign); got.Outcome != rules.Include {
				t.Fatalf("%s: include became %s after lowering income (%+v)", h.Code, got.Outcome, got.Rules)
			}
			checked++
		}
	})
	if checked < 100 {
		t.Fatalf("only %d checks: the generator should make more includes", checked)
	}
}

// TestAddedAssetKeepsRemoval: adding a vehicle, a town property or a
// business never turns remove_wrong into keep (nor into anything else).
func TestAddedAssetKeepsRemoval(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	day := func() localdate.Date {
		return localdate.Date{Year: 2005 + r.IntN(12), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
	}
	kinds := []interchange.PropertyKind{interchange.SelfBuilt, interchange.CommercialHousing, interchange.Shop, interchange.OtherProperty}
	checked := 0
	households(t, 20000, func(h *interchange.Household, res rules.Result) {
		if res.Outcome != rules.RemoveWrong {
			return
		}
		for range 4 {
			more := clone(h)
			switch r.IntN(3) {
			case 0:
				more.Vehicles = append(more.Vehicles, interchange.Vehicle{Value: decimal.NewFromInt(r.Int64N(100000)), AcquiredOn: day(), ExitMeasure: r.IntN(2) == 0})
			case 1:
				more.UrbanProperties = append(more.UrbanProperties, interchange.UrbanProperty{Kind: kinds[r.IntN(4)], AcquiredOn: day(), ExitMeasure: r.IntN(2) == 0, Relocation: r.IntN(4) == 0})
			default:
				more.Businesses = append(more.Businesses, interchange.Business{RegisteredOn: day(), Operating: r.IntN(2) == 0, ExitMeasure: r.IntN(2) == 0})
			}
			if got := rules.Evaluate(more, campaign); got.Outcome != rules.RemoveWrong {
				t.Fatalf("%s: remove_wrong became %s after adding an asset", h.Code, got.Outcome)
			}
			checked++
		}
	})
	if checked < 100 {
		t.Fatalf("only %d checks", checked)
	}
}

// TestEveryResultIsWellFormed runs the shape checks over many synthetic
// households, and checks that evaluation does not change the household.
func TestEveryResultIsWellFormed(t *testing.T) {
	households(t, 5000, func(h *interchange.Household, r rules.Result) {
		before := string(interchange.AppendHousehold(nil, h))
		again := rules.Evaluate(h, campaign)
		if string(again.AppendJSON(nil)) != string(r.AppendJSON(nil)) {
			t.Fatalf("%s: evaluation is not deterministic", h.Code)
		}
		if string(interchange.AppendHousehold(nil, h)) != before {
			t.Fatalf("%s: evaluation changed the household", h.Code)
		}
		checkResultShape(t, r)
	})
}
