package rates

import (
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
)

// The proposals that count as corrections (本次纠正), and the other
// proposals the district may plan a scale for.
const (
	RemoveWrong     = "remove_wrong"     // 错评纠正
	Include         = "include"          // 漏评纠正
	Reinclude       = "reinclude"        // 错退纠正
	ExitNormal      = "exit_normal"      // 正常退出
	ContinueSupport = "continue_support" // 继续帮扶
)

// Corrections are the three corrections, in the order the figures show them.
var Corrections = []string{RemoveWrong, Include, Reinclude}

// Plannable are the proposals whose scale (规模) the district plans per street.
var Plannable = []string{RemoveWrong, Include, Reinclude, ExitNormal, ContinueSupport}

var kindLabels = map[string]string{
	RemoveWrong:     "错评纠正",
	Include:         "漏评纠正",
	Reinclude:       "错退纠正",
	ExitNormal:      "正常退出",
	ContinueSupport: "继续帮扶",
}

// KindLabel is a correction's or planned kind's Chinese name.
func KindLabel(kind string) string { return kindLabels[kind] }

// IsPlannable reports whether kind may be planned.
func IsPlannable(kind string) bool { _, ok := kindLabels[kind]; return ok }

// Base is the group a correction is measured against.
type Base string

// The bases of the three corrections.
const (
	// BaseRegistered: households registered (建档立卡, not exited) at the
	// campaign's start — the base of 错评纠正.
	BaseRegistered Base = "registered"
	// BaseNotRegisteredSurveyed: households not registered at the
	// campaign's start, with an agricultural hukou, living in the
	// countryside (农村常住), and surveyed in this campaign — the base of
	// 漏评纠正.
	BaseNotRegisteredSurveyed Base = "not_registered_surveyed"
	// BaseExitedLastYear: households that exited in the year before the
	// campaign (exited_year = campaign year − 1) — the base of 错退纠正.
	BaseExitedLastYear Base = "exited_last_year"
)

// Bases lists the bases in the order of Corrections.
var Bases = []Base{BaseRegistered, BaseNotRegisteredSurveyed, BaseExitedLastYear}

// BaseOf is the base a correction is a share of.
func BaseOf(kind string) Base {
	switch kind {
	case RemoveWrong:
		return BaseRegistered
	case Include:
		return BaseNotRegisteredSurveyed
	case Reinclude:
		return BaseExitedLastYear
	}
	return ""
}

var baseLabels = map[Base]string{
	BaseRegistered:            "批次开始时的建档立卡户",
	BaseNotRegisteredSurveyed: "已调查的农业户籍农村常住非建档立卡户",
	BaseExitedLastYear:        "上一年度脱贫退出户",
}

// Label is the base's Chinese description.
func (b Base) Label() string { return baseLabels[b] }

// Household is what the figures need of a household with a case in the
// campaign: where it is, its register status and dates, hukou and
// residence, its people and whether it was surveyed, and the proposal.
type Household struct {
	StreetCode    string
	VillageCode   string
	Status        string // the register's status: not_registered, registered, exited
	RegisteredOn  localdate.Date
	ExitedYear    *int
	Hukou         string
	RuralResident bool
	People        int  // present members (在户人口)
	Surveyed      bool // surveyed in this campaign
	Proposal      string
}

// StatusAtStart is the household's status at the start of campaign year C
// (1 January of C), read from the register, which keeps the status with
// the registration date and the exit year (register.md):
//   - not registered, when the status is not_registered, or no registration
//     date is recorded, or the registration date is on or after 1 January
//     of C (registered during or after the campaign's year);
//   - exited, when the status is exited with an exit year before C;
//   - registered otherwise (registered before C and not exited, or exited
//     in C or later: still registered when the year began).
//
// The year boundary is the only one the register supports: exits are
// recorded by year. For the active campaign this is simply the register's
// status; for an earlier campaign it undoes what happened since.
func StatusAtStart(h Household, campaignYear int) string {
	start := localdate.Date{Year: campaignYear, Month: 1, Day: 1}
	if h.Status == register.NotRegistered || h.Status == "" || h.RegisteredOn.IsZero() || !h.RegisteredOn.Before(start) {
		return register.NotRegistered
	}
	if h.Status == register.Exited && h.ExitedYear != nil && *h.ExitedYear < campaignYear {
		return register.Exited
	}
	return register.Registered
}

// InBase reports whether the household belongs to base in campaign year C.
func InBase(h Household, b Base, campaignYear int) bool {
	st := StatusAtStart(h, campaignYear)
	switch b {
	case BaseRegistered:
		return st == register.Registered
	case BaseNotRegisteredSurveyed:
		return st == register.NotRegistered && h.Hukou == "agricultural" && h.RuralResident && h.Surveyed
	case BaseExitedLastYear:
		return st == register.Exited && h.ExitedYear != nil && *h.ExitedYear == campaignYear-1
	}
	return false
}

// Figures are one area's (a village, a street, the district) corrections:
// its bases and its proposed cases by proposal.
type Figures struct {
	Bases    map[Base]Count
	Proposed map[string]Count // by proposal; only proposed cases
}

// NewFigures is an empty set of figures.
func NewFigures() *Figures {
	return &Figures{Bases: map[Base]Count{}, Proposed: map[string]Count{}}
}

// Add counts a household.
func (f *Figures) Add(h Household, campaignYear int) {
	for _, b := range Bases {
		if InBase(h, b, campaignYear) {
			c := f.Bases[b]
			c.Add(h.People)
			f.Bases[b] = c
		}
	}
	if h.Proposal != "" {
		c := f.Proposed[h.Proposal]
		c.Add(h.People)
		f.Proposed[h.Proposal] = c
	}
}

// Merge adds another area's figures.
func (f *Figures) Merge(o *Figures) {
	for b, c := range o.Bases {
		f.Bases[b] = f.Bases[b].Plus(c)
	}
	for p, c := range o.Proposed {
		f.Proposed[p] = f.Proposed[p].Plus(c)
	}
}

// Correction is one correction of an area: the proposed cases and their
// share of the base, in households and in people.
type Correction struct {
	Kind            string
	Count           Count
	Base            Base
	BaseCount       Count
	ShareHouseholds Rate
	SharePeople     Rate
}

// Correction is the area's figure for kind (remove_wrong, include or
// reinclude).
func (f *Figures) Correction(kind string) Correction {
	b := BaseOf(kind)
	c, base := f.Proposed[kind], f.Bases[b]
	return Correction{Kind: kind, Count: c, Base: b, BaseCount: base,
		ShareHouseholds: Of(c.Households, base.Households), SharePeople: Of(c.People, base.People)}
}

// Tally counts households into villages and streets, and their sum.
func Tally(hs []Household, campaignYear int) (streets, villages map[string]*Figures, total *Figures) {
	streets, villages, total = map[string]*Figures{}, map[string]*Figures{}, NewFigures()
	for _, h := range hs {
		for _, m := range []struct {
			into map[string]*Figures
			key  string
		}{{streets, h.StreetCode}, {villages, h.VillageCode}} {
			f := m.into[m.key]
			if f == nil {
				f = NewFigures()
				m.into[m.key] = f
			}
			f.Add(h, campaignYear)
		}
		total.Add(h, campaignYear)
	}
	return streets, villages, total
}

// StatusAfter is the status a household has once the campaign's proposal
// takes effect, which an inspection after the work samples: included and
// re-included households are registered, wrongly registered ones removed,
// normal exits exited. With no proposal (or a dissolved household) it is
// the register's status.
func StatusAfter(registerStatus, proposal string) string {
	switch proposal {
	case Include, Reinclude, "keep":
		return register.Registered
	case RemoveWrong, "not_eligible":
		return register.NotRegistered
	case ExitNormal, ContinueSupport, "keep_exited":
		return register.Exited
	}
	return registerStatus
}
