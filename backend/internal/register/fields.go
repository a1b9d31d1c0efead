package register

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
)

// Every data field of the household and village tables has one name, its
// key (departments.md): a household field is the snake_case of its Go name
// (dibao, housing_grade, vehicles: a whole list), a member's field is
// members.<snake> (members.health), a village's is village.<snake>
// (village.collective_income). The functions here read and write a field
// by its key as text, so that the departments' confirmations, their XLSX
// round trips and the corrections all speak of fields the same way.
//
// Values as text (canonical form): a bool is "true" or "false", an amount
// has two decimals ("45000.00"), a date is YYYY-MM-DD, a code is the code,
// a list is a JSON array of its items (without ids); unknown (nil, the zero
// date, the empty string) is nil.

// Key prefixes.
const (
	MemberPrefix  = "members."
	VillagePrefix = "village."
)

// Field kinds by Go type.
const (
	FieldBool    = "bool"
	FieldDecimal = "decimal"
	FieldInt     = "int"
	FieldDate    = "date"
	FieldText    = "text" // strings, codes among them
	FieldList    = "list"
)

// DataKey is one data field of the register by key, with the kind its Go
// type has.
type DataKey struct {
	Key  string
	Kind string
}

// villageSkipped are the village table's bookkeeping fields.
var villageSkipped = map[string]bool{"VillageCode": true, "Version": true, "UpdatedAt": true, "UpdatedBy": true}

// structural are list fields that are not data of their own.
var structural = map[string]bool{"Members": true}

type fieldIndex struct {
	byKey map[string]int // snake name → struct field index
	keys  []string       // in struct order
}

var indexes sync.Map // reflect.Type → *fieldIndex

func indexOf(t reflect.Type) *fieldIndex {
	if v, ok := indexes.Load(t); ok {
		return v.(*fieldIndex)
	}
	ix := &fieldIndex{byKey: map[string]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if skipped[f.Name] || structural[f.Name] || (t == villageType && villageSkipped[f.Name]) {
			continue
		}
		name := snake(f.Name)
		ix.byKey[name] = i
		ix.keys = append(ix.keys, name)
	}
	v, _ := indexes.LoadOrStore(t, ix)
	return v.(*fieldIndex)
}

var (
	householdType = reflect.TypeOf(Household{})
	memberType    = reflect.TypeOf(Member{})
	villageType   = reflect.TypeOf(VillageFacts{})
	decimalT      = reflect.TypeOf(decimal.Decimal{})
	dateT         = reflect.TypeOf(localdate.Date{})
)

// DataKeys lists every data field of the household, member and village
// tables, in struct order, skipping bookkeeping (ids, versions, audit
// columns, sealing) as Diff does.
func DataKeys() []DataKey {
	var out []DataKey
	for _, tp := range []struct {
		t      reflect.Type
		prefix string
	}{{householdType, ""}, {memberType, MemberPrefix}, {villageType, VillagePrefix}} {
		ix := indexOf(tp.t)
		for _, k := range ix.keys {
			out = append(out, DataKey{Key: tp.prefix + k, Kind: kindOf(tp.t.Field(ix.byKey[k]).Type)})
		}
	}
	return out
}

func kindOf(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == decimalT:
		return FieldDecimal
	case t == dateT:
		return FieldDate
	case t.Kind() == reflect.Bool:
		return FieldBool
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		return FieldInt
	case t.Kind() == reflect.Slice:
		return FieldList
	}
	return FieldText
}

// IsMemberKey reports whether a key names a member's field.
func IsMemberKey(key string) bool { return strings.HasPrefix(key, MemberPrefix) }

// IsVillageKey reports whether a key names a village field.
func IsVillageKey(key string) bool { return strings.HasPrefix(key, VillagePrefix) }

// householdField finds the struct value a key of a household names: the
// household itself or the member with memberID.
func householdField(h *Household, key string, memberID int64) (reflect.Value, error) {
	if IsVillageKey(key) {
		return reflect.Value{}, fmt.Errorf("“%s”是村表字段", key)
	}
	if IsMemberKey(key) {
		name := strings.TrimPrefix(key, MemberPrefix)
		i, ok := indexOf(memberType).byKey[name]
		if !ok {
			return reflect.Value{}, fmt.Errorf("没有字段“%s”", key)
		}
		for j := range h.Members {
			if h.Members[j].ID == memberID && memberID != 0 {
				return reflect.ValueOf(&h.Members[j]).Elem().Field(i), nil
			}
		}
		return reflect.Value{}, fmt.Errorf("该户没有编号为%d的成员", memberID)
	}
	if memberID != 0 {
		return reflect.Value{}, fmt.Errorf("“%s”是户级字段，不属于成员", key)
	}
	i, ok := indexOf(householdType).byKey[key]
	if !ok {
		return reflect.Value{}, fmt.Errorf("没有字段“%s”", key)
	}
	return reflect.ValueOf(h).Elem().Field(i), nil
}

func villageField(v *VillageFacts, key string) (reflect.Value, error) {
	i, ok := indexOf(villageType).byKey[strings.TrimPrefix(key, VillagePrefix)]
	if !IsVillageKey(key) || !ok {
		return reflect.Value{}, fmt.Errorf("没有村表字段“%s”", key)
	}
	return reflect.ValueOf(v).Elem().Field(i), nil
}

// HouseholdValue is a household's (memberID 0) or a member's field as text;
// nil when unknown.
func HouseholdValue(h *Household, key string, memberID int64) (*string, error) {
	f, err := householdField(h, key, memberID)
	if err != nil {
		return nil, err
	}
	return valueText(f), nil
}

// SetHouseholdValue writes a field from text (nil: unknown). The text is
// checked for its type only; Validate checks the rest.
func SetHouseholdValue(h *Household, key string, memberID int64, value *string) error {
	f, err := householdField(h, key, memberID)
	if err != nil {
		return err
	}
	return setText(f, value)
}

// VillageValue is a village field as text; nil when unknown.
func VillageValue(v *VillageFacts, key string) (*string, error) {
	f, err := villageField(v, key)
	if err != nil {
		return nil, err
	}
	return valueText(f), nil
}

// SetVillageValue writes a village field from text (nil: unknown).
func SetVillageValue(v *VillageFacts, key string, value *string) error {
	f, err := villageField(v, key)
	if err != nil {
		return err
	}
	return setText(f, value)
}

func valueText(v reflect.Value) *string {
	if v.Kind() == reflect.Slice {
		items := make([]map[string]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			items = append(items, itemMap(v.Index(i)))
		}
		b, _ := json.Marshal(items)
		s := string(b)
		return &s
	}
	p := plain(v)
	if p == nil {
		return nil
	}
	var s string
	switch x := p.(type) {
	case string:
		s = x
	case bool:
		s = strconv.FormatBool(x)
	default:
		s = fmt.Sprint(x)
	}
	return &s
}

// itemMap is one list item as a JSON object: snake_case keys, values as
// text, bools as bools, ids left out.
func itemMap(v reflect.Value) map[string]any {
	out := map[string]any{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if skipped[f.Name] {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Bool {
			out[snake(f.Name)] = fv.Bool()
			continue
		}
		if s := valueText(fv); s != nil {
			out[snake(f.Name)] = *s
		} else {
			out[snake(f.Name)] = nil
		}
	}
	return out
}

// ParseBool reads 是/否 as well as true/false (and 1/0).
func ParseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "是", "1", "有":
		return true, true
	case "false", "否", "0", "无":
		return false, true
	}
	return false, false
}

func setText(f reflect.Value, value *string) error {
	if f.Kind() == reflect.Slice {
		return setList(f, value)
	}
	t := f.Type()
	if value == nil || strings.TrimSpace(*value) == "" {
		switch {
		case t.Kind() == reflect.Pointer, t.Kind() == reflect.String, t == dateT:
			f.Set(reflect.Zero(t))
			return nil
		}
		return fmt.Errorf("必填")
	}
	s := strings.TrimSpace(*value)
	base := t
	if t.Kind() == reflect.Pointer {
		base = t.Elem()
	}
	nv := reflect.New(base).Elem()
	switch {
	case base == decimalT:
		d, err := decimal.NewFromString(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			return fmt.Errorf("“%s”不是数字", s)
		}
		nv.Set(reflect.ValueOf(d))
	case base == dateT:
		d, err := localdate.Parse(s)
		if err != nil {
			return fmt.Errorf("“%s”不是日期（应为 YYYY-MM-DD）", s)
		}
		nv.Set(reflect.ValueOf(d))
	case base.Kind() == reflect.Bool:
		b, ok := ParseBool(s)
		if !ok {
			return fmt.Errorf("“%s”应为 是 或 否", s)
		}
		nv.SetBool(b)
	case base.Kind() == reflect.Int || base.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < -1<<31 || n > 1<<31-1 {
			return fmt.Errorf("“%s”不是整数", s)
		}
		nv.SetInt(n)
	case base.Kind() == reflect.String:
		nv.SetString(s)
	default:
		return fmt.Errorf("不能以文本写入")
	}
	if t.Kind() == reflect.Pointer {
		p := reflect.New(base)
		p.Elem().Set(nv)
		f.Set(p)
	} else {
		f.Set(nv)
	}
	return nil
}

// setList reads a JSON array of items (as HouseholdValue writes them).
func setList(f reflect.Value, value *string) error {
	if value == nil || strings.TrimSpace(*value) == "" {
		f.Set(reflect.MakeSlice(f.Type(), 0, 0))
		return nil
	}
	var items []map[string]any
	dec := json.NewDecoder(strings.NewReader(*value))
	dec.UseNumber()
	if err := dec.Decode(&items); err != nil {
		return fmt.Errorf("应为 JSON 数组，每项一个对象")
	}
	et := f.Type().Elem()
	ix := map[string]int{}
	for i := 0; i < et.NumField(); i++ {
		if !skipped[et.Field(i).Name] {
			ix[snake(et.Field(i).Name)] = i
		}
	}
	out := reflect.MakeSlice(f.Type(), 0, len(items))
	for n, it := range items {
		ev := reflect.New(et).Elem()
		names := make([]string, 0, len(it))
		for k := range it {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			i, ok := ix[k]
			if !ok {
				return fmt.Errorf("第%d项：没有“%s”这一项", n+1, k)
			}
			var text *string
			switch x := it[k].(type) {
			case nil:
			case string:
				text = &x
			case bool:
				s := strconv.FormatBool(x)
				text = &s
			case json.Number:
				s := x.String()
				text = &s
			default:
				return fmt.Errorf("第%d项“%s”：值不正确", n+1, k)
			}
			if err := setText(ev.Field(i), text); err != nil {
				return fmt.Errorf("第%d项“%s”：%s", n+1, k, err.Error())
			}
		}
		out = reflect.Append(out, ev)
	}
	f.Set(out)
	return nil
}
