package rules

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"jingzhun/internal/interchange"
	"jingzhun/internal/localdate"
)

// The explanations. Each names the values that decided a rule, following
// the rule's logic: a true "and" names all its parts, a false "and" its
// false parts, an unknown one its unknown parts; an "or" the other way
// round. They are built only for the rules a result lists.

// term is a sub-condition with its value and how to say it for that value.
type term struct {
	v   Tri
	say func() string
}

func termOf(c cond, say func() string) term { return term{v: c.v, say: say} }

// sayAnd explains a conjunction of value v.
func sayAnd(v Tri, ts ...term) string { return sayParts(v, False, ts) }

// sayOr explains a disjunction of value v.
func sayOr(v Tri, ts ...term) string { return sayParts(v, True, ts) }

// sayParts names the parts that decided: for the deciding value (F of an
// "and", T of an "or") the parts with that value, for U the U parts, and
// otherwise (every part agreed) all of them.
func sayParts(v, decisive Tri, ts []term) string {
	var out []string
	for _, t := range ts {
		if v == decisive || v == Unknown {
			if t.v != v {
				continue
			}
		}
		if s := t.say(); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "；")
}

// sayTri picks the text for a value.
func sayTri(v Tri, t, f, u string) string {
	switch v {
	case True:
		return t
	case False:
		return f
	}
	return u
}

func yuan(d decimal.Decimal) string { return d.String() + "元" }

func (a *assessment) memberName(i int) string {
	if n := a.h.Members[i].Name; n != "" {
		return "成员" + n
	}
	return "成员" + strconv.Itoa(i+1)
}

// members names the counted members for which pick holds.
func (a *assessment) members(pick func(m *interchange.Member) bool) string {
	var names []string
	for i := range a.h.Members {
		if m := &a.h.Members[i]; m.Counted() && pick(m) {
			names = append(names, a.memberName(i))
		}
	}
	return strings.Join(names, "、")
}

func (a *assessment) sayBelow() string {
	switch {
	case a.net == nil:
		var names []string
		for i, p := range a.incomeValues() {
			if p == nil {
				names = append(names, incomeParts[i].name)
			}
		}
		s := "家庭年收入中" + strings.Join(names, "、") + "未知，纯收入无法计算"
		if a.size == 0 {
			s += "；没有在户且共享收入的成员"
		}
		return s
	case a.size == 0:
		return "没有在户且共享收入的成员，人均纯收入无法计算"
	}
	s := strconv.Itoa(a.c.IncomeYear) + "年家庭纯收入" + yuan(*a.net) + "、共享收入成员" + strconv.Itoa(a.size) +
		"人，人均纯收入" + yuan(*a.perCapita)
	if a.below.v == True {
		return s + "，低于贫困线" + yuan(a.c.PovertyLine)
	}
	return s + "，不低于贫困线" + yuan(a.c.PovertyLine)
}

func (a *assessment) sayGrade() string {
	switch g := a.h.Housing.Grade; g {
	case interchange.GradeC, interchange.GradeD:
		return "住房为" + string(g) + "级危房"
	case interchange.GradeA, interchange.GradeB:
		return "住房为" + string(g) + "级，不是危房"
	}
	return "住房安全等级尚未评定"
}

func (a *assessment) sayDisease() string {
	switch a.disease.v {
	case True:
		return a.members(func(m *interchange.Member) bool { return m.Health == interchange.MajorDisease }) + "患有大病"
	case False:
		return "没有患大病的成员"
	}
	return a.members(func(m *interchange.Member) bool { return m.Health == "" }) + "的健康状况未知"
}

func (a *assessment) sayEducation() string {
	student := termOf(a.student, func() string {
		switch a.student.v {
		case True:
			return a.members(func(m *interchange.Member) bool { return m.Schooling == interchange.BeyondCompulsory }) + "在义务教育阶段外就读"
		case False:
			return "没有在义务教育阶段外就读的成员"
		}
		return a.members(func(m *interchange.Member) bool { return m.Schooling == "" }) + "的在校情况未知"
	})
	heavy := termOf(a.heavy, func() string {
		return sayTri(a.heavy.v, "就学经济负担较重", "就学经济负担不重", "就学经济负担是否较重未核定")
	})
	return sayAnd(a.education.v, student, heavy)
}

func (a *assessment) sayGuarantees() string {
	if a.guarantees.v == True {
		return "两不愁三保障均已实现"
	}
	return sayAnd(a.guarantees.v,
		termOf(a.food, func() string { return sayTri(a.food.v, "不愁吃", "尚未实现不愁吃", "是否不愁吃未知") }),
		termOf(a.clothing, func() string {
			return sayTri(a.clothing.v, "不愁穿", "尚未实现不愁穿", "是否不愁穿未知")
		}),
		termOf(a.noDropout, func() string {
			switch a.noDropout.v {
			case True:
				return "没有义务教育阶段辍学的成员"
			case False:
				return a.members(func(m *interchange.Member) bool { return m.Dropout != nil && *m.Dropout }) + "义务教育阶段辍学"
			}
			return a.members(func(m *interchange.Member) bool { return m.Dropout == nil }) + "是否辍学未知"
		}),
		termOf(a.insured, func() string {
			switch a.insured.v {
			case True:
				return "成员均参加基本医疗保险"
			case False:
				return a.members(func(m *interchange.Member) bool { return m.MedicalInsured != nil && !*m.MedicalInsured }) + "未参加城乡居民基本医疗保险"
			}
			return a.members(func(m *interchange.Member) bool { return m.MedicalInsured == nil }) + "是否参加基本医疗保险未知"
		}),
		termOf(a.safe, a.sayGrade),
	)
}

func (a *assessment) sayExitStd() string {
	return sayAnd(a.exitStd.v, termOf(not(a.below), a.sayBelow), termOf(a.guarantees, a.sayGuarantees))
}

func (a *assessment) sayID01() string {
	hardship := or(a.unsafe, a.disease, a.education)
	return sayAnd(a.id1.v,
		termOf(a.below, a.sayBelow),
		termOf(hardship, func() string {
			return sayOr(hardship.v, termOf(a.unsafe, a.sayGrade), termOf(a.disease, a.sayDisease), termOf(a.education, a.sayEducation))
		}),
	)
}

func (a *assessment) sayID02() string {
	dibao := triInput(a.h.Dibao, "dibao")
	notExit := not(a.exitStd)
	return sayAnd(a.id2.v,
		termOf(dibao, func() string {
			return sayTri(dibao.v, "享受农村低保", "未享受农村低保", "是否享受农村低保未知")
		}),
		termOf(notExit, func() string {
			return sayTri(notExit.v, "尚未达到脱贫标准（", "已达到脱贫标准（", "是否达到脱贫标准未知（") + a.sayExitStd() + "）"
		}),
	)
}

// sayNotMeets explains "not meets_criteria" of EX-07 and EX-10 for the
// value v of the whole rule.
func (a *assessment) sayNotMeets(v Tri) string {
	why := sayAnd(a.meets.v,
		termOf(a.pre1, func() string { return sayTri(a.pre1.v, "农业户籍", "非农业户籍", "") }),
		termOf(a.pre2, func() string { return sayTri(a.pre2.v, "农村常住人口", "不是农村常住人口", "") }),
		termOf(or(a.id1, a.id2), func() string {
			return sayOr(or(a.id1, a.id2).v, termOf(a.id1, a.sayID01), termOf(a.id2, a.sayID02))
		}),
	)
	switch {
	case a.meets.v == False:
		return "且不符合贫困对象识别条件（" + why + "）"
	case a.meets.v == Unknown:
		return "是否符合贫困对象识别条件未知（" + why + "）"
	case v == False:
		return "但仍符合贫困对象识别条件"
	}
	return ""
}

func (a *assessment) sayRemoved() string {
	var out []string
	for i := range a.h.Members {
		m := &a.h.Members[i]
		switch {
		case m.Status == interchange.Deceased:
			out = append(out, a.memberName(i)+"已死亡")
		case m.Status == interchange.Missing:
			out = append(out, a.memberName(i)+"已失踪")
		case !m.SharesIncome:
			out = append(out, a.memberName(i)+"与户主不共享开支或收入")
		}
	}
	if len(out) > 1 {
		return strings.Join(out, "；") + "，剔除以上成员"
	}
	return strings.Join(out, "；") + "，剔除该成员"
}

func (a *assessment) sayRE(v Tri) string {
	year := ""
	if y := a.h.ExitedYear; y != nil {
		year = strconv.Itoa(*y) + "年脱贫；"
	}
	return year + sayOr(v, termOf(a.below, a.sayBelow), termOf(not(a.guarantees), a.sayGuarantees))
}

// Items of the EX rules that look at members, vehicles, properties and
// businesses.

// exItem is one member, vehicle, property or business that hits an EX rule.
type exItem struct {
	text     string // what hits, with its date: 机动车1购置价格45000元≥30000元，购置于2013-05-01
	date     localdate.Date
	excepted bool
	// why is the reason the exception does not apply when the date alone
	// would allow it ("但不是脱贫措施"), or why it applies regardless of
	// date (relocation).
	why        string
	regardless bool // excepted whatever the date (relocation)
}

func (a *assessment) describeItem(it exItem, withExceptions bool) string {
	if !withExceptions {
		return it.text
	}
	reg := a.h.RegisteredOn
	if it.regardless {
		return it.text + "，" + it.why + "（不认定为错评，按正常脱贫程序退出）"
	}
	switch {
	case it.date.Before(reg):
		return it.text + "，早于建档立卡日期" + reg.String()
	case it.date == reg:
		return it.text + "，与建档立卡日期" + reg.String() + "同日（不晚于建档立卡日期）"
	case it.excepted:
		return it.text + "，晚于建档立卡日期" + reg.String() + "（不认定为错评，按正常脱贫程序退出）"
	}
	return it.text + "，晚于建档立卡日期" + reg.String() + "，但" + it.why
}

// memberItems: present members whose date is set (EX-01, EX-02); excepted
// when that date is after the registration.
func (a *assessment) memberItems(since func(*interchange.Member) localdate.Date, what string) []exItem {
	var items []exItem
	for i := range a.h.Members {
		m := &a.h.Members[i]
		d := since(m)
		if !m.Present() || d.IsZero() {
			continue
		}
		items = append(items, exItem{
			text:     a.memberName(i) + "自" + d.String() + "起" + what,
			date:     d,
			excepted: d.After(a.h.RegisteredOn),
		})
	}
	return items
}

// vehicleItems: vehicles priced at or above the limit (EX-03); excepted when
// bought after the registration as an exit measure.
func (a *assessment) vehicleItems() []exItem {
	var items []exItem
	for i := range a.h.Vehicles {
		v := &a.h.Vehicles[i]
		if v.Value.Cmp(a.c.VehicleValueLimit) < 0 {
			continue
		}
		items = append(items, exItem{
			text:     "机动车" + strconv.Itoa(i+1) + "购置价格" + yuan(v.Value) + "≥" + yuan(a.c.VehicleValueLimit) + "，购置于" + v.AcquiredOn.String(),
			date:     v.AcquiredOn,
			excepted: v.AcquiredOn.After(a.h.RegisteredOn) && v.ExitMeasure,
			why:      "不是作为脱贫措施购买",
		})
	}
	return items
}

var propertyNames = map[interchange.PropertyKind]string{
	interchange.SelfBuilt:         "自建房",
	interchange.CommercialHousing: "商品房",
	interchange.Shop:              "门面房",
	interchange.OtherProperty:     "其他城镇房产",
}

// propertyItems: every urban property (EX-04); excepted when it is the
// relocation home, or commercial housing or a shop bought after the
// registration as an exit measure.
func (a *assessment) propertyItems() []exItem {
	var items []exItem
	for i := range a.h.UrbanProperties {
		p := &a.h.UrbanProperties[i]
		it := exItem{
			text: "城镇房产" + strconv.Itoa(i+1) + "为" + propertyNames[p.Kind] + "，购置于" + p.AcquiredOn.String(),
			date: p.AcquiredOn,
		}
		bought := p.Kind == interchange.CommercialHousing || p.Kind == interchange.Shop
		switch {
		case p.Relocation:
			it.excepted, it.regardless, it.why = true, true, "为易地搬迁进城安置房"
		case !bought:
			it.why = propertyNames[p.Kind] + "没有脱贫措施例外"
		default:
			it.excepted = p.AcquiredOn.After(a.h.RegisteredOn) && p.ExitMeasure
			it.why = "不是作为脱贫措施购买"
		}
		items = append(items, it)
	}
	return items
}

// businessItems: businesses actually operating (EX-06); excepted when
// registered (or the stake taken) after the household's registration as an
// exit measure.
func (a *assessment) businessItems() []exItem {
	var items []exItem
	for i := range a.h.Businesses {
		b := &a.h.Businesses[i]
		if !b.Operating {
			continue
		}
		items = append(items, exItem{
			text:     "经营实体" + strconv.Itoa(i+1) + "经工商注册登记（或入股）于" + b.RegisteredOn.String() + "并实际开展经营活动",
			date:     b.RegisteredOn,
			excepted: b.RegisteredOn.After(a.h.RegisteredOn) && b.ExitMeasure,
			why:      "不是作为脱贫措施",
		})
	}
	return items
}
