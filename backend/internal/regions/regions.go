// Package regions carries the district's regional tree (fixtures/regions.json
// of the spec, copied here): four streets, their administrative villages and
// the two check teams. It is pure data; the store seeds tables from it.
package regions

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed regions.json
var regionsJSON []byte

// District is the 区 the system serves.
type District struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Village is an administrative village (村委会 or 社区).
type Village struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Street is a 街道 with its villages and check team.
type Street struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	CheckTeam string    `json:"check_team"`
	Villages  []Village `json:"villages"`
}

// Team is a district check team (核查组) and the streets it covers.
type Team struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Streets []string `json:"streets"`
}

// Tree is the whole file.
type Tree struct {
	District District `json:"district"`
	Streets  []Street `json:"streets"`
	Teams    []Team   `json:"check_teams"`
}

// Load parses the embedded tree. It panics never: a broken embedded file is
// caught by the package test.
func Load() (Tree, error) {
	var t Tree
	if err := json.Unmarshal(regionsJSON, &t); err != nil {
		return t, fmt.Errorf("regions.json: %w", err)
	}
	return t, nil
}

// Villages lists every village with its street code, in file order.
func (t Tree) Villages() []struct {
	Street  Street
	Village Village
} {
	var out []struct {
		Street  Street
		Village Village
	}
	for _, s := range t.Streets {
		for _, v := range s.Villages {
			out = append(out, struct {
				Street  Street
				Village Village
			}{s, v})
		}
	}
	return out
}
