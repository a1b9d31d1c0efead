// Package quality is the data-quality checks of data-quality.md (录入质量):
// sixteen checks of the kind the national information system runs on the
// household table, each with a stable code, a severity and a Chinese
// message naming the field and its values. It is pure: the service gathers
// what one household cannot tell (the same person in another household, the
// civil-affairs dibao register) and passes it in a Context.
package quality

import (
	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
)

// Severity says how sure a finding is.
type Severity string

// The severities.
const (
	Error   Severity = "error"   // the data cannot be right
	Warning Severity = "warning" // look again
)

// Chinese is the severity as users read it.
func (s Severity) Chinese() string {
	if s == Error {
		return "错误"
	}
	return "提示"
}

// The check codes (stable).
const (
	DQ01 = "DQ-01" // ID number fails GB 11643
	DQ02 = "DQ-02" // gender or birth date differ from the ID number
	DQ03 = "DQ-03" // the same ID number in two households
	DQ04 = "DQ-04" // not exactly one head
	DQ05 = "DQ-05" // schooling status missing or implausible for the age
	DQ06 = "DQ-06" // labour ability missing for a working-age member
	DQ07 = "DQ-07" // a child older than the head, a parent younger
	DQ08 = "DQ-08" // main cause without the member it needs
	DQ09 = "DQ-09" // per-capita net income ≤ 0 or too high
	DQ10 = "DQ-10" // wage income and migrant work disagree
	DQ11 = "DQ-11" // land per person or road distance implausible
	DQ12 = "DQ-12" // poverty attribute and the civil-affairs dibao register disagree
	DQ13 = "DQ-13" // dropout outside compulsory-school age
	DQ14 = "DQ-14" // registration date missing, or exited before registered
	DQ15 = "DQ-15" // nobody present and sharing income
	DQ16 = "DQ-16" // housing grade missing below the poverty line
)

// Definition is one check of the catalogue.
type Definition struct {
	Code     string
	Severity Severity
	Title    string // Chinese name
}

// Catalogue is every check, in code order.
var Catalogue = []Definition{
	{DQ01, Error, "身份证号码不符合国家标准（GB 11643）"},
	{DQ02, Error, "性别或出生日期与身份证号码不符"},
	{DQ03, Error, "同一身份证号码登记在两户"},
	{DQ04, Error, "户主不是恰好一人"},
	{DQ05, Warning, "在校生状况与年龄不符"},
	{DQ06, Warning, "劳动年龄成员缺劳动技能"},
	{DQ07, Warning, "与户主关系与年龄不符"},
	{DQ08, Warning, "主要致贫原因与成员情况不符"},
	{DQ09, Warning, "人均纯收入异常"},
	{DQ10, Warning, "工资性收入与务工情况不符"},
	{DQ11, Warning, "人均耕地面积或到村主干路距离异常"},
	{DQ12, Error, "贫困户属性与民政低保名册不符"},
	{DQ13, Warning, "非义务教育年龄成员登记为辍学"},
	{DQ14, Error, "建档立卡日期缺失或脱贫早于建档立卡"},
	{DQ15, Error, "没有在户且共享收入的成员"},
	{DQ16, Warning, "收入低于扶贫标准但未评定住房等级"},
}

// Lookup finds a check by code.
func Lookup(code string) (Definition, bool) {
	for _, c := range Catalogue {
		if c.Code == code {
			return c, true
		}
	}
	return Definition{}, false
}

// AgeRange is an inclusive range of ages in full years.
type AgeRange struct{ Min, Max int }

// Has reports whether age is within the range.
func (r AgeRange) Has(age int) bool { return age >= r.Min && age <= r.Max }

// Thresholds are the checks' settings (data-quality.md: thresholds are
// settings); DefaultThresholds has the values of the specification.
type Thresholds struct {
	SchoolingRequired  AgeRange        // DQ-05: schooling status must be filled in
	SchoolingPlausible AgeRange        // DQ-05: an in-school status outside it is suspect
	LabourRequired     AgeRange        // DQ-06: labour ability must be filled in
	CompulsorySchool   AgeRange        // DQ-13: a dropout outside it is suspect
	PerCapitaIncomeMax decimal.Decimal // DQ-09, yuan per person per year
	LandPerPersonMu    decimal.Decimal // DQ-11, 亩 of cultivated land per person
	RoadDistanceKm     decimal.Decimal // DQ-11, km to the main village road
}

// DefaultThresholds are data-quality.md's values.
func DefaultThresholds() Thresholds {
	return Thresholds{
		SchoolingRequired:  AgeRange{6, 23},
		SchoolingPlausible: AgeRange{3, 30},
		LabourRequired:     AgeRange{16, 65},
		CompulsorySchool:   AgeRange{6, 15},
		PerCapitaIncomeMax: decimal.NewFromInt(100000),
		LandPerPersonMu:    decimal.NewFromInt(50),
		RoadDistanceKm:     decimal.NewFromInt(50),
	}
}

// Context is what a household's checks need beyond the household.
type Context struct {
	// ReferenceDate is the date ages are counted at (the active campaign's).
	ReferenceDate localdate.Date
	// Today bounds the birth date in an ID number (DQ-01) with the reference
	// date: the later of the two. Zero: the reference date alone.
	Today localdate.Date
	// PovertyLine is the campaign's line, yuan per person per year (DQ-16);
	// nil skips DQ-16.
	PovertyLine *decimal.Decimal
	// Thresholds; nil means DefaultThresholds.
	Thresholds *Thresholds
	// DuplicateIDs maps the blind index of an ID number (members.id_index)
	// held by members of more than one live household to the codes of those
	// households (DQ-03). A member whose index is not here is not counted
	// twice. Nil: DQ-03 is not checked.
	DuplicateIDs map[string][]string
	// DibaoListed is true when the civil-affairs dibao register (the dibao
	// dataset uploaded by civil affairs) lists a member of the household as
	// receiving 低保 (DQ-12).
	DibaoListed bool
}

// Finding is one problem with a household's data.
type Finding struct {
	Code     string
	Severity Severity
	Message  string // Chinese, naming the field and its values
	// Field is the register field key (register/fields.go): a household
	// field (registered_on, main_cause) or a member field
	// (members.id_number) for the member MemberID / MemberIndex.
	Field       string
	MemberID    int64 // 0 for a household field (or an unsaved member)
	MemberIndex int   // position in Household.Members; -1 for a household field
}
