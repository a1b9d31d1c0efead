// Package departments carries the list of departments (附件：相关部门职责) as
// data, with the fields each answers for: its responsibility list. The
// district office can extend it; the store seeds the departments on first
// start. Every field of the household and village tables is named in the
// field catalogue, and every field has exactly one owner: the department
// that lists it, or the check team (Team) when none does.
package departments

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"jingzhun/internal/register"
)

//go:embed departments.json
var departmentsJSON []byte

// Team owns the fields no department lists: the check team answers for
// what it collected in the field (动态管理工作核查组对实地采集的信息数据负全责).
const Team = "team"

// Tables a field belongs to.
const (
	TableHousehold = "household"
	TableMember    = "member"
	TableVillage   = "village"
)

// Kinds of fields, as the responsibility lists and the SPA know them.
const (
	KindBool    = "bool"
	KindDecimal = "decimal"
	KindInt     = "int"
	KindDate    = "date"
	KindText    = "text"
	KindEnum    = "enum" // a code of List
	KindList    = "list" // a whole list (vehicles): a JSON array as text
)

// Department is a 行业部门 by stable code and Chinese name, with the keys of
// the fields it confirms.
type Department struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
}

// Field is one field of the catalogue.
type Field struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	List  string `json:"list,omitempty"` // code list of an enum (register.CodeLists)
}

// Table is the table the field belongs to, read from its key.
func (f Field) Table() string {
	switch {
	case register.IsMemberKey(f.Key):
		return TableMember
	case register.IsVillageKey(f.Key):
		return TableVillage
	}
	return TableHousehold
}

// Choices are the codes an enum takes, with their Chinese labels.
func (f Field) Choices() []register.CodeItem {
	if f.Kind != KindEnum {
		return nil
	}
	return register.CodeLists[f.List]
}

type file struct {
	Departments []Department `json:"departments"`
	Fields      []Field      `json:"fields"`
}

type parsed struct {
	file
	field map[string]Field
	owner map[string]string
}

var load = sync.OnceValues(func() (*parsed, error) { return parse(departmentsJSON) })

func parse(data []byte) (*parsed, error) {
	var p parsed
	if err := json.Unmarshal(data, &p.file); err != nil {
		return nil, fmt.Errorf("departments.json: %w", err)
	}
	p.field, p.owner = map[string]Field{}, map[string]string{}
	for _, f := range p.Fields {
		if _, dup := p.field[f.Key]; dup {
			return nil, fmt.Errorf("departments.json: field %s listed twice in the catalogue", f.Key)
		}
		p.field[f.Key] = f
	}
	for _, d := range p.Departments {
		if d.Code == Team {
			return nil, fmt.Errorf("departments.json: %q is the check team, not a department", Team)
		}
		for _, k := range d.Fields {
			if _, ok := p.field[k]; !ok {
				return nil, fmt.Errorf("departments.json: department %s lists %s, which the catalogue does not name", d.Code, k)
			}
			if o, taken := p.owner[k]; taken {
				return nil, fmt.Errorf("departments.json: field %s is owned by both %s and %s", k, o, d.Code)
			}
			p.owner[k] = d.Code
		}
	}
	return &p, nil
}

// Load parses the embedded list.
func Load() ([]Department, error) {
	p, err := load()
	if err != nil {
		return nil, err
	}
	return p.Departments, nil
}

// Catalogue is every field of the household, member and village tables,
// in the file's order.
func Catalogue() []Field {
	p, err := load()
	if err != nil {
		return nil
	}
	return p.Fields
}

// FieldOf finds a field of the catalogue by key.
func FieldOf(key string) (Field, bool) {
	p, err := load()
	if err != nil {
		return Field{}, false
	}
	f, ok := p.field[key]
	return f, ok
}

// Responsibilities are the fields a department confirms, in its list's
// order; ok is false for a code the file does not name.
func Responsibilities(code string) (fields []Field, ok bool) {
	p, err := load()
	if err != nil {
		return nil, false
	}
	for _, d := range p.Departments {
		if d.Code == code {
			out := make([]Field, len(d.Fields))
			for i, k := range d.Fields {
				out[i] = p.field[k]
			}
			return out, true
		}
	}
	return nil, false
}

// OwnerOf is the department that confirms a field, or Team; "" for a key
// the catalogue does not name.
func OwnerOf(key string) string {
	p, err := load()
	if err != nil {
		return ""
	}
	if o, ok := p.owner[key]; ok {
		return o
	}
	if _, ok := p.field[key]; ok {
		return Team
	}
	return ""
}

// Owned lists every field some department owns (not Team's), for the
// reset of confirmations when a field changes.
func Owned() []Field {
	p, err := load()
	if err != nil {
		return nil
	}
	var out []Field
	for _, f := range p.Fields {
		if _, ok := p.owner[f.Key]; ok {
			out = append(out, f)
		}
	}
	return out
}

// ByLabel finds a department's field by its Chinese label or its key (the
// XLSX round trip names fields by label).
func ByLabel(fields []Field, s string) (Field, bool) {
	s = strings.TrimSpace(s)
	for _, f := range fields {
		if f.Label == s || f.Key == s {
			return f, true
		}
	}
	return Field{}, false
}
