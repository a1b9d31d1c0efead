package rules_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
	"jingzhun/internal/rules"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

var campaign = rules.Panlong2017()

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func money(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }

func date(s string) localdate.Date {
	d, err := localdate.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// id makes a valid ID number from its first 17 digits.
func id(first17 string) string { return first17 + idcard.CheckChar(first17) }

func member(rel interchange.Relation, first17, name string) interchange.Member {
	return interchange.Member{
		IDNumber: id(first17), Name: name, Relation: rel, Status: interchange.Present, SharesIncome: true,
		Health: interchange.Healthy, Schooling: interchange.NotInSchool, Dropout: no(), MedicalInsured: yes(),
	}
}

// poorHousehold is a not_registered household of three that ID-01
// includes: net income 6000 (2000 a head, below 2952) and a C-grade house,
// every guarantee but the house met.
func poorHousehold() *interchange.Household {
	return &interchange.Household{
		Code:          "T001",
		Hukou:         interchange.Agricultural,
		RuralResident: true,
		Status:        interchange.NotRegistered,
		Dibao:         no(),
		Income: interchange.Income{Year: 2016, Wage: money("4000"), Operating: money("1500"), Property: money("0"),
			Transfer: money("1000"), OperatingCost: money("500")},
		Housing:               interchange.Housing{Grade: interchange.GradeC},
		FoodSecure:            yes(),
		ClothingSecure:        yes(),
		EducationBurdenHeavy:  no(),
		EmploysOthersLongTerm: no(),
		Members: []interchange.Member{
			member(interchange.Head, "53010319650304001", "李国华"),
			member(interchange.Spouse, "53010319670812002", "张秀英"),
			member(interchange.Child, "53010319920101003", "李明"),
		},
	}
}

// registered is poorHousehold registered on 2014-10-01: kept.
func registered() *interchange.Household {
	h := poorHousehold()
	h.Status = interchange.Registered
	h.RegisteredOn = date("2014-10-01")
	return h
}

// exited is registered, exited in year, with 4000 a head and every
// guarantee met: kept exited.
func exited(year int) *interchange.Household {
	h := registered()
	h.Status = interchange.Exited
	h.ExitedYear = &year
	setNet(h, "12000")
	h.Housing.Grade = interchange.GradeB
	return h
}

// setNet sets the income so that net income is net (all of it wages).
func setNet(h *interchange.Household, net string) {
	h.Income = interchange.Income{Year: 2016, Wage: money(net), Operating: money("0"), Property: money("0"),
		Transfer: money("0"), OperatingCost: money("0")}
}

// run validates h (a test's household must be valid) and evaluates it.
func run(t *testing.T, h *interchange.Household) rules.Result {
	t.Helper()
	if errs := interchange.Validate(h, campaign); len(errs) > 0 {
		t.Fatalf("test household is invalid: %v", errs)
	}
	return rules.Evaluate(h, campaign)
}

func codes(r rules.Result) []string {
	out := []string{}
	for _, x := range r.Rules {
		out = append(out, x.Code)
	}
	return out
}

func ruleOf(r rules.Result, code string) (rules.RuleResult, bool) {
	for _, x := range r.Rules {
		if x.Code == code {
			return x, true
		}
	}
	return rules.RuleResult{}, false
}
