package rules_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/interchange"
	"jingzhun/internal/rules"
)

// fixtureFile is testdata/spec/rules-cases.json, the spec's named cases.
type fixtureFile struct {
	Campaign json.RawMessage `json:"campaign"`
	Cases    []struct {
		Name      string          `json:"name"`
		Household json.RawMessage `json:"household"`
		Expected  struct {
			Outcome         string       `json:"outcome"`
			PerCapitaIncome *json.Number `json:"per_capita_income"`
			MembersRemoved  []string     `json:"members_removed"`
			RuleCodes       []string     `json:"rule_codes"`
			Unknown         []string     `json:"unknown"`
		} `json:"expected"`
	} `json:"cases"`
}

func loadFixtures(t testing.TB) (fixtureFile, interchange.Campaign) {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/spec/rules-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	dec := json.NewDecoder(bytesReader(raw))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	c, err := interchange.DecodeCampaign(f.Campaign)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// evaluate runs one raw household the way the engine does.
func evaluate(raw []byte, c interchange.Campaign) rules.Result {
	var h interchange.Household
	code, errs := interchange.ReadHousehold(raw, c, &h)
	if len(errs) > 0 {
		return rules.InvalidResult(code, errs)
	}
	return rules.Evaluate(&h, c)
}

// TestFixtures runs every case of the spec's rules-cases.json.
func TestFixtures(t *testing.T) {
	f, c := loadFixtures(t)
	if len(f.Cases) != 56 {
		t.Fatalf("the spec has 56 cases, read %d", len(f.Cases))
	}
	for _, fc := range f.Cases {
		t.Run(fc.Name, func(t *testing.T) {
			r := evaluate(fc.Household, c)
			want := fc.Expected
			if string(r.Outcome) != want.Outcome {
				t.Errorf("outcome %s, want %s (errors %v, rules %v)", r.Outcome, want.Outcome, r.Errors, r.Rules)
			}
			switch {
			case want.PerCapitaIncome == nil && r.PerCapitaIncome != nil:
				t.Errorf("per_capita_income %s, want null", r.PerCapitaIncome)
			case want.PerCapitaIncome != nil:
				w := decimal.RequireFromString(want.PerCapitaIncome.String())
				if r.PerCapitaIncome == nil || !r.PerCapitaIncome.Equal(w) {
					t.Errorf("per_capita_income %v, want %s (to the cent)", r.PerCapitaIncome, w)
				}
			}
			if !sameStrings(r.MembersRemoved, want.MembersRemoved) {
				t.Errorf("members_removed %v, want %v", r.MembersRemoved, want.MembersRemoved)
			}
			var codes []string
			for _, x := range r.Rules {
				codes = append(codes, x.Code)
			}
			if !sameSet(codes, want.RuleCodes) {
				t.Errorf("rule codes %v, want %v", codes, want.RuleCodes)
			}
			if !sameStrings(r.Unknown, want.Unknown) {
				t.Errorf("unknown %v, want %v", r.Unknown, want.Unknown)
			}
			checkResultShape(t, r)
		})
	}
}

// checkResultShape holds for every result of rules.md §5.2.
func checkResultShape(t *testing.T, r rules.Result) {
	t.Helper()
	if r.Outcome == rules.Invalid {
		if len(r.Errors) == 0 || r.HouseholdSize != nil || r.PerCapitaIncome != nil || len(r.Rules) > 0 {
			t.Errorf("an invalid result has errors and nothing evaluated: %+v", r)
		}
		for _, e := range r.Errors {
			if e.Message == "" {
				t.Errorf("error without message: %+v", e)
			}
		}
		return
	}
	if len(r.Errors) > 0 || r.HouseholdSize == nil || r.Code == nil {
		t.Errorf("a valid result has a code, a size and no errors: %+v", r)
	}
	if (r.Outcome == rules.NeedsReview) != (len(r.Unknown) > 0) {
		t.Errorf("unknown inputs are listed exactly for needs_review: %s %v", r.Outcome, r.Unknown)
	}
	if !slices.IsSorted(r.Unknown) || len(slices.Compact(slices.Clone(r.Unknown))) != len(r.Unknown) {
		t.Errorf("unknown must be sorted, each path once: %v", r.Unknown)
	}
	last := -1
	for _, x := range r.Rules {
		if x.Value == rules.False {
			t.Errorf("%s listed with value F", x.Code)
		}
		if x.Detail == "" {
			t.Errorf("%s has no detail", x.Code)
		}
		i := catalogIndex(x.Code)
		if i < 0 {
			t.Errorf("%s is not in the catalog", x.Code)
		}
		if i <= last {
			t.Errorf("rules out of the tables' order: %v", r.Rules)
		}
		last = i
	}
}

func catalogIndex(code string) int {
	return slices.IndexFunc(rules.Catalog, func(r rules.Rule) bool { return r.Code == code })
}

func sameStrings(got, want []string) bool {
	if len(got) == 0 && len(want) == 0 {
		return true
	}
	return slices.Equal(got, want)
}

func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return sameStrings(g, w)
}
