// Package rules is the identification rules of 盘政办通〔2017〕99号 as
// rules.md fixes their reading: who is newly included (§4.1), who is removed
// as wrongly registered or proposed for exit (§4.2), which exited household
// is re-included or supported further (§4.3). It is pure: a household and a
// campaign in, a Result out, with the rules that decided it, a Chinese
// explanation naming the values, and the unknown inputs where data was
// missing. No I/O, no clock; every number comes from the campaign.
package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
)

// Result is the answer for one household (rules.md §5.2).
type Result struct {
	Code            *string // as given; nil when it was not a string (invalid only)
	Outcome         Outcome
	PerCapitaIncome *decimal.Decimal // nil: net income unknown, no counted member, or invalid
	HouseholdSize   *int             // nil only for invalid
	MembersRemoved  []string         // EX-09, upper-cased ID numbers
	Rules           []RuleResult     // the rules that were T or U, in the order of the tables
	Unknown         []string         // for needs_review: the unknown inputs that decided it
	Errors          interchange.FieldErrors
}

// RuleResult is one rule that evaluated to T or U.
type RuleResult struct {
	Code     string
	Value    Tri
	Excepted bool   // EX rules of a registered household: every hitting item is excepted
	Detail   string // Chinese, naming the values that decided it
}

// InvalidResult is the result of a household that failed validation:
// nothing of it is evaluated.
func InvalidResult(code *string, errs interchange.FieldErrors) Result {
	return Result{Code: code, Outcome: Invalid, Errors: errs}
}

// Evaluate applies the rules of the household's section. h must have passed
// interchange.Validate for c; Evaluate does not check it again.
func Evaluate(h *interchange.Household, c interchange.Campaign) Result {
	a := assess(h, c)
	code := h.Code
	size := a.size
	r := Result{Code: &code, HouseholdSize: &size, PerCapitaIncome: a.perCapita}
	switch h.Status {
	case interchange.NotRegistered:
		a.identify(&r)
	case interchange.Registered:
		a.correct(&r)
	default:
		a.reexamine(&r)
	}
	if r.Outcome != NeedsReview {
		r.Unknown = nil
	}
	return r
}

// assessment holds the derived values of rules.md §3 for one household,
// each as a three-valued condition.
type assessment struct {
	h *interchange.Household
	c interchange.Campaign

	size      int              // counted members
	net       *decimal.Decimal // nil when unknown
	perCapita *decimal.Decimal

	below                                      cond // income_below_line
	unsafe, disease, student, heavy, education cond
	food, clothing, noDropout, insured, safe   cond // the parts of guarantees_met
	guarantees, exitStd                        cond
	pre1, pre2, id1, id2, meets                cond
}

// incomeParts names the parts of net income in the format's order.
var incomeParts = [...]struct{ path, name string }{
	{"income.wage", "工资性收入"},
	{"income.operating", "生产经营性收入"},
	{"income.property", "财产性收入"},
	{"income.transfer", "转移性收入"},
	{"income.operating_cost", "生产经营性支出"},
}

func (a *assessment) incomeValues() [5]*decimal.Decimal {
	in := &a.h.Income
	return [5]*decimal.Decimal{in.Wage, in.Operating, in.Property, in.Transfer, in.OperatingCost}
}

func assess(h *interchange.Household, c interchange.Campaign) *assessment {
	a := &assessment{h: h, c: c}
	for i := range h.Members {
		if h.Members[i].Counted() {
			a.size++
		}
	}

	// Net income is unknown when any part is, even where the known parts
	// would decide (rules.md §3).
	var unknownParts []string
	parts := a.incomeValues()
	for i, p := range parts {
		if p == nil {
			unknownParts = append(unknownParts, incomeParts[i].path)
		}
	}
	if unknownParts == nil {
		net := parts[0].Add(*parts[1]).Add(*parts[2]).Add(*parts[3]).Sub(*parts[4])
		a.net = &net
	}
	switch {
	case a.net == nil:
		a.below = unknownAt(unknownParts...)
		if a.size == 0 {
			a.below.unknown = append(a.below.unknown, "members")
		}
	case a.size == 0:
		// No one to divide by: the line cannot be compared. "members" is
		// the input at fault (there is no counted member).
		a.below = unknownAt("members")
	default:
		size := decimal.NewFromInt(int64(a.size))
		a.below = known(a.net.Cmp(c.PovertyLine.Mul(size)) < 0)
		pc := a.net.DivRound(size, 2)
		a.perCapita = &pc
	}

	switch h.Housing.Grade {
	case interchange.GradeC, interchange.GradeD:
		a.unsafe = condTrue
	case interchange.GradeA, interchange.GradeB:
		a.unsafe = condFalse
	default:
		a.unsafe = unknownAt("housing.grade")
	}
	a.safe = not(a.unsafe)

	a.disease, a.student = condFalse, condFalse
	a.noDropout, a.insured = condTrue, condTrue
	for i := range h.Members {
		m := &h.Members[i]
		if !m.Counted() {
			continue
		}
		switch m.Health {
		case interchange.MajorDisease:
			a.disease = or(a.disease, condTrue)
		case "":
			a.disease = or(a.disease, unknownAt(memberPath(i, "health")))
		}
		switch m.Schooling {
		case interchange.BeyondCompulsory:
			a.student = or(a.student, condTrue)
		case "":
			a.student = or(a.student, unknownAt(memberPath(i, "schooling")))
		}
		a.noDropout = and(a.noDropout, not(triInputLazy(m.Dropout, i, "dropout")))
		a.insured = and(a.insured, triInputLazy(m.MedicalInsured, i, "medical_insured"))
	}
	a.heavy = triInput(h.EducationBurdenHeavy, "education_burden_heavy")
	a.education = and(a.student, a.heavy)

	a.food = triInput(h.FoodSecure, "food_secure")
	a.clothing = triInput(h.ClothingSecure, "clothing_secure")
	a.guarantees = and(a.food, a.clothing, a.noDropout, a.insured, a.safe)
	a.exitStd = and(not(a.below), a.guarantees)

	a.pre1 = known(h.Hukou == interchange.Agricultural)
	a.pre2 = known(h.RuralResident)
	a.id1 = and(a.below, or(a.unsafe, a.disease, a.education))
	a.id2 = and(triInput(h.Dibao, "dibao"), not(a.exitStd))
	a.meets = and(a.pre1, a.pre2, or(a.id1, a.id2))
	return a
}

// memberPath is the path of a member's field: members[1].medical_insured.
// triInput takes it eagerly, so callers on hot paths build it only for nil.
func memberPath(i int, field string) string {
	return "members[" + strconv.Itoa(i) + "]." + field
}

func triInputLazy(b *bool, i int, field string) cond {
	if b == nil {
		return unknownAt(memberPath(i, field))
	}
	return known(*b)
}

// exclusion is one EX rule's value for a household: whether it hits,
// whether some hitting item has no exception (wrong), whether it hits with
// every hitting item excepted, and the explanation.
type exclusion struct {
	code     string
	hit      cond
	wrong    cond // hit and not exception
	excepted cond // hit and exception
	detail   string
}

// exclusions evaluates EX-01..EX-08 and EX-10. withExceptions is false for a
// not_registered household, where only the hits count (rules.md §4.1).
func (a *assessment) exclusions(withExceptions bool) []exclusion {
	h := a.h
	out := make([]exclusion, 0, 9)
	itemRule := func(code string, items []exItem) {
		e := exclusion{code: code}
		var texts []string
		anyWrong := false
		for _, it := range items {
			if !withExceptions {
				it.excepted = false
			}
			if !it.excepted {
				anyWrong = true
			}
			texts = append(texts, a.describeItem(it, withExceptions))
		}
		e.hit = known(len(items) > 0)
		e.wrong = known(len(items) > 0 && anyWrong)
		e.excepted = known(len(items) > 0 && !anyWrong)
		e.detail = strings.Join(texts, "；")
		out = append(out, e)
	}
	itemRule(EX01, a.memberItems(func(m *interchange.Member) localdate.Date { return m.FiscalStaffSince }, "为在岗在编财政供养人员"))
	itemRule(EX02, a.memberItems(func(m *interchange.Member) localdate.Date { return m.VillageCadreSince }, "为现任“村三委”干部"))
	itemRule(EX03, a.vehicleItems())
	itemRule(EX04, a.propertyItems())

	// The explanations of rules that do not hit are never read: build them
	// only for hits.
	say := func(c cond, detail func() string) string {
		if c.v == False {
			return ""
		}
		return detail()
	}
	ex05 := triInput(h.EmploysOthersLongTerm, "employs_others_long_term")
	out = append(out, exclusion{code: EX05, hit: ex05, wrong: ex05, excepted: condFalse, detail: sayTri(ex05.v,
		"长期雇佣他人从事生产经营活动", "", "是否长期雇佣他人从事生产经营活动未核实")})

	itemRule(EX06, a.businessItems())

	notMeets := not(a.meets)
	ex07 := and(known(h.Findings.SplitOrMergeForBenefit), notMeets)
	out = append(out, exclusion{code: EX07, hit: ex07, wrong: ex07, excepted: condFalse, detail: say(ex07, func() string {
		return "核查组认定为享受扶贫支持故意分户、并户，" + a.sayNotMeets(ex07.v)
	})})
	ex08 := known(h.Findings.EmptyHungHukou)
	out = append(out, exclusion{code: EX08, hit: ex08, wrong: ex08, excepted: condFalse,
		detail: "核查组认定为空挂户（为获取某种利益或达到某种目的将户口迁入村组）"})
	ex10 := and(known(h.Findings.Fraud), notMeets)
	out = append(out, exclusion{code: EX10, hit: ex10, wrong: ex10, excepted: condFalse, detail: say(ex10, func() string {
		return "核查组认定存在优亲厚友、弄虚作假、徇私舞弊或信息失真，" + a.sayNotMeets(ex10.v)
	})})
	return out
}

// identify is §4.1, for a not_registered household.
func (a *assessment) identify(r *Result) {
	r.MembersRemoved = []string{}
	a.listIdentification(r)
	blocked := condFalse
	for _, e := range a.exclusions(false) {
		blocked = or(blocked, e.hit)
		if e.hit.v != False {
			r.Rules = append(r.Rules, RuleResult{Code: e.code, Value: e.hit.v, Detail: e.detail})
		}
	}
	include := and(a.meets, not(blocked))
	switch include.v {
	case True:
		r.Outcome = Include
	case False:
		r.Outcome = NotEligible
	default:
		r.Outcome = NeedsReview
		r.Unknown = sortedPaths(include.unknown)
	}
}

func (a *assessment) listIdentification(r *Result) {
	add := func(code string, c cond, detail func() string) {
		if c.v != False {
			r.Rules = append(r.Rules, RuleResult{Code: code, Value: c.v, Detail: detail()})
		}
	}
	add(PRE01, a.pre1, func() string { return "户籍性质为农业户籍" })
	add(PRE02, a.pre2, func() string { return "为农村常住人口" })
	add(ID01, a.id1, a.sayID01)
	add(ID02, a.id2, a.sayID02)
}

// correct is §4.2, for a registered household.
func (a *assessment) correct(r *Result) {
	r.MembersRemoved = a.removed()
	wrong, excepted := condFalse, condFalse
	for _, e := range a.exclusions(true) {
		wrong = or(wrong, e.wrong)
		excepted = or(excepted, e.excepted)
		if e.code == EX10 {
			a.listRemoved(r) // EX-09 sits between EX-08 and EX-10
		}
		if e.hit.v != False {
			r.Rules = append(r.Rules, RuleResult{Code: e.code, Value: e.hit.v, Excepted: e.hit.v == True && e.excepted.v == True, Detail: e.detail})
		}
	}
	if a.size > 0 && a.exitStd.v != False {
		r.Rules = append(r.Rules, RuleResult{Code: EXITSTD, Value: a.exitStd.v, Detail: a.sayExitStd()})
	}
	switch {
	case wrong.v == True:
		r.Outcome = RemoveWrong
	case wrong.v == Unknown:
		r.Outcome = NeedsReview
		r.Unknown = sortedPaths(wrong.unknown)
	case a.size == 0:
		r.Outcome = Dissolve
	default:
		normal := or(excepted, a.exitStd)
		switch normal.v {
		case True:
			r.Outcome = ExitNormal
		case False:
			r.Outcome = Keep
		default:
			r.Outcome = NeedsReview
			r.Unknown = sortedPaths(normal.unknown)
		}
	}
}

// reexamine is §4.3, for an exited household.
func (a *assessment) reexamine(r *Result) {
	r.MembersRemoved = a.removed()
	a.listRemoved(r)
	if a.size == 0 {
		r.Outcome = Dissolve
		return
	}
	code, yes := RE02, ContinueSupport
	if y := a.h.ExitedYear; y != nil && *y == a.c.CampaignYear-1 {
		code, yes = RE01, Reinclude
	}
	re := or(a.below, not(a.guarantees))
	if re.v != False {
		r.Rules = append(r.Rules, RuleResult{Code: code, Value: re.v, Detail: a.sayRE(re.v)})
	}
	switch re.v {
	case True:
		r.Outcome = yes
	case False:
		r.Outcome = KeepExited
	default:
		r.Outcome = NeedsReview
		r.Unknown = sortedPaths(re.unknown)
	}
}

// removed lists the members removed under EX-09: deceased, missing, or not
// sharing expenses or income with the head.
func (a *assessment) removed() []string {
	out := []string{}
	for i := range a.h.Members {
		if m := &a.h.Members[i]; !m.Counted() {
			out = append(out, strings.ToUpper(m.IDNumber))
		}
	}
	return out
}

func (a *assessment) listRemoved(r *Result) {
	if len(r.MembersRemoved) > 0 {
		r.Rules = append(r.Rules, RuleResult{Code: EX09, Value: True, Detail: a.sayRemoved()})
	}
}

func sortedPaths(p []string) []string {
	out := slices.Clone(p)
	slices.Sort(out)
	return slices.Compact(out)
}
