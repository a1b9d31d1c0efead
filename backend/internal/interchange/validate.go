package interchange

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
)

// Length limits of household-v1, in characters (Unicode code points).
const (
	MaxCodeLength = 64
	MaxNameLength = 50
)

// Validate checks a decoded household against rules.md §6, one problem per
// fault, with paths. It covers what a Go value can still get wrong after
// decoding: enum values, negative amounts, lengths, ID numbers (GB 11643,
// birth date not after the campaign's reference date), duplicate ID numbers,
// exactly one head, a counted member for a not_registered household, the
// income year, registration date and exit year against the campaign. Dates
// and integers that did not decode are the decoder's to report; a Go value
// with a zero required field is reported here as missing.
func Validate(h *Household, c Campaign) FieldErrors {
	v := validator{}
	v.household(h, c)
	return v.errs
}

type validator struct{ errs FieldErrors }

func (v *validator) add(path, msg string) {
	v.errs = append(v.errs, FieldError{Path: path, Message: msg})
}

func (v *validator) household(h *Household, c Campaign) {
	switch n := utf8.RuneCountInString(h.Code); {
	case n == 0:
		v.add("code", "户编号不能为空")
	case n > MaxCodeLength:
		v.add("code", fmt.Sprintf("户编号不能超过%d个字符，实为%d个", MaxCodeLength, n))
	}
	switch h.Hukou {
	case Agricultural, NonAgricultural:
	case "":
		v.add("hukou", "缺少户籍性质")
	default:
		v.add("hukou", badEnum(string(h.Hukou), "agricultural、non_agricultural"))
	}
	switch h.Status {
	case NotRegistered, Registered, Exited:
	case "":
		v.add("status", "缺少建档立卡状态")
	default:
		v.add("status", badEnum(string(h.Status), "not_registered、registered、exited"))
	}
	v.dates(h, c)
	if h.Income.Year != c.IncomeYear {
		v.add("income.year", fmt.Sprintf("收入年度应为%d年，实为%d年", c.IncomeYear, h.Income.Year))
	}
	for _, a := range [...]struct {
		path string
		d    *decimal.Decimal
	}{
		{"income.wage", h.Income.Wage}, {"income.operating", h.Income.Operating}, {"income.property", h.Income.Property},
		{"income.transfer", h.Income.Transfer}, {"income.operating_cost", h.Income.OperatingCost}, {"housing.area_m2", h.Housing.AreaM2},
	} {
		if a.d != nil && a.d.IsNegative() {
			v.add(a.path, "不能为负数，实为"+a.d.String())
		}
	}
	switch h.Housing.Grade {
	case "", GradeA, GradeB, GradeC, GradeD:
	default:
		v.add("housing.grade", badEnum(string(h.Housing.Grade), "A、B、C、D 或 null"))
	}
	v.members(h, c)
	for i := range h.Vehicles {
		x := &h.Vehicles[i]
		p := lazyPath{list: "vehicles", index: i}
		if x.Value.IsNegative() {
			v.add(p.field("value"), "不能为负数，实为"+x.Value.String())
		}
		v.requiredDate(p, "acquired_on", x.AcquiredOn)
	}
	for i := range h.UrbanProperties {
		x := &h.UrbanProperties[i]
		p := lazyPath{list: "urban_properties", index: i}
		switch x.Kind {
		case SelfBuilt, CommercialHousing, Shop, OtherProperty:
		case "":
			v.add(p.field("kind"), "缺少房产类型")
		default:
			v.add(p.field("kind"), badEnum(string(x.Kind), "self_built、commercial_housing、shop、other"))
		}
		v.requiredDate(p, "acquired_on", x.AcquiredOn)
	}
	for i := range h.Businesses {
		v.requiredDate(lazyPath{list: "businesses", index: i}, "registered_on", h.Businesses[i].RegisteredOn)
	}
}

// dates checks the registration date and the exit year against the status
// and the campaign.
func (v *validator) dates(h *Household, c Campaign) {
	v.realDate(lazyPath{}, "registered_on", h.RegisteredOn)
	if h.Status != Registered && h.Status != Exited {
		return // for not_registered a registered_on is not read
	}
	switch {
	case h.RegisteredOn.IsZero():
		v.add("registered_on", "建档立卡户和已脱贫户必须填写建档立卡日期")
	case h.RegisteredOn.After(c.ReferenceDate):
		v.add("registered_on", fmt.Sprintf("建档立卡日期%s晚于本批次数据截止日期%s", h.RegisteredOn, c.ReferenceDate))
	}
	if h.Status != Exited {
		return
	}
	switch y := h.ExitedYear; {
	case y == nil:
		v.add("exited_year", "已脱贫户必须填写脱贫年度")
	case *y >= c.CampaignYear:
		v.add("exited_year", fmt.Sprintf("脱贫年度%d应早于本批次年度%d", *y, c.CampaignYear))
	case !h.RegisteredOn.IsZero() && *y < h.RegisteredOn.Year:
		v.add("exited_year", fmt.Sprintf("脱贫年度%d早于建档立卡年度%d", *y, h.RegisteredOn.Year))
	}
}

func (v *validator) members(h *Household, c Campaign) {
	if len(h.Members) == 0 {
		v.add("members", "至少应有一名家庭成员")
		return
	}
	notAfter := c.ReferenceDate.Time()
	heads, counted := 0, 0
	ids := memberIDs{members: h.Members}
	for i := range h.Members {
		m := &h.Members[i]
		// The path is built only when there is something to report.
		p := lazyPath{list: "members", index: i}
		if err := idcard.Validate(m.IDNumber, notAfter); err != nil {
			v.add(p.field("id_number"), err.Error())
		} else if j := ids.seen(i); j >= 0 {
			v.add(p.field("id_number"), fmt.Sprintf("与 members[%d] 的身份证号码相同", j))
		}
		switch n := utf8.RuneCountInString(m.Name); {
		case n == 0:
			v.add(p.field("name"), "姓名不能为空")
		case n > MaxNameLength:
			v.add(p.field("name"), fmt.Sprintf("姓名不能超过%d个字符，实为%d个", MaxNameLength, n))
		}
		switch m.Relation {
		case Head:
			heads++
		case Spouse, Child, ChildInLaw, Grandchild, Parent, Grandparent, Sibling, OtherKin:
		case "":
			v.add(p.field("relation"), "缺少与户主关系")
		default:
			v.add(p.field("relation"), badEnum(string(m.Relation), "head、spouse、child、child_in_law、grandchild、parent、grandparent、sibling、other"))
		}
		switch m.Status {
		case Present, Deceased, Missing:
		case "":
			v.add(p.field("status"), "缺少成员状态")
		default:
			v.add(p.field("status"), badEnum(string(m.Status), "present、deceased、missing"))
		}
		switch m.Health {
		case "", Healthy, Chronic, MajorDisease, Disabled:
		default:
			v.add(p.field("health"), badEnum(string(m.Health), "healthy、chronic、major_disease、disabled 或 null"))
		}
		switch m.Schooling {
		case "", NotInSchool, Preschool, Compulsory, BeyondCompulsory:
		default:
			v.add(p.field("schooling"), badEnum(string(m.Schooling), "none、preschool、compulsory、beyond_compulsory 或 null"))
		}
		v.realDate(p, "fiscal_staff_since", m.FiscalStaffSince)
		v.realDate(p, "village_cadre_since", m.VillageCadreSince)
		if m.Counted() {
			counted++
		}
	}
	if heads != 1 {
		v.add("members", fmt.Sprintf("应恰有一名户主（relation = head），实有%d名", heads))
	}
	if h.Status == NotRegistered && counted == 0 {
		v.add("members", "非建档立卡户没有在户且共享收入的成员")
	}
}

// realDate refuses a set date that is not a real day (possible only for Go
// values: the decoder refuses such text).
func (v *validator) realDate(p lazyPath, field string, d localdate.Date) {
	if !d.IsZero() && !ValidDate(d) {
		v.add(p.field(field), fmt.Sprintf("%04d-%02d-%02d不是真实的日期", d.Year, int(d.Month), d.Day))
	}
}

func (v *validator) requiredDate(p lazyPath, field string, d localdate.Date) {
	if d.IsZero() {
		v.add(p.field(field), "缺少日期")
		return
	}
	v.realDate(p, field, d)
}

// lazyPath is the path of a list item (members[1]), or of the household
// itself when list is "", rendered only for a problem.
type lazyPath struct {
	list  string
	index int
}

func (p lazyPath) field(name string) string {
	if p.list == "" {
		return name
	}
	return p.list + "[" + strconv.Itoa(p.index) + "]." + name
}

// memberIDs finds repeated ID numbers (compared upper-cased, so a final x
// equals X): by scanning for the few members of a real household, by a map
// when a document lists very many (so that no input costs quadratic time).
type memberIDs struct {
	members []Member
	index   map[string]int
}

const scanLimit = 32

// seen returns the index of an earlier member with the ID number of member
// i, or -1; it must be called for i = 0, 1, 2… in order, for valid IDs.
func (m *memberIDs) seen(i int) int {
	id := m.members[i].IDNumber
	if len(m.members) <= scanLimit {
		for j := range i {
			if strings.EqualFold(m.members[j].IDNumber, id) {
				return j
			}
		}
		return -1
	}
	if m.index == nil {
		m.index = make(map[string]int, len(m.members))
	}
	key := strings.ToUpper(id)
	if j, ok := m.index[key]; ok {
		return j
	}
	m.index[key] = i
	return -1
}

func badEnum(got, want string) string {
	return fmt.Sprintf("“%s”不是有效值，应为%s", truncate(got, 24), want)
}

// ValidDate reports whether d is a real calendar day (year 0001 onwards).
func ValidDate(d localdate.Date) bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= idcard.DaysIn(d.Year, d.Month)
}
