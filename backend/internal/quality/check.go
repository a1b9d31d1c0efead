package quality

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
	"jingzhun/internal/register"
)

// Member statuses and relations the checks read (register code lists).
const (
	statusPresent  = "present"
	statusDeceased = "deceased"
	statusMovedOut = "moved_out"
	relHead        = "head"
)

// Check runs every check of the catalogue on a household and returns the
// findings in code order, a member's after the household's of the same code
// in member order. ID numbers in messages are masked.
func Check(h *register.Household, c Context) []Finding {
	t := DefaultThresholds()
	if c.Thresholds != nil {
		t = *c.Thresholds
	}
	k := &checker{h: h, c: c, t: t, births: make([]localdate.Date, len(h.Members))}
	for i := range h.Members {
		k.births[i] = birthOf(&h.Members[i])
	}
	k.idNumbers()    // DQ-01, DQ-02, DQ-03
	k.head()         // DQ-04
	k.ages()         // DQ-05, DQ-06
	k.relations()    // DQ-07
	k.causes()       // DQ-08
	k.income()       // DQ-09
	k.wages()        // DQ-10
	k.landAndRoad()  // DQ-11
	k.dibao()        // DQ-12
	k.dropouts()     // DQ-13
	k.registration() // DQ-14
	k.counted()      // DQ-15
	k.housing()      // DQ-16
	slices.SortStableFunc(k.out, func(a, b Finding) int { return strings.Compare(a.Code, b.Code) })
	return k.out
}

type checker struct {
	h      *register.Household
	c      Context
	t      Thresholds
	births []localdate.Date // by member index; zero when unknown
	out    []Finding
}

func (k *checker) household(code, field, format string, args ...any) {
	chk, _ := Lookup(code)
	k.out = append(k.out, Finding{Code: code, Severity: chk.Severity, Message: fmt.Sprintf(format, args...), Field: field, MemberIndex: -1})
}

func (k *checker) member(code string, i int, field, format string, args ...any) {
	chk, _ := Lookup(code)
	k.out = append(k.out, Finding{Code: code, Severity: chk.Severity, Message: fmt.Sprintf(format, args...),
		Field: register.MemberPrefix + field, MemberID: k.h.Members[i].ID, MemberIndex: i})
}

// inHousehold reports whether a member still belongs to the household's
// life: neither deceased nor moved out (present or missing).
func inHousehold(m *register.Member) bool {
	return m.Status != statusDeceased && m.Status != statusMovedOut
}

// who names a member in a message: 成员“张三”（之子）.
func who(m *register.Member) string {
	name := m.Name
	if name == "" {
		name = "（未填姓名）"
	}
	if m.Relation == "" {
		return "成员“" + name + "”"
	}
	return "成员“" + name + "”（" + register.Label("relation", m.Relation) + "）"
}

// birthOf is the recorded birth date, or else the one in the ID number.
func birthOf(m *register.Member) localdate.Date {
	if !m.BirthDate.IsZero() {
		return m.BirthDate
	}
	if t, err := idcard.BirthDate(idcard.Normalize(strings.TrimSpace(m.IDNumber))); err == nil {
		return localdate.Of(t)
	}
	return localdate.Date{}
}

// Age is the age in full years at a date (negative when born after it).
func Age(birth, at localdate.Date) int {
	age := at.Year - birth.Year
	if at.Month < birth.Month || (at.Month == birth.Month && at.Day < birth.Day) {
		age--
	}
	return age
}

// age of member i at the reference date; ok false when the birth date is unknown.
func (k *checker) age(i int) (int, bool) {
	if k.births[i].IsZero() || k.c.ReferenceDate.IsZero() {
		return 0, false
	}
	return Age(k.births[i], k.c.ReferenceDate), true
}

func genderWord(g string) string {
	switch g {
	case "":
		return "未填"
	case idcard.Male, idcard.Female:
		return register.Label("gender", g)
	}
	return g
}

// DQ-01, DQ-02, DQ-03.
func (k *checker) idNumbers() {
	notAfter := k.c.ReferenceDate
	if k.c.Today.After(notAfter) {
		notAfter = k.c.Today
	}
	if notAfter.IsZero() {
		notAfter = localdate.Of(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	}
	for i := range k.h.Members {
		m := &k.h.Members[i]
		id := idcard.Normalize(strings.TrimSpace(m.IDNumber))
		if id == "" {
			k.member(DQ01, i, "id_number", "%s的身份证号码未填写", who(m))
			continue
		}
		if err := idcard.Validate(id, notAfter.Time()); err != nil {
			k.member(DQ01, i, "id_number", "%s的身份证号码“%s”不符合国家标准：%s", who(m), idcard.Mask(id), err.Error())
			continue
		}
		if g := idcard.Gender(id); m.Gender != g {
			k.member(DQ02, i, "gender", "%s的性别登记为“%s”，但身份证号码%s表明为“%s”", who(m), genderWord(m.Gender), idcard.Mask(id), genderWord(g))
		}
		born, _ := idcard.BirthDate(id)
		if bd := localdate.Of(born); m.BirthDate != bd {
			recorded := m.BirthDate.String()
			if recorded == "" {
				recorded = "未填"
			}
			k.member(DQ02, i, "birth_date", "%s的出生日期登记为%s，但身份证号码%s表明为%s", who(m), recorded, idcard.Mask(id), bd.String())
		}
		if k.c.DuplicateIDs == nil || m.IDIndex == "" {
			continue
		}
		var others []string
		for _, code := range k.c.DuplicateIDs[m.IDIndex] {
			if code != k.h.Code && !slices.Contains(others, code) {
				others = append(others, code)
			}
		}
		if len(others) > 0 {
			k.member(DQ03, i, "id_number", "%s的身份证号码%s同时登记在户%s", who(m), idcard.Mask(id), strings.Join(others, "、"))
		}
	}
}

// DQ-04: exactly one head among the members still in the household.
func (k *checker) head() {
	var heads []int
	living := 0
	for i := range k.h.Members {
		m := &k.h.Members[i]
		if !inHousehold(m) {
			continue
		}
		living++
		if m.Relation == relHead {
			heads = append(heads, i)
		}
	}
	if living == 0 || len(heads) == 1 {
		return // no one left is DQ-15's finding
	}
	if len(heads) == 0 {
		gone := ""
		for i := range k.h.Members {
			if m := &k.h.Members[i]; m.Relation == relHead {
				gone = fmt.Sprintf("（原户主“%s”状态为“%s”，请变更户主）", m.Name, register.Label("member_status", m.Status))
				break
			}
		}
		k.household(DQ04, register.MemberPrefix+"relation", "在户成员中没有户主%s", gone)
		return
	}
	names := make([]string, len(heads))
	for j, i := range heads {
		names[j] = "“" + k.h.Members[i].Name + "”"
	}
	k.member(DQ04, heads[1], "relation", "与户主关系为“户主”的成员有%d名（%s），应有且只有一名", len(heads), strings.Join(names, "、"))
}

// inSchool reports whether a schooling status says the member attends school.
func inSchool(status string) bool { return status != "" && status != "not_student" }

// DQ-05, DQ-06.
func (k *checker) ages() {
	for i := range k.h.Members {
		m := &k.h.Members[i]
		age, ok := k.age(i)
		if !inHousehold(m) || !ok {
			continue
		}
		switch {
		case m.SchoolingStatus == "" && k.t.SchoolingRequired.Has(age):
			k.member(DQ05, i, "schooling_status", "%s%d岁（%s），在校生状况未填写（%d至%d岁须填写）",
				who(m), age, k.at(), k.t.SchoolingRequired.Min, k.t.SchoolingRequired.Max)
		case inSchool(m.SchoolingStatus) && !k.t.SchoolingPlausible.Has(age):
			k.member(DQ05, i, "schooling_status", "%s%d岁（%s），在校生状况却为“%s”（通常为%d至%d岁）",
				who(m), age, k.at(), register.Label("schooling_status", m.SchoolingStatus), k.t.SchoolingPlausible.Min, k.t.SchoolingPlausible.Max)
		}
		if m.LabourAbility == "" && k.t.LabourRequired.Has(age) {
			k.member(DQ06, i, "labour_ability", "%s%d岁（%s），劳动技能未填写（%d至%d岁须填写）",
				who(m), age, k.at(), k.t.LabourRequired.Min, k.t.LabourRequired.Max)
		}
	}
}

// at names the reference date in a message.
func (k *checker) at() string { return "按" + k.c.ReferenceDate.String() + "计" }

// DQ-07: a child older than the head, or a parent younger.
func (k *checker) relations() {
	hi := -1
	for i := range k.h.Members {
		if m := &k.h.Members[i]; m.Relation == relHead {
			if hi >= 0 {
				return // several heads: DQ-04
			}
			hi = i
		}
	}
	if hi < 0 || k.births[hi].IsZero() {
		return
	}
	head := &k.h.Members[hi]
	hb := k.births[hi]
	for i := range k.h.Members {
		m := &k.h.Members[i]
		b := k.births[i]
		if i == hi || b.IsZero() || !inHousehold(m) {
			continue
		}
		switch {
		case (m.Relation == "son" || m.Relation == "daughter") && b.Before(hb):
			k.member(DQ07, i, "relation", "%s生于%s，比户主“%s”（生于%s）年长", who(m), b, head.Name, hb)
		case m.Relation == "parent" && b.After(hb):
			k.member(DQ07, i, "relation", "%s生于%s，比户主“%s”（生于%s）年轻", who(m), b, head.Name, hb)
		}
	}
}

// DQ-08: the main cause needs a member it names.
func (k *checker) causes() {
	var need func(m *register.Member) bool
	var what string
	switch k.h.MainCause {
	case "illness":
		need = func(m *register.Member) bool { return m.Health == "chronic" || m.Health == "major_disease" }
		what = "没有成员登记为长期慢性病或患有大病（健康状况）"
	case "disability":
		need = func(m *register.Member) bool { return m.DisabilityCategory != "" }
		what = "没有成员登记残疾（残疾类别）"
	case "schooling":
		need = func(m *register.Member) bool { return inSchool(m.SchoolingStatus) }
		what = "没有在校生（在校生状况）"
	default:
		return
	}
	for i := range k.h.Members {
		if m := &k.h.Members[i]; inHousehold(m) && need(m) {
			return
		}
	}
	k.household(DQ08, "main_cause", "主要致贫原因为“%s”，但%s", register.Label("cause", k.h.MainCause), what)
}

func yuan(d decimal.Decimal) string { return d.StringFixed(2) }

// DQ-09: per-capita net income ≤ 0 or over the maximum.
func (k *checker) income() {
	pc, ok := k.h.PerCapitaIncome()
	if !ok {
		return
	}
	net, _ := k.h.NetIncome()
	switch {
	case !pc.IsPositive():
		k.household(DQ09, "income_wage", "人均纯收入为%s元（家庭纯收入%s元，%d人），不大于0，请核对各项收入和生产经营性支出",
			yuan(pc), yuan(net), k.h.CountedMembers())
	case pc.GreaterThan(k.t.PerCapitaIncomeMax):
		k.household(DQ09, "income_wage", "人均纯收入为%s元（家庭纯收入%s元，%d人），超过%s元，请核对各项收入",
			yuan(pc), yuan(net), k.h.CountedMembers(), k.t.PerCapitaIncomeMax.String())
	}
}

// DQ-10: wage income without work, or work without wage income. Work is
// a present member with a place of work (乡镇内 counts: local work) or
// months of work.
func (k *checker) wages() {
	anyWork, withMonths := false, -1
	for i := range k.h.Members {
		m := &k.h.Members[i]
		if m.Status != statusPresent {
			continue
		}
		if m.MigrantPlace != "" || months(m) {
			anyWork = true
		}
		if months(m) && withMonths < 0 {
			withMonths = i
		}
	}
	w := k.h.IncomeWage
	switch {
	case w != nil && w.IsPositive() && !anyWork:
		k.household(DQ10, "income_wage", "工资性收入为%s元，但没有在户成员登记外出或就地务工（务工地点、务工时间）", yuan(*w))
	case withMonths >= 0 && (w == nil || !w.IsPositive()):
		m := &k.h.Members[withMonths]
		wage := "未填写"
		if w != nil {
			wage = "为" + yuan(*w) + "元"
		}
		k.member(DQ10, withMonths, "migrant_months", "%s务工%d个月，但工资性收入%s", who(m), *m.MigrantMonths, wage)
	}
}

func months(m *register.Member) bool { return m.MigrantMonths != nil && *m.MigrantMonths > 0 }

// DQ-11: cultivated land per person, distance to the main village road.
func (k *checker) landAndRoad() {
	people := 0
	for i := range k.h.Members {
		if k.h.Members[i].Status == statusPresent {
			people++
		}
	}
	if l := k.h.LandCultivated; l != nil && people > 0 {
		per := l.DivRound(decimal.NewFromInt(int64(people)), 2)
		if per.GreaterThan(k.t.LandPerPersonMu) {
			k.household(DQ11, "land_cultivated", "人均耕地面积%s亩（耕地%s亩，在户%d人），超过%s亩",
				per.StringFixed(2), l.StringFixed(2), people, k.t.LandPerPersonMu.String())
		}
	}
	if d := k.h.RoadDistanceKm; d != nil && d.GreaterThan(k.t.RoadDistanceKm) {
		k.household(DQ11, "road_distance_km", "与村主干路距离为%s公里，超过%s公里", d.StringFixed(2), k.t.RoadDistanceKm.String())
	}
}

// DQ-12: the poverty attribute 低保贫困户 and the civil-affairs dibao
// register. The register's dibao field is civil affairs' own (register.md:
// owner civil); an uploaded civil-affairs dibao dataset that lists a member
// also counts as the register saying yes.
func (k *checker) dibao() {
	onRegister := k.c.DibaoListed || (k.h.Dibao != nil && *k.h.Dibao)
	known := k.c.DibaoListed || k.h.Dibao != nil
	attr := k.h.PovertyAttribute
	switch {
	case attr == "dibao" && known && !onRegister:
		k.household(DQ12, "poverty_attribute", "贫困户属性为“低保贫困户”，但民政低保名册中该户未享受低保（享受低保：否）")
	case onRegister && attr != "" && attr != "dibao" && (k.h.Status == register.Registered || k.h.Status == register.Exited):
		source := "享受低保：是"
		if k.c.DibaoListed {
			source = "民政部门上传的低保名册载有该户成员"
		}
		k.household(DQ12, "poverty_attribute", "民政低保名册中该户享受低保（%s），但贫困户属性为“%s”，应为“低保贫困户”",
			source, register.Label("poverty_attribute", attr))
	}
}

// DQ-13: a dropout outside compulsory-school age.
func (k *checker) dropouts() {
	for i := range k.h.Members {
		m := &k.h.Members[i]
		age, ok := k.age(i)
		if !inHousehold(m) || m.Dropout == nil || !*m.Dropout || !ok || k.t.CompulsorySchool.Has(age) {
			continue
		}
		k.member(DQ13, i, "dropout", "%s%d岁（%s），登记为义务教育阶段辍学，但不在义务教育年龄（%d至%d岁）",
			who(m), age, k.at(), k.t.CompulsorySchool.Min, k.t.CompulsorySchool.Max)
	}
}

// DQ-14: registration date of a registered or exited household.
func (k *checker) registration() {
	h := k.h
	if h.Status != register.Registered && h.Status != register.Exited {
		return
	}
	if h.RegisteredOn.IsZero() {
		k.household(DQ14, "registered_on", "建档立卡状态为“%s”，但未填写建档立卡日期", register.Label("status", h.Status))
		return
	}
	if h.Status == register.Exited && h.ExitedYear != nil && *h.ExitedYear < h.RegisteredOn.Year {
		k.household(DQ14, "exited_year", "脱贫年度为%d年，早于建档立卡日期%s", *h.ExitedYear, h.RegisteredOn)
	}
}

// DQ-15: nobody present and sharing income.
func (k *checker) counted() {
	if k.h.CountedMembers() > 0 {
		return
	}
	k.household(DQ15, register.MemberPrefix+"status", "该户%d名成员中没有在户且共享收入的成员（成员状况、是否共享收入）", len(k.h.Members))
}

// DQ-16: no housing grade for a household below the line.
func (k *checker) housing() {
	if k.h.HousingGrade != "" || k.c.PovertyLine == nil {
		return
	}
	pc, ok := k.h.PerCapitaIncome()
	if !ok || !pc.LessThan(*k.c.PovertyLine) {
		return
	}
	k.household(DQ16, "housing_grade", "人均纯收入%s元低于扶贫标准%s元，但未评定住房等级（危房等级）", yuan(pc), k.c.PovertyLine.StringFixed(2))
}
