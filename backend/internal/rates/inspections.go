package rates

import (
	"github.com/shopspring/decimal"

	"jingzhun/internal/register"
)

// Inspecting bodies (检查单位).
const (
	BodyNational   = "national"
	BodyProvincial = "provincial"
	BodyCity       = "city"
	BodyDistrict   = "district"
)

// Inspection kinds (检查类型).
const (
	KindAssessment  = "assessment"  // 检查考核
	KindSupervision = "supervision" // 督查巡查
	KindAudit       = "audit"       // 审计评估
)

// Findings per sampled household.
const (
	Correct       = "correct"        // 正确
	Missed        = "missed"         // 漏评
	Wrong         = "wrong"          // 错评
	WronglyExited = "wrongly_exited" // 错退
)

// Referral targets of a flagged street.
const (
	ToDiscipline   = "discipline_commission"   // 区纪委
	ToOrganisation = "organization_department" // 区委组织部
)

// Code is a stable code with its Chinese label.
type Code struct {
	Code  string
	Label string
}

// The code lists, in display order.
var (
	Bodies    = []Code{{BodyNational, "国家"}, {BodyProvincial, "省"}, {BodyCity, "市"}, {BodyDistrict, "区"}}
	Kinds     = []Code{{KindAssessment, "检查考核"}, {KindSupervision, "督查巡查"}, {KindAudit, "审计评估"}}
	Findings  = []Code{{Correct, "正确"}, {Missed, "漏评"}, {Wrong, "错评"}, {WronglyExited, "错退"}}
	Statuses  = []Code{{register.NotRegistered, "非建档立卡户"}, {register.Registered, "建档立卡未脱贫"}, {register.Exited, "已脱贫"}}
	Referrals = []Code{{ToDiscipline, "区纪委"}, {ToOrganisation, "区委组织部"}}
)

// LabelOf is a code's label in list, "" when unknown.
func LabelOf(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// CodeOf finds the code of a code or label in list.
func CodeOf(list []Code, codeOrLabel string) (string, bool) {
	for _, c := range list {
		if c.Code == codeOrLabel || c.Label == codeOrLabel {
			return c.Code, true
		}
	}
	return "", false
}

// FindingFits reports whether a finding can be made of a household sampled
// with status: 漏评 only of a household not registered, 错评 only of a
// registered one, 错退 only of an exited one; correct of any.
func FindingFits(status, finding string) bool {
	switch finding {
	case Correct:
		return status == register.NotRegistered || status == register.Registered || status == register.Exited
	case Missed:
		return status == register.NotRegistered
	case Wrong:
		return status == register.Registered
	case WronglyExited:
		return status == register.Exited
	}
	return false
}

// FindingFor is the one finding other than correct that fits a status.
func FindingFor(status string) string {
	switch status {
	case register.NotRegistered:
		return Missed
	case register.Registered:
		return Wrong
	case register.Exited:
		return WronglyExited
	}
	return ""
}

// Sample is one sampled household of an inspection.
type Sample struct {
	StreetCode  string
	VillageCode string
	Status      string // status at sampling
	People      int
	Finding     string
}

// Inspected is one area's inspection results, pooled over every inspection
// of the campaign: the households and people sampled by status at sampling,
// and those found missed, wrongly registered or wrongly exited.
type Inspected struct {
	Sampled map[string]Count // by status at sampling
	Found   map[string]Count // by finding other than correct
}

// NewInspected is an empty result.
func NewInspected() *Inspected {
	return &Inspected{Sampled: map[string]Count{}, Found: map[string]Count{}}
}

// Add counts one sampled household.
func (in *Inspected) Add(s Sample) {
	c := in.Sampled[s.Status]
	c.Add(s.People)
	in.Sampled[s.Status] = c
	if s.Finding != Correct && s.Finding != "" {
		f := in.Found[s.Finding]
		f.Add(s.People)
		in.Found[s.Finding] = f
	}
}

// Merge adds another area's results.
func (in *Inspected) Merge(o *Inspected) {
	for k, c := range o.Sampled {
		in.Sampled[k] = in.Sampled[k].Plus(c)
	}
	for k, c := range o.Found {
		in.Found[k] = in.Found[k].Plus(c)
	}
}

// RateOf is the rate of a finding: people found over people sampled with
// the status the finding is about.
//   - 漏评率 = people found missed / people in sampled non-registered households;
//   - 错评率 = people found wrongly registered / people in sampled registered households;
//   - 错退率 = people found wrongly exited / people in sampled exited households.
func (in *Inspected) RateOf(finding string) Rate {
	var status string
	switch finding {
	case Missed:
		status = register.NotRegistered
	case Wrong:
		status = register.Registered
	case WronglyExited:
		status = register.Exited
	default:
		return Rate{}
	}
	return Of(in.Found[finding].People, in.Sampled[status].People)
}

// Inspected reports whether any household of the area was sampled.
func (in *Inspected) Inspected() bool {
	for _, c := range in.Sampled {
		if c.Households > 0 {
			return true
		}
	}
	return false
}

// Faults counts the households found missed, wrongly registered or wrongly
// exited.
func (in *Inspected) Faults() int {
	n := 0
	for _, c := range in.Found {
		n += c.Households
	}
	return n
}

// Commended reports whether the area was inspected and no inspection found
// a 漏评, 错评 or 错退 in it (通报表扬).
func (in *Inspected) Commended() bool { return in.Inspected() && in.Faults() == 0 }

// Flagged reports whether any of the three rates is strictly above the
// threshold (a fraction, 0.02 for 2%): 通报批评.
func (in *Inspected) Flagged(threshold decimal.Decimal) bool {
	for _, f := range []string{Missed, Wrong, WronglyExited} {
		if in.RateOf(f).Above(threshold) {
			return true
		}
	}
	return false
}

// TallySamples pools samples into streets and villages, and their sum.
func TallySamples(ss []Sample) (streets, villages map[string]*Inspected, total *Inspected) {
	streets, villages, total = map[string]*Inspected{}, map[string]*Inspected{}, NewInspected()
	for _, s := range ss {
		for _, m := range []struct {
			into map[string]*Inspected
			key  string
		}{{streets, s.StreetCode}, {villages, s.VillageCode}} {
			in := m.into[m.key]
			if in == nil {
				in = NewInspected()
				m.into[m.key] = in
			}
			in.Add(s)
		}
		total.Add(s)
	}
	return streets, villages, total
}
