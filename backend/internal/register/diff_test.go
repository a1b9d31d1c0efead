package register

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{"IDNumber": "id_number", "IncomeWage": "income_wage", "TVReception": "tv_reception",
		"HousingAreaM2": "housing_area_m2", "Members": "members", "ExitedYear": "exited_year"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestDiff(t *testing.T) {
	w := decimal.RequireFromString("1200.5")
	before := &Household{Code: "H1", IncomeWage: &w, Members: []Member{{IDNumber: "X1", Name: "甲", Health: "healthy"}}}
	after := *before
	w2 := decimal.RequireFromString("1300")
	after.IncomeWage = &w2
	after.Members = []Member{{IDNumber: "X1", Name: "甲", Health: "chronic"}, {IDNumber: "X2", Name: "乙"}}
	got := map[string][2]any{}
	for _, c := range Diff(before, &after) {
		got[c.Field] = [2]any{c.Before, c.After}
	}
	want := map[string][2]any{
		"income_wage":              {"1200.50", "1300.00"},
		"members[0].health":        {"healthy", "chronic"},
		"members[1].id_number":     {nil, "X2"},
		"members[1].name":          {nil, "乙"},
		"members[1].shares_income": {false, false},
	}
	for f, v := range want {
		if f == "members[1].shares_income" {
			if _, ok := got[f]; ok {
				t.Errorf("unchanged field %s listed", f)
			}
			continue
		}
		if got[f] != v {
			t.Errorf("%s: got %v, want %v", f, got[f], v)
		}
	}
	if _, ok := got["code"]; ok {
		t.Error("unchanged code listed")
	}
	if created := Diff(nil, before); len(created) == 0 {
		t.Error("a creation lists its fields")
	}
}

func TestDiffPairsMembersByID(t *testing.T) {
	before := &Household{Members: []Member{{ID: 1, Name: "甲"}, {ID: 2, Name: "乙"}, {ID: 3, Name: "丙"}}}
	after := &Household{Members: []Member{{ID: 1, Name: "甲"}, {ID: 3, Name: "丙"}, {Name: "丁"}}}
	got := map[string]bool{}
	for _, c := range Diff(before, after) {
		got[c.Field] = true
	}
	if !got["members[removed:1].name"] || !got["members[2].name"] {
		t.Errorf("changes: %v", got)
	}
	if got["members[1].name"] {
		t.Errorf("丙 kept its data but shows as changed: %v", got)
	}
}
