package register

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"jingzhun/internal/localdate"
)

// FieldChange is one changed field, named as in the API (snake_case, with
// indexes for list items: members[1].health).
type FieldChange struct {
	Field  string
	Before any
	After  any
}

// skipped fields are bookkeeping, not data.
var skipped = map[string]bool{
	"ID": true, "HouseholdID": true, "Version": true, "CreatedAt": true, "UpdatedAt": true,
	"CreatedBy": true, "UpdatedBy": true, "DeletedAt": true, "DeletedBy": true, "ActiveIDKey": true, "Sort": true,
	"IDIndex": true, "KeyVersion": true,
}

// Diff lists what changed from before to after; before nil means created.
func Diff(before, after *Household) []FieldChange {
	var out []FieldChange
	var b, a reflect.Value
	if before == nil {
		before = &Household{}
	}
	b, a = reflect.ValueOf(*before), reflect.ValueOf(*after)
	diffStruct("", b, a, &out)
	return out
}

func diffStruct(prefix string, b, a reflect.Value, out *[]FieldChange) {
	t := a.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if skipped[f.Name] {
			continue
		}
		name := prefix + snake(f.Name)
		bv, av := b.Field(i), a.Field(i)
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct {
			diffList(name, bv, av, out)
			continue
		}
		bs, as := plain(bv), plain(av)
		if bs != as {
			*out = append(*out, FieldChange{Field: name, Before: bs, After: as})
		}
	}
}

// diffList compares list items. Items that keep their ID (members) are
// paired by it, so removing the second member shows one removal, not every
// later member changed; removed items are named members[removed:1].
// Items without IDs (assets written anew) are paired by position.
func diffList(name string, bv, av reflect.Value, out *[]FieldChange) {
	zero := reflect.New(bv.Type().Elem()).Elem()
	idOf := func(v reflect.Value) int64 {
		if f := v.FieldByName("ID"); f.IsValid() && f.Kind() == reflect.Int64 {
			return f.Int()
		}
		return 0
	}
	byID := map[int64]int{}
	for i := 0; i < bv.Len(); i++ {
		if id := idOf(bv.Index(i)); id != 0 {
			byID[id] = i
		}
	}
	matched := make([]bool, bv.Len())
	for j := 0; j < av.Len(); j++ {
		aj, bj := av.Index(j), zero
		if i, ok := byID[idOf(aj)]; ok && idOf(aj) != 0 {
			bj, matched[i] = bv.Index(i), true
		} else if len(byID) == 0 && j < bv.Len() {
			bj, matched[j] = bv.Index(j), true
		}
		diffStruct(fmt.Sprintf("%s[%d].", name, j), bj, aj, out)
	}
	for i := 0; i < bv.Len(); i++ {
		if !matched[i] {
			diffStruct(fmt.Sprintf("%s[removed:%d].", name, i), bv.Index(i), zero, out)
		}
	}
}

// plain turns a field value into a comparable, JSON-friendly value.
func plain(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case decimal.Decimal:
		return x.StringFixed(2)
	case localdate.Date:
		if x.IsZero() {
			return nil
		}
		return x.String()
	case string:
		if x == "" {
			return nil
		}
		return x
	}
	return v.Interface()
}

// snake turns a Go field name into the API's snake_case (IDNumber → id_number).
func snake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]) && unicode.IsUpper(r[i-1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(c))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
