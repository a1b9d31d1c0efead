package interchange

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"jingzhun/internal/idcard"
	"jingzhun/internal/localdate"
)

// Amounts beyond these bounds are refused as out of range. The format sets
// no upper bound, but exact decimal arithmetic on a number like 1e999999999
// would take unbounded time and memory, and no household income, price or
// area comes near 10^15 or needs more than 20 decimal places.
const (
	maxNumberText = 64
	minExponent   = -20
	maxExponent   = 20
)

var maxAmount = decimal.New(1, 15)

// DecodeHousehold reads one household object strictly into h (which it
// resets, keeping the capacity of its slices for reuse). It reports every
// problem of the decoding kind with its path: an unknown key, a missing
// required field, a value of the wrong type, null where null is not allowed,
// a date that is not a real YYYY-MM-DD date, an integer written with a
// fraction. A repeated key keeps its last value. Enum values and everything
// else rules.md §6 asks are left to Validate.
//
// code is the household's "code" when it is a string, else nil: an invalid
// household is still named in its result.
func DecodeHousehold(data []byte, h *Household) (code *string, errs FieldErrors) {
	p := parser{data: data}
	p.path = p.pathBuf[:0]
	code = p.household(h)
	p.ws()
	if p.broken || p.pos != len(data) {
		return code, FieldErrors{{Path: "", Message: "户数据不是有效的 JSON"}}
	}
	return code, p.errs
}

// ReadHousehold decodes and validates one household: DecodeHousehold, then
// Validate, leaving out what Validate finds at or under a path the decoder
// already reported (a value of the wrong type is not also "missing", an
// income that is not an object has no wrong year).
func ReadHousehold(data []byte, c Campaign, h *Household) (code *string, errs FieldErrors) {
	code, errs = DecodeHousehold(data, h)
	if len(errs) > 0 && errs[0].Path == "" {
		return code, errs // not an object: nothing to validate
	}
	more := Validate(h, c)
	if len(errs) == 0 {
		return code, more
	}
	decoded := len(errs)
	for _, e := range more {
		if !coveredBy(e.Path, errs[:decoded]) {
			errs = append(errs, e)
		}
	}
	return code, errs
}

// coveredBy reports whether path is at or under the path of one of errs.
func coveredBy(path string, errs FieldErrors) bool {
	for _, e := range errs {
		if path == e.Path || len(path) > len(e.Path) && path[:len(e.Path)] == e.Path &&
			(path[len(e.Path)] == '.' || path[len(e.Path)] == '[') {
			return true
		}
	}
	return false
}

// fieldSpec is how one key of an object is read into a target of type T.
type fieldSpec[T any] struct {
	name     string
	required bool
	read     func(p *parser, t *T)
}

// fields is the table of an object type: specs in the format's order,
// indexed by key length (keys are short and few of a length share it, so
// this beats a map on the hot path).
type fields[T any] struct {
	specs []fieldSpec[T]
	byLen [32][]int
}

func newFields[T any](specs ...fieldSpec[T]) *fields[T] {
	f := &fields[T]{specs: specs}
	for i, s := range specs {
		f.byLen[len(s.name)] = append(f.byLen[len(s.name)], i)
	}
	return f
}

// lookup finds the spec of a key, or -1.
func (f *fields[T]) lookup(key []byte) int {
	if len(key) >= len(f.byLen) {
		return -1
	}
	for _, i := range f.byLen[len(key)] {
		if f.specs[i].name == string(key) {
			return i
		}
	}
	return -1
}

// readObject reads an object of the table's type into t: unknown keys are
// problems, a repeated key forgets its earlier value's problems, missing
// required keys are problems. what names the object in the message when the
// value is not an object.
func readObject[T any](p *parser, f *fields[T], t *T, what string) {
	if k := p.peek(); k != kindObject {
		p.wrongType(what)
		return
	}
	var seen uint64
	p.object(func(key []byte) {
		i := f.lookup(key)
		if i < 0 {
			p.failAt(string(key), "未知字段")
			p.skip()
			return
		}
		s := &f.specs[i]
		p.push(s.name)
		if seen&(1<<i) != 0 {
			p.forget()
		}
		seen |= 1 << i
		s.read(p, t)
		p.pop()
	})
	for i, s := range f.specs {
		if s.required && seen&(1<<i) == 0 && !p.broken {
			p.failAt(s.name, "缺少必填字段")
		}
	}
}

// Value readers. Each consumes the value; on a wrong type it records the
// problem at the current path and returns the zero value.

func (p *parser) str() (string, bool) {
	if p.peek() != kindString {
		p.wrongType("字符串")
		return "", false
	}
	s, ok := p.rawString()
	if !ok {
		p.syntax()
		return "", false
	}
	return string(s), true
}

func (p *parser) boolean() bool {
	if p.peek() != kindBool {
		p.wrongType("布尔值 true 或 false")
		return false
	}
	return p.literal() == "true"
}

// triBool reads a boolean whose null means unknown.
func (p *parser) triBool() *bool {
	if p.peek() == kindNull {
		p.literal()
		return nil
	}
	if p.peek() != kindBool {
		p.wrongType("布尔值或 null")
		return nil
	}
	b := p.literal() == "true"
	return &b
}

// integer reads an integer written without fraction or exponent.
func (p *parser) integer() (int, bool) {
	if p.peek() != kindNumber {
		p.wrongType("整数")
		return 0, false
	}
	lit := p.number()
	if lit == nil {
		p.syntax()
		return 0, false
	}
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			p.fail("应为整数，不能写成小数或指数形式（" + string(lit) + "）")
			return 0, false
		}
	}
	if len(lit) > 10 {
		p.fail("整数超出范围（" + string(lit) + "）")
		return 0, false
	}
	n, err := strconv.Atoi(string(lit))
	if err != nil {
		p.fail("整数超出范围（" + string(lit) + "）")
		return 0, false
	}
	return n, true
}

// nullableInteger reads an integer whose null means missing.
func (p *parser) nullableInteger() *int {
	if p.peek() == kindNull {
		p.literal()
		return nil
	}
	n, ok := p.integer()
	if !ok {
		return nil
	}
	return &n
}

// decimalNumber reads a number exactly.
func (p *parser) decimalNumber() (decimal.Decimal, bool) {
	if p.peek() != kindNumber {
		p.wrongType("数字")
		return decimal.Decimal{}, false
	}
	lit := p.number()
	if lit == nil {
		p.syntax()
		return decimal.Decimal{}, false
	}
	d, ok := parseDecimal(lit)
	if !ok {
		p.fail("数值超出可处理的范围（" + truncate(string(lit), 24) + "）")
		return decimal.Decimal{}, false
	}
	return d, true
}

// amount reads a number whose null means unknown.
func (p *parser) amount() *decimal.Decimal {
	if p.peek() == kindNull {
		p.literal()
		return nil
	}
	d, ok := p.decimalNumber()
	if !ok {
		return nil
	}
	return &d
}

// date reads a YYYY-MM-DD string that is a real day.
func (p *parser) date() localdate.Date {
	if p.peek() != kindString {
		p.wrongType("日期字符串 YYYY-MM-DD")
		return localdate.Date{}
	}
	s, ok := p.rawString()
	if !ok {
		p.syntax()
		return localdate.Date{}
	}
	d, ok := parseDate(s)
	if !ok {
		p.fail("“" + truncate(string(s), 24) + "”不是真实的日期 YYYY-MM-DD")
	}
	return d
}

// nullableDate reads a date whose null means "none".
func (p *parser) nullableDate() localdate.Date {
	if p.peek() == kindNull {
		p.literal()
		return localdate.Date{}
	}
	return p.date()
}

// null consumes a null when one is next and reports whether it did: an
// array or object given as null is the same as absent.
func (p *parser) null() bool {
	if p.peek() == kindNull {
		p.literal()
		return true
	}
	return false
}

// parseDecimal reads a JSON number literal exactly, within the bounds above.
func parseDecimal(lit []byte) (decimal.Decimal, bool) {
	// Fast path: plain digits with an optional fraction, fitting an int64.
	var m int64
	neg, frac, digits, dot := false, 0, 0, false
	fast := len(lit) <= 19
	for i, c := range lit {
		switch {
		case c == '-' && i == 0:
			neg = true
		case c == '.':
			dot = true
		case c >= '0' && c <= '9':
			m = m*10 + int64(c-'0')
			digits++
			if dot {
				frac++
			}
		default:
			fast = false
		}
		if !fast {
			break
		}
	}
	if fast && digits <= 18 {
		if neg {
			m = -m
		}
		return decimal.New(m, int32(-frac)), true
	}
	if len(lit) > maxNumberText {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(string(lit))
	if err != nil || d.Exponent() < minExponent || d.Exponent() > maxExponent || d.Abs().Cmp(maxAmount) >= 0 {
		return decimal.Decimal{}, false
	}
	return d, true
}

// parseDate reads exactly YYYY-MM-DD and refuses days that do not exist
// and the year 0000 (as idcard does for birth dates).
func parseDate(s []byte) (localdate.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return localdate.Date{}, false
	}
	n := func(b []byte) int {
		v := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, d := n(s[:4]), n(s[5:7]), n(s[8:])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > idcard.DaysIn(y, time.Month(m)) {
		return localdate.Date{}, false
	}
	return localdate.Date{Year: y, Month: time.Month(m), Day: d}, true
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// The tables of the format's objects (household-v1.md).

var regionFields = newFields(
	fieldSpec[Region]{"street", false, func(p *parser, r *Region) { r.Street, _ = p.str() }},
	fieldSpec[Region]{"village", false, func(p *parser, r *Region) { r.Village, _ = p.str() }},
	fieldSpec[Region]{"group", false, func(p *parser, r *Region) { r.Group, _ = p.str() }},
)

var incomeFields = newFields(
	fieldSpec[Income]{"year", true, func(p *parser, in *Income) { in.Year, _ = p.integer() }},
	fieldSpec[Income]{"wage", false, func(p *parser, in *Income) { in.Wage = p.amount() }},
	fieldSpec[Income]{"operating", false, func(p *parser, in *Income) { in.Operating = p.amount() }},
	fieldSpec[Income]{"property", false, func(p *parser, in *Income) { in.Property = p.amount() }},
	fieldSpec[Income]{"transfer", false, func(p *parser, in *Income) { in.Transfer = p.amount() }},
	fieldSpec[Income]{"operating_cost", false, func(p *parser, in *Income) { in.OperatingCost = p.amount() }},
)

var housingFields = newFields(
	fieldSpec[Housing]{"grade", false, func(p *parser, h *Housing) {
		h.Grade = Grade(p.nullableEnum())
	}},
	fieldSpec[Housing]{"area_m2", false, func(p *parser, h *Housing) { h.AreaM2 = p.amount() }},
)

var findingsFields = newFields(
	fieldSpec[Findings]{"split_or_merge_for_benefit", false, func(p *parser, f *Findings) { f.SplitOrMergeForBenefit = p.boolean() }},
	fieldSpec[Findings]{"empty_hung_hukou", false, func(p *parser, f *Findings) { f.EmptyHungHukou = p.boolean() }},
	fieldSpec[Findings]{"fraud", false, func(p *parser, f *Findings) { f.Fraud = p.boolean() }},
)

// enumValues are the known values of every enum of the format: reading one
// returns the constant instead of a fresh string.
var enumValues = func() map[string]string {
	m := map[string]string{}
	for _, v := range []string{
		string(Agricultural), string(NonAgricultural), string(NotRegistered), string(Registered), string(Exited),
		string(GradeA), string(GradeB), string(GradeC), string(GradeD),
		string(Head), string(Spouse), string(Child), string(ChildInLaw), string(Grandchild), string(Parent), string(Grandparent), string(Sibling), string(OtherKin),
		string(Present), string(Deceased), string(Missing),
		string(Healthy), string(Chronic), string(MajorDisease), string(Disabled),
		string(NotInSchool), string(Preschool), string(Compulsory), string(BeyondCompulsory),
		string(SelfBuilt), string(CommercialHousing), string(Shop), string(OtherProperty),
	} {
		m[v] = v
	}
	return m
}()

// enum reads a string that should be one of the format's enum values; an
// unknown value is kept for Validate to refuse.
func (p *parser) enum() string {
	if p.peek() != kindString {
		p.wrongType("字符串")
		return ""
	}
	b, ok := p.rawString()
	if !ok {
		p.syntax()
		return ""
	}
	if v, known := enumValues[string(b)]; known {
		return v
	}
	return string(b)
}

// nullableEnum reads an enum string whose null means unknown; the empty
// string is refused here because "" is the Go value for unknown.
func (p *parser) nullableEnum() string {
	if p.null() {
		return ""
	}
	if p.peek() == kindString && len(p.data) > p.pos+1 && p.data[p.pos+1] == '"' {
		p.fail("不能为空字符串；未知时应为 null")
		p.skip()
		return ""
	}
	return p.enum()
}

var memberFields = newFields(
	fieldSpec[Member]{"id_number", true, func(p *parser, m *Member) { m.IDNumber, _ = p.str() }},
	fieldSpec[Member]{"name", true, func(p *parser, m *Member) { m.Name, _ = p.str() }},
	fieldSpec[Member]{"relation", true, func(p *parser, m *Member) { m.Relation = Relation(p.enum()) }},
	fieldSpec[Member]{"status", true, func(p *parser, m *Member) { m.Status = MemberStatus(p.enum()) }},
	fieldSpec[Member]{"shares_income", true, func(p *parser, m *Member) { m.SharesIncome = p.boolean() }},
	fieldSpec[Member]{"health", false, func(p *parser, m *Member) { m.Health = Health(p.nullableEnum()) }},
	fieldSpec[Member]{"schooling", false, func(p *parser, m *Member) { m.Schooling = Schooling(p.nullableEnum()) }},
	fieldSpec[Member]{"dropout", false, func(p *parser, m *Member) { m.Dropout = p.triBool() }},
	fieldSpec[Member]{"medical_insured", false, func(p *parser, m *Member) { m.MedicalInsured = p.triBool() }},
	fieldSpec[Member]{"fiscal_staff_since", false, func(p *parser, m *Member) { m.FiscalStaffSince = p.nullableDate() }},
	fieldSpec[Member]{"village_cadre_since", false, func(p *parser, m *Member) { m.VillageCadreSince = p.nullableDate() }},
)

var vehicleFields = newFields(
	fieldSpec[Vehicle]{"value", true, func(p *parser, v *Vehicle) { v.Value, _ = p.decimalNumber() }},
	fieldSpec[Vehicle]{"acquired_on", true, func(p *parser, v *Vehicle) { v.AcquiredOn = p.date() }},
	fieldSpec[Vehicle]{"exit_measure", true, func(p *parser, v *Vehicle) { v.ExitMeasure = p.boolean() }},
)

var propertyFields = newFields(
	fieldSpec[UrbanProperty]{"kind", true, func(p *parser, u *UrbanProperty) { u.Kind = PropertyKind(p.enum()) }},
	fieldSpec[UrbanProperty]{"acquired_on", true, func(p *parser, u *UrbanProperty) { u.AcquiredOn = p.date() }},
	fieldSpec[UrbanProperty]{"exit_measure", true, func(p *parser, u *UrbanProperty) { u.ExitMeasure = p.boolean() }},
	fieldSpec[UrbanProperty]{"relocation", true, func(p *parser, u *UrbanProperty) { u.Relocation = p.boolean() }},
)

var businessFields = newFields(
	fieldSpec[Business]{"registered_on", true, func(p *parser, b *Business) { b.RegisteredOn = p.date() }},
	fieldSpec[Business]{"operating", true, func(p *parser, b *Business) { b.Operating = p.boolean() }},
	fieldSpec[Business]{"exit_measure", true, func(p *parser, b *Business) { b.ExitMeasure = p.boolean() }},
)

// list reads an array of objects of one table into *dst, reusing its
// capacity. nullable says whether null (= absent, an empty list) is allowed.
func list[T any](p *parser, f *fields[T], dst *[]T, nullable bool, what string) {
	*dst = (*dst)[:0]
	if nullable && p.null() {
		return
	}
	if p.peek() != kindArray {
		if nullable {
			p.wrongType("数组或 null")
		} else {
			p.wrongType("数组")
		}
		return
	}
	p.array(func(int) {
		var zero T
		*dst = append(*dst, zero)
		readObject(p, f, &(*dst)[len(*dst)-1], what)
	})
}

var householdFields = newFields(
	fieldSpec[Household]{"code", true, func(p *parser, h *Household) { h.Code, p.codeIsString = p.str() }},
	fieldSpec[Household]{"region", false, func(p *parser, h *Household) {
		h.Region = nil
		if p.null() {
			return
		}
		h.Region = &Region{}
		readObject(p, regionFields, h.Region, "对象或 null")
	}},
	fieldSpec[Household]{"hukou", true, func(p *parser, h *Household) { h.Hukou = Hukou(p.enum()) }},
	fieldSpec[Household]{"rural_resident", true, func(p *parser, h *Household) { h.RuralResident = p.boolean() }},
	fieldSpec[Household]{"status", true, func(p *parser, h *Household) { h.Status = Status(p.enum()) }},
	fieldSpec[Household]{"registered_on", false, func(p *parser, h *Household) { h.RegisteredOn = p.nullableDate() }},
	fieldSpec[Household]{"exited_year", false, func(p *parser, h *Household) { h.ExitedYear = p.nullableInteger() }},
	fieldSpec[Household]{"dibao", false, func(p *parser, h *Household) { h.Dibao = p.triBool() }},
	fieldSpec[Household]{"income", true, func(p *parser, h *Household) {
		h.Income = Income{}
		readObject(p, incomeFields, &h.Income, "对象")
	}},
	fieldSpec[Household]{"housing", true, func(p *parser, h *Household) {
		h.Housing = Housing{}
		readObject(p, housingFields, &h.Housing, "对象")
	}},
	fieldSpec[Household]{"food_secure", false, func(p *parser, h *Household) { h.FoodSecure = p.triBool() }},
	fieldSpec[Household]{"clothing_secure", false, func(p *parser, h *Household) { h.ClothingSecure = p.triBool() }},
	fieldSpec[Household]{"education_burden_heavy", false, func(p *parser, h *Household) { h.EducationBurdenHeavy = p.triBool() }},
	fieldSpec[Household]{"employs_others_long_term", false, func(p *parser, h *Household) { h.EmploysOthersLongTerm = p.triBool() }},
	fieldSpec[Household]{"findings", false, func(p *parser, h *Household) {
		h.Findings = Findings{}
		if p.null() {
			return
		}
		readObject(p, findingsFields, &h.Findings, "对象或 null")
	}},
	fieldSpec[Household]{"members", true, func(p *parser, h *Household) { list(p, memberFields, &h.Members, false, "对象") }},
	fieldSpec[Household]{"vehicles", false, func(p *parser, h *Household) { list(p, vehicleFields, &h.Vehicles, true, "对象") }},
	fieldSpec[Household]{"urban_properties", false, func(p *parser, h *Household) { list(p, propertyFields, &h.UrbanProperties, true, "对象") }},
	fieldSpec[Household]{"businesses", false, func(p *parser, h *Household) { list(p, businessFields, &h.Businesses, true, "对象") }},
)

// household reads the household object, resetting h first. It returns the
// code when the last "code" was a string.
func (p *parser) household(h *Household) (code *string) {
	*h = Household{Members: h.Members[:0], Vehicles: h.Vehicles[:0], UrbanProperties: h.UrbanProperties[:0], Businesses: h.Businesses[:0]}
	if k := p.peek(); k != kindObject {
		if k == kindEnd {
			p.syntax()
			return nil
		}
		p.fail("户数据应为 JSON 对象，实为" + k.typeName())
		p.skip()
		return nil
	}
	p.codeIsString = false
	readObject(p, householdFields, h, "对象")
	if !p.codeIsString {
		return nil
	}
	c := h.Code
	return &c
}
