package rules_test

import (
	"slices"
	"strings"
	"testing"

	"jingzhun/internal/interchange"
	"jingzhun/internal/rules"
)

// ruleCase changes a base household and states the whole answer: outcome,
// the listed rule codes in order, the unknown inputs, and for the EX rules
// of a registered household which are excepted.
type ruleCase struct {
	name     string
	base     func() *interchange.Household
	change   func(h *interchange.Household)
	outcome  rules.Outcome
	codes    []string
	unknown  []string
	excepted []string
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := c.base()
			if c.change != nil {
				c.change(h)
			}
			r := run(t, h)
			if r.Outcome != c.outcome {
				t.Errorf("outcome %s, want %s; rules %+v unknown %v", r.Outcome, c.outcome, r.Rules, r.Unknown)
			}
			if got := codes(r); !slices.Equal(got, orEmpty(c.codes)) {
				t.Errorf("rules %v, want %v", got, c.codes)
			}
			if !slices.Equal(orEmpty(r.Unknown), orEmpty(c.unknown)) {
				t.Errorf("unknown %v, want %v", r.Unknown, c.unknown)
			}
			var exc []string
			for _, x := range r.Rules {
				if x.Excepted {
					exc = append(exc, x.Code)
				}
			}
			if !slices.Equal(orEmpty(exc), orEmpty(c.excepted)) {
				t.Errorf("excepted %v, want %v", exc, c.excepted)
			}
			checkResultShape(t, r)
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var identified = []string{rules.PRE01, rules.PRE02, rules.ID01}

// TestIdentification is §4.1: PRE-01, PRE-02, ID-01, ID-02 and the blocking
// EX hits, with each boundary.
func TestIdentification(t *testing.T) {
	nr := poorHousehold
	runCases(t, []ruleCase{
		{name: "ID-01 C-grade house", base: nr, outcome: rules.Include, codes: identified},
		{name: "ID-01 D-grade house", base: nr, change: func(h *interchange.Household) { h.Housing.Grade = "D" }, outcome: rules.Include, codes: identified},
		{name: "B-grade house, nothing else: not eligible", base: nr, change: func(h *interchange.Household) { h.Housing.Grade = "B" },
			outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "ID-01 major disease", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.Members[2].Health = interchange.MajorDisease
		}, outcome: rules.Include, codes: identified},
		{name: "a major disease of a member not sharing income does not count", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.Members[2].Health = interchange.MajorDisease
			h.Members[2].SharesIncome = false
			setNet(h, "4000") // 2000 a head for the two counted
		}, outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "ID-01 student beyond compulsory school, heavy burden", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.Members[2].Schooling = interchange.BeyondCompulsory
			h.EducationBurdenHeavy = yes()
		}, outcome: rules.Include, codes: identified},
		{name: "student without a heavy burden: not eligible", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.Members[2].Schooling = interchange.BeyondCompulsory
		}, outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "student, burden not yet found: needs review", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.Members[2].Schooling = interchange.BeyondCompulsory
			h.EducationBurdenHeavy = nil
		}, outcome: rules.NeedsReview, codes: identified, unknown: []string{"education_burden_heavy"}},
		{name: "a heavy burden but no student: not eligible", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.EducationBurdenHeavy = yes()
		}, outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "per capita exactly 2952 is not below the line", base: nr, change: func(h *interchange.Household) { setNet(h, "8856") },
			outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "one cent under 2952 x 3 is below the line", base: nr, change: func(h *interchange.Household) { setNet(h, "8855.99") },
			outcome: rules.Include, codes: identified},
		{name: "negative net income is below the line", base: nr, change: func(h *interchange.Household) {
			setNet(h, "0")
			h.Income.OperatingCost = money("3000")
		}, outcome: rules.Include, codes: identified},
		{name: "an unknown income part: needs review even if the rest decides", base: nr, change: func(h *interchange.Household) {
			h.Income.Transfer = nil
			h.Income.OperatingCost = nil
		}, outcome: rules.NeedsReview, codes: identified, unknown: []string{"income.operating_cost", "income.transfer"}},
		{name: "house not graded and nothing else: needs review", base: nr, change: func(h *interchange.Household) { h.Housing.Grade = "" },
			outcome: rules.NeedsReview, codes: identified, unknown: []string{"housing.grade"}},
		{name: "house not graded but a major disease decides", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = ""
			h.Members[0].Health = interchange.MajorDisease
		}, outcome: rules.Include, codes: identified},
		{name: "house not graded and health unknown: both listed", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = ""
			h.Members[1].Health = ""
		}, outcome: rules.NeedsReview, codes: identified, unknown: []string{"housing.grade", "members[1].health"}},
		{name: "above the line, unknown house: F and U is F: not eligible", base: nr, change: func(h *interchange.Household) {
			setNet(h, "12000")
			h.Housing.Grade = ""
		}, outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "PRE-01 non-agricultural hukou", base: nr, change: func(h *interchange.Household) { h.Hukou = interchange.NonAgricultural },
			outcome: rules.NotEligible, codes: []string{rules.PRE02, rules.ID01}},
		{name: "PRE-02 not a rural resident", base: nr, change: func(h *interchange.Household) { h.RuralResident = false },
			outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.ID01}},
		{name: "ID-02 dibao, above the line, a member uninsured", base: nr, change: func(h *interchange.Household) {
			setNet(h, "10500")
			h.Housing.Grade = "B"
			h.Dibao = yes()
			h.Members[1].MedicalInsured = no()
		}, outcome: rules.Include, codes: []string{rules.PRE01, rules.PRE02, rules.ID02}},
		{name: "ID-02 dibao, below the line, safe house", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.Dibao = yes()
		}, outcome: rules.Include, codes: []string{rules.PRE01, rules.PRE02, rules.ID02}},
		{name: "dibao but the exit standard met: not eligible", base: nr, change: func(h *interchange.Household) {
			setNet(h, "10500")
			h.Housing.Grade = "B"
			h.Dibao = yes()
		}, outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "dibao unknown, exit standard not met: needs review", base: nr, change: func(h *interchange.Household) {
			h.Housing.Grade = "A"
			h.Dibao = nil
		}, outcome: rules.NeedsReview, codes: []string{rules.PRE01, rules.PRE02, rules.ID02}, unknown: []string{"dibao"}},
		{name: "dibao unknown but ID-01 true: include (ID-02 listed as U)", base: nr, change: func(h *interchange.Household) { h.Dibao = nil },
			outcome: rules.Include, codes: []string{rules.PRE01, rules.PRE02, rules.ID01, rules.ID02}},
		{name: "dibao, food security unknown above the line: needs review", base: nr, change: func(h *interchange.Household) {
			setNet(h, "10500")
			h.Housing.Grade = "B"
			h.Dibao = yes()
			h.FoodSecure = nil
		}, outcome: rules.NeedsReview, codes: []string{rules.PRE01, rules.PRE02, rules.ID02}, unknown: []string{"food_secure"}},
		{name: "dropout of a counted member fails the guarantees (ID-02)", base: nr, change: func(h *interchange.Household) {
			setNet(h, "10500")
			h.Housing.Grade = "B"
			h.Dibao = yes()
			h.Members[2].Dropout = yes()
		}, outcome: rules.Include, codes: []string{rules.PRE01, rules.PRE02, rules.ID02}},
		{name: "an uninsured member who does not share income is not counted", base: nr, change: func(h *interchange.Household) {
			setNet(h, "7000")
			h.Housing.Grade = "B"
			h.Dibao = yes()
			h.Members[2].MedicalInsured = no()
			h.Members[2].SharesIncome = false
		}, outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02}},
		{name: "members who died are not counted, nor removed", base: nr, change: func(h *interchange.Household) {
			h.Members[2].Status = interchange.Deceased
			setNet(h, "4000")
		}, outcome: rules.Include, codes: identified},
	})
}

// TestIdentificationBlocked: the EX hits block identification, without the
// exceptions (§4.1 Reading).
func TestIdentificationBlocked(t *testing.T) {
	nr := poorHousehold
	blocked := func(code string) []string { return []string{rules.PRE01, rules.PRE02, rules.ID01, code} }
	runCases(t, []ruleCase{
		{name: "EX-01 a member on the public payroll", base: nr, change: func(h *interchange.Household) { h.Members[2].FiscalStaffSince = date("2016-09-01") },
			outcome: rules.NotEligible, codes: blocked(rules.EX01)},
		{name: "EX-01 counts a present member not sharing income", base: nr, change: func(h *interchange.Household) {
			h.Members[2].FiscalStaffSince = date("2016-09-01")
			h.Members[2].SharesIncome = false
			setNet(h, "4000")
		}, outcome: rules.NotEligible, codes: blocked(rules.EX01)},
		{name: "EX-01 ignores a deceased member", base: nr, change: func(h *interchange.Household) {
			h.Members[2].FiscalStaffSince = date("2010-09-01")
			h.Members[2].Status = interchange.Deceased
			setNet(h, "4000")
		}, outcome: rules.Include, codes: identified},
		{name: "EX-02 a village cadre", base: nr, change: func(h *interchange.Household) { h.Members[0].VillageCadreSince = date("2011-01-01") },
			outcome: rules.NotEligible, codes: blocked(rules.EX02)},
		{name: "EX-03 a vehicle of exactly 30000 (以上 includes it)", base: nr, change: func(h *interchange.Household) {
			h.Vehicles = []interchange.Vehicle{{Value: *money("30000"), AcquiredOn: date("2015-01-01")}}
		}, outcome: rules.NotEligible, codes: blocked(rules.EX03)},
		{name: "EX-03 a vehicle of 29999.99 does not block", base: nr, change: func(h *interchange.Household) {
			h.Vehicles = []interchange.Vehicle{{Value: *money("29999.99"), AcquiredOn: date("2015-01-01")}}
		}, outcome: rules.Include, codes: identified},
		{name: "EX-03 bought as an exit measure still blocks (no exceptions here)", base: nr, change: func(h *interchange.Household) {
			h.Vehicles = []interchange.Vehicle{{Value: *money("45000"), AcquiredOn: date("2017-01-01"), ExitMeasure: true}}
		}, outcome: rules.NotEligible, codes: blocked(rules.EX03)},
		{name: "EX-04 even a relocation home blocks", base: nr, change: func(h *interchange.Household) {
			h.UrbanProperties = []interchange.UrbanProperty{{Kind: interchange.CommercialHousing, AcquiredOn: date("2016-01-01"), Relocation: true}}
		}, outcome: rules.NotEligible, codes: blocked(rules.EX04)},
		{name: "EX-05 employs others long-term", base: nr, change: func(h *interchange.Household) { h.EmploysOthersLongTerm = yes() },
			outcome: rules.NotEligible, codes: blocked(rules.EX05)},
		{name: "EX-05 unknown: needs review", base: nr, change: func(h *interchange.Household) { h.EmploysOthersLongTerm = nil },
			outcome: rules.NeedsReview, codes: blocked(rules.EX05), unknown: []string{"employs_others_long_term"}},
		{name: "EX-06 an operating business", base: nr, change: func(h *interchange.Household) {
			h.Businesses = []interchange.Business{{RegisteredOn: date("2015-05-01"), Operating: true}}
		}, outcome: rules.NotEligible, codes: blocked(rules.EX06)},
		{name: "EX-06 a business that does not operate is no hit", base: nr, change: func(h *interchange.Household) {
			h.Businesses = []interchange.Business{{RegisteredOn: date("2015-05-01")}}
		}, outcome: rules.Include, codes: identified},
		{name: "EX-07 split, criteria met: no hit", base: nr, change: func(h *interchange.Household) { h.Findings.SplitOrMergeForBenefit = true },
			outcome: rules.Include, codes: identified},
		{name: "EX-07 split, criteria not met", base: nr, change: func(h *interchange.Household) {
			h.Findings.SplitOrMergeForBenefit = true
			h.Housing.Grade = "A"
		}, outcome: rules.NotEligible, codes: []string{rules.PRE01, rules.PRE02, rules.EX07}},
		{name: "EX-08 empty-hung hukou", base: nr, change: func(h *interchange.Household) { h.Findings.EmptyHungHukou = true },
			outcome: rules.NotEligible, codes: blocked(rules.EX08)},
		{name: "EX-10 fraud, criteria met: no hit", base: nr, change: func(h *interchange.Household) { h.Findings.Fraud = true },
			outcome: rules.Include, codes: identified},
		{name: "EX-10 fraud, criteria unknown: needs review", base: nr, change: func(h *interchange.Household) {
			h.Findings.Fraud = true
			h.Housing.Grade = ""
		}, outcome: rules.NeedsReview, codes: []string{rules.PRE01, rules.PRE02, rules.ID01, rules.EX10}, unknown: []string{"housing.grade"}},
	})
}

// TestCorrection is §4.2: each EX rule, its exception and the boundaries.
func TestCorrection(t *testing.T) {
	reg := registered
	vehicle := func(value, on string, exit bool) func(h *interchange.Household) {
		return func(h *interchange.Household) {
			h.Vehicles = append(h.Vehicles, interchange.Vehicle{Value: *money(value), AcquiredOn: date(on), ExitMeasure: exit})
		}
	}
	property := func(kind interchange.PropertyKind, on string, exit, relocation bool) func(h *interchange.Household) {
		return func(h *interchange.Household) {
			h.UrbanProperties = append(h.UrbanProperties, interchange.UrbanProperty{Kind: kind, AcquiredOn: date(on), ExitMeasure: exit, Relocation: relocation})
		}
	}
	business := func(on string, operating, exit bool) func(h *interchange.Household) {
		return func(h *interchange.Household) {
			h.Businesses = append(h.Businesses, interchange.Business{RegisteredOn: date(on), Operating: operating, ExitMeasure: exit})
		}
	}
	both := func(fs ...func(h *interchange.Household)) func(h *interchange.Household) {
		return func(h *interchange.Household) {
			for _, f := range fs {
				f(h)
			}
		}
	}
	ex := func(code string) []string { return []string{code} }
	runCases(t, []ruleCase{
		{name: "still poor: keep", base: reg, outcome: rules.Keep},

		{name: "EX-01 on the payroll before registration", base: reg, change: func(h *interchange.Household) { h.Members[2].FiscalStaffSince = date("2012-09-01") },
			outcome: rules.RemoveWrong, codes: ex(rules.EX01)},
		{name: "EX-01 the same day as registration is not after it", base: reg, change: func(h *interchange.Household) { h.Members[2].FiscalStaffSince = date("2014-10-01") },
			outcome: rules.RemoveWrong, codes: ex(rules.EX01)},
		{name: "EX-01 the day after registration: excepted", base: reg, change: func(h *interchange.Household) { h.Members[2].FiscalStaffSince = date("2014-10-02") },
			outcome: rules.ExitNormal, codes: ex(rules.EX01), excepted: ex(rules.EX01)},
		{name: "EX-01 one member after, one before: wrong", base: reg, change: func(h *interchange.Household) {
			h.Members[1].FiscalStaffSince = date("2016-09-01")
			h.Members[2].FiscalStaffSince = date("2013-09-01")
		}, outcome: rules.RemoveWrong, codes: ex(rules.EX01)},
		{name: "EX-01 a present member not sharing income counts, and is removed", base: reg, change: func(h *interchange.Household) {
			h.Members[2].FiscalStaffSince = date("2012-09-01")
			h.Members[2].SharesIncome = false
		}, outcome: rules.RemoveWrong, codes: []string{rules.EX01, rules.EX09}},
		{name: "EX-02 a cadre before registration", base: reg, change: func(h *interchange.Household) { h.Members[0].VillageCadreSince = date("2011-01-01") },
			outcome: rules.RemoveWrong, codes: ex(rules.EX02)},
		{name: "EX-02 a cadre after registration: excepted", base: reg, change: func(h *interchange.Household) { h.Members[0].VillageCadreSince = date("2016-12-01") },
			outcome: rules.ExitNormal, codes: ex(rules.EX02), excepted: ex(rules.EX02)},

		{name: "EX-03 exactly 30000 before registration", base: reg, change: vehicle("30000", "2013-05-01", false), outcome: rules.RemoveWrong, codes: ex(rules.EX03)},
		{name: "EX-03 29999.99 is no hit", base: reg, change: vehicle("29999.99", "2013-05-01", false), outcome: rules.Keep},
		{name: "EX-03 after registration as an exit measure: excepted", base: reg, change: vehicle("45000", "2016-04-01", true),
			outcome: rules.ExitNormal, codes: ex(rules.EX03), excepted: ex(rules.EX03)},
		{name: "EX-03 after registration, not an exit measure", base: reg, change: vehicle("45000", "2016-04-01", false), outcome: rules.RemoveWrong, codes: ex(rules.EX03)},
		{name: "EX-03 on the registration day as an exit measure: not after it", base: reg, change: vehicle("45000", "2014-10-01", true), outcome: rules.RemoveWrong, codes: ex(rules.EX03)},
		{name: "EX-03 one excepted, one not", base: reg, change: both(vehicle("45000", "2016-04-01", true), vehicle("31000", "2013-01-01", false)),
			outcome: rules.RemoveWrong, codes: ex(rules.EX03)},
		{name: "EX-03 a cheap vehicle beside an excepted one", base: reg, change: both(vehicle("45000", "2016-04-01", true), vehicle("8000", "2013-01-01", false)),
			outcome: rules.ExitNormal, codes: ex(rules.EX03), excepted: ex(rules.EX03)},

		{name: "EX-04 a shop bought before registration", base: reg, change: property(interchange.Shop, "2013-06-01", false, false), outcome: rules.RemoveWrong, codes: ex(rules.EX04)},
		{name: "EX-04 a shop bought after registration as an exit measure", base: reg, change: property(interchange.Shop, "2016-03-01", true, false),
			outcome: rules.ExitNormal, codes: ex(rules.EX04), excepted: ex(rules.EX04)},
		{name: "EX-04 commercial housing after registration as an exit measure", base: reg, change: property(interchange.CommercialHousing, "2016-03-01", true, false),
			outcome: rules.ExitNormal, codes: ex(rules.EX04), excepted: ex(rules.EX04)},
		{name: "EX-04 commercial housing after registration, no exit measure", base: reg, change: property(interchange.CommercialHousing, "2016-03-01", false, false),
			outcome: rules.RemoveWrong, codes: ex(rules.EX04)},
		{name: "EX-04 a self-built town house has no exit-measure exception", base: reg, change: property(interchange.SelfBuilt, "2016-03-01", true, false),
			outcome: rules.RemoveWrong, codes: ex(rules.EX04)},
		{name: "EX-04 other town property has no exit-measure exception", base: reg, change: property(interchange.OtherProperty, "2016-03-01", true, false),
			outcome: rules.RemoveWrong, codes: ex(rules.EX04)},
		{name: "EX-04 a relocation home of any kind and date", base: reg, change: property(interchange.SelfBuilt, "2010-03-01", false, true),
			outcome: rules.ExitNormal, codes: ex(rules.EX04), excepted: ex(rules.EX04)},
		{name: "EX-04 a relocation home and a shop bought before", base: reg,
			change:  both(property(interchange.CommercialHousing, "2016-03-01", false, true), property(interchange.Shop, "2012-03-01", false, false)),
			outcome: rules.RemoveWrong, codes: ex(rules.EX04)},

		{name: "EX-05 employs others long-term", base: reg, change: func(h *interchange.Household) { h.EmploysOthersLongTerm = yes() },
			outcome: rules.RemoveWrong, codes: ex(rules.EX05)},
		{name: "EX-05 unknown: needs review", base: reg, change: func(h *interchange.Household) { h.EmploysOthersLongTerm = nil },
			outcome: rules.NeedsReview, codes: ex(rules.EX05), unknown: []string{"employs_others_long_term"}},
		{name: "EX-05 unknown wins over an excepted hit", base: reg, change: both(vehicle("45000", "2016-04-01", true), func(h *interchange.Household) { h.EmploysOthersLongTerm = nil }),
			outcome: rules.NeedsReview, codes: []string{rules.EX03, rules.EX05}, unknown: []string{"employs_others_long_term"}, excepted: ex(rules.EX03)},
		{name: "EX-05 unknown loses to a wrong hit", base: reg, change: both(vehicle("45000", "2012-04-01", false), func(h *interchange.Household) { h.EmploysOthersLongTerm = nil }),
			outcome: rules.RemoveWrong, codes: []string{rules.EX03, rules.EX05}},

		{name: "EX-06 operating since before registration", base: reg, change: business("2013-05-01", true, false), outcome: rules.RemoveWrong, codes: ex(rules.EX06)},
		{name: "EX-06 registered after registration as an exit measure", base: reg, change: business("2015-05-01", true, true),
			outcome: rules.ExitNormal, codes: ex(rules.EX06), excepted: ex(rules.EX06)},
		{name: "EX-06 after registration, not an exit measure", base: reg, change: business("2015-05-01", true, false), outcome: rules.RemoveWrong, codes: ex(rules.EX06)},
		{name: "EX-06 not operating: no hit", base: reg, change: business("2013-05-01", false, false), outcome: rules.Keep},

		{name: "EX-07 split, still meets the criteria: keep", base: reg, change: func(h *interchange.Household) { h.Findings.SplitOrMergeForBenefit = true }, outcome: rules.Keep},
		{name: "EX-07 split, criteria not met", base: reg, change: func(h *interchange.Household) {
			h.Findings.SplitOrMergeForBenefit = true
			h.Housing.Grade = "B"
		}, outcome: rules.RemoveWrong, codes: ex(rules.EX07)},
		{name: "EX-07 split, criteria unknown", base: reg, change: func(h *interchange.Household) {
			h.Findings.SplitOrMergeForBenefit = true
			h.Housing.Grade = "B"
			h.Dibao = nil
		}, outcome: rules.NeedsReview, codes: ex(rules.EX07), unknown: []string{"dibao"}},
		{name: "EX-08 empty-hung hukou", base: reg, change: func(h *interchange.Household) { h.Findings.EmptyHungHukou = true }, outcome: rules.RemoveWrong, codes: ex(rules.EX08)},
		{name: "EX-10 fraud, criteria met: keep", base: reg, change: func(h *interchange.Household) { h.Findings.Fraud = true }, outcome: rules.Keep},
		{name: "EX-10 fraud, criteria not met (exit standard met as well)", base: reg, change: func(h *interchange.Household) {
			h.Findings.Fraud = true
			setNet(h, "12000")
			h.Housing.Grade = "A"
		}, outcome: rules.RemoveWrong, codes: []string{rules.EX10, rules.EXITSTD}},

		{name: "EX-09 a missing member is removed, the household kept", base: reg, change: func(h *interchange.Household) {
			h.Members[2].Status = interchange.Missing
			setNet(h, "4000")
		}, outcome: rules.Keep, codes: ex(rules.EX09)},
		{name: "EX-09 every member gone: dissolve", base: reg, change: func(h *interchange.Household) {
			for i := range h.Members {
				h.Members[i].Status = interchange.Deceased
			}
		}, outcome: rules.Dissolve, codes: ex(rules.EX09)},
		{name: "EX-09 every member gone but a wrong hit: remove_wrong comes first", base: reg, change: func(h *interchange.Household) {
			for i := range h.Members {
				h.Members[i].Status = interchange.Deceased
			}
			h.Findings.EmptyHungHukou = true
		}, outcome: rules.RemoveWrong, codes: []string{rules.EX08, rules.EX09}},

		{name: "EXIT-STD met: normal exit", base: reg, change: func(h *interchange.Household) {
			setNet(h, "12000")
			h.Housing.Grade = "A"
		}, outcome: rules.ExitNormal, codes: ex(rules.EXITSTD)},
		{name: "EXIT-STD exactly at the line", base: reg, change: func(h *interchange.Household) {
			setNet(h, "8856")
			h.Housing.Grade = "A"
		}, outcome: rules.ExitNormal, codes: ex(rules.EXITSTD)},
		{name: "above the line but a D-grade house: keep", base: reg, change: func(h *interchange.Household) {
			setNet(h, "12000")
			h.Housing.Grade = "D"
		}, outcome: rules.Keep},
		{name: "above the line, clothing unknown: needs review", base: reg, change: func(h *interchange.Household) {
			setNet(h, "12000")
			h.Housing.Grade = "A"
			h.ClothingSecure = nil
		}, outcome: rules.NeedsReview, codes: ex(rules.EXITSTD), unknown: []string{"clothing_secure"}},
		{name: "an excepted hit decides even when the exit standard is unknown", base: reg, change: both(vehicle("45000", "2016-04-01", true), func(h *interchange.Household) {
			setNet(h, "12000")
			h.Housing.Grade = "A"
			h.ClothingSecure = nil
		}), outcome: rules.ExitNormal, codes: []string{rules.EX03, rules.EXITSTD}, excepted: ex(rules.EX03)},
	})
}

// TestReexamination is §4.3.
func TestReexamination(t *testing.T) {
	ex := func(y int) func() *interchange.Household { return func() *interchange.Household { return exited(y) } }
	runCases(t, []ruleCase{
		{name: "exited 2016, stable", base: ex(2016), outcome: rules.KeepExited},
		{name: "RE-01 exited 2016, below the line", base: ex(2016), change: func(h *interchange.Household) { setNet(h, "7500") },
			outcome: rules.Reinclude, codes: []string{rules.RE01}},
		{name: "RE-01 exited 2016, a guarantee unmet", base: ex(2016), change: func(h *interchange.Household) { h.Members[1].MedicalInsured = no() },
			outcome: rules.Reinclude, codes: []string{rules.RE01}},
		{name: "RE-01 exited 2016, exactly at the line: stable", base: ex(2016), change: func(h *interchange.Household) { setNet(h, "8856") },
			outcome: rules.KeepExited},
		{name: "RE-02 exited 2015, a dropout", base: ex(2015), change: func(h *interchange.Household) { h.Members[2].Dropout = yes() },
			outcome: rules.ContinueSupport, codes: []string{rules.RE02}},
		{name: "RE-02 exited 2014, below the line", base: ex(2014), change: func(h *interchange.Household) { setNet(h, "3000") },
			outcome: rules.ContinueSupport, codes: []string{rules.RE02}},
		{name: "RE-02 exited 2014, stable", base: ex(2014), outcome: rules.KeepExited},
		{name: "RE-02 insurance unknown: needs review", base: ex(2014), change: func(h *interchange.Household) { h.Members[2].MedicalInsured = nil },
			outcome: rules.NeedsReview, codes: []string{rules.RE02}, unknown: []string{"members[2].medical_insured"}},
		{name: "exited households are not checked for exclusions", base: ex(2016), change: func(h *interchange.Household) {
			h.Vehicles = []interchange.Vehicle{{Value: *money("90000"), AcquiredOn: date("2012-01-01")}}
			h.Findings.EmptyHungHukou = true
		}, outcome: rules.KeepExited},
		{name: "EX-09 a member removed, still stable", base: ex(2016), change: func(h *interchange.Household) {
			h.Members[2].Status = interchange.Deceased
			setNet(h, "8000")
		}, outcome: rules.KeepExited, codes: []string{rules.EX09}},
		{name: "every member gone: dissolve, no RE rule", base: ex(2016), change: func(h *interchange.Household) {
			for i := range h.Members {
				h.Members[i].Status = interchange.Missing
			}
		}, outcome: rules.Dissolve, codes: []string{rules.EX09}},
	})
}

// TestResultValues checks the numbers and lists of results.
func TestResultValues(t *testing.T) {
	h := poorHousehold()
	setNet(h, "8855.99")
	r := run(t, h)
	if r.PerCapitaIncome.String() != "2952" || *r.HouseholdSize != 3 {
		// 8855.99 / 3 = 2951.9966… rounds to 2952.00, yet is below the line:
		// the comparison is exact, the output rounded.
		t.Fatalf("per capita %s size %d", r.PerCapitaIncome, *r.HouseholdSize)
	}
	if r.Outcome != rules.Include {
		t.Fatalf("the comparison must be exact: %s", r.Outcome)
	}

	h = poorHousehold()
	setNet(h, "0.05")
	h.Members = h.Members[:2]
	if r := run(t, h); r.PerCapitaIncome.String() != "0.03" {
		t.Errorf("halves round away from zero: %s", r.PerCapitaIncome)
	}
	h.Income.OperatingCost = money("0.10")
	if r := run(t, h); r.PerCapitaIncome.String() != "-0.03" {
		t.Errorf("negative halves round away from zero: %s", r.PerCapitaIncome)
	}

	h = registered()
	h.Members[1].IDNumber = id("11010519491231002")[:17] + "x" // check char X, written lower-case
	h.Members[1].Status = interchange.Deceased
	r = run(t, h)
	if !slices.Equal(r.MembersRemoved, []string{"11010519491231002X"}) {
		t.Errorf("members_removed upper-cases the ID: %v", r.MembersRemoved)
	}

	h = registered()
	for i := range h.Members {
		h.Members[i].Status = interchange.Deceased
	}
	r = run(t, h)
	if r.PerCapitaIncome != nil || *r.HouseholdSize != 0 || len(r.MembersRemoved) != 3 {
		t.Errorf("dissolved: per capita %v size %d removed %v", r.PerCapitaIncome, *r.HouseholdSize, r.MembersRemoved)
	}

	h = poorHousehold()
	h.Members[2].Status = interchange.Deceased
	if r := run(t, h); len(r.MembersRemoved) != 0 {
		t.Errorf("members_removed is empty for not_registered: %v", r.MembersRemoved)
	}
}

// TestNoCountedMemberWithFraud: a registered household without counted
// members whose EX-10 reads an income that cannot be divided; the spec says
// income_below_line is U when household_size is 0, and the only input at
// fault is the member list.
func TestNoCountedMemberWithFraud(t *testing.T) {
	h := registered()
	for i := range h.Members {
		h.Members[i].Status = interchange.Deceased
	}
	h.Housing.Grade = "A"
	h.Dibao = yes()
	h.Findings.Fraud = true
	r := run(t, h)
	if r.Outcome != rules.NeedsReview || !slices.Equal(r.Unknown, []string{"members"}) {
		t.Fatalf("%s %v %+v", r.Outcome, r.Unknown, r.Rules)
	}
}

// TestDetails checks that explanations name the deciding values.
func TestDetails(t *testing.T) {
	h := registered()
	h.RegisteredOn = date("2014-10-01")
	h.Vehicles = []interchange.Vehicle{{Value: *money("45000"), AcquiredOn: date("2013-05-01")}}
	r := run(t, h)
	x, _ := ruleOf(r, rules.EX03)
	if x.Detail != "机动车1购置价格45000元≥30000元，购置于2013-05-01，早于建档立卡日期2014-10-01" {
		t.Errorf("EX-03 detail: %s", x.Detail)
	}

	r = run(t, poorHousehold())
	x, _ = ruleOf(r, rules.ID01)
	for _, want := range []string{"6000元", "3人", "2000元", "2952元", "C级危房"} {
		if !strings.Contains(x.Detail, want) {
			t.Errorf("ID-01 detail %q lacks %q", x.Detail, want)
		}
	}

	h = registered()
	h.Members[2].FiscalStaffSince = date("2016-09-01")
	r = run(t, h)
	x, _ = ruleOf(r, rules.EX01)
	if !strings.Contains(x.Detail, "李明") || !strings.Contains(x.Detail, "2016-09-01") || !strings.Contains(x.Detail, "不认定为错评") {
		t.Errorf("EX-01 detail: %s", x.Detail)
	}

	h = registered()
	setNet(h, "12000")
	h.Housing.Grade = "A"
	h.FoodSecure = nil
	r = run(t, h)
	x, _ = ruleOf(r, rules.EXITSTD)
	if x.Value != rules.Unknown || !strings.Contains(x.Detail, "不愁吃") {
		t.Errorf("EXIT-STD: %+v", x)
	}
}
