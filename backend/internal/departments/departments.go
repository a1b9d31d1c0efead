// Package departments carries the list of departments (附件：相关部门职责) as
// data. The district office can extend it; the store seeds it on first start.
package departments

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed departments.json
var departmentsJSON []byte

// Department is a 行业部门 by stable code and Chinese name.
type Department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Load parses the embedded list.
func Load() ([]Department, error) {
	var f struct {
		Departments []Department `json:"departments"`
	}
	if err := json.Unmarshal(departmentsJSON, &f); err != nil {
		return nil, fmt.Errorf("departments.json: %w", err)
	}
	return f.Departments, nil
}
