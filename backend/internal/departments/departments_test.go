package departments

import "testing"

func TestLoad(t *testing.T) {
	ds, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Code == "" || d.Name == "" || seen[d.Code] {
			t.Errorf("bad or repeated department %+v", d)
		}
		seen[d.Code] = true
	}
	// The twenty with fields of their own, and 科信, 经投 (departments.md).
	for _, c := range []string{"org", "drc", "edu", "police", "civil", "finance", "hrss", "land", "housing", "transport",
		"agri", "water", "culture", "health", "market", "news", "stats", "disabled", "telecom", "power", "sci", "inv"} {
		if !seen[c] {
			t.Errorf("department %s missing", c)
		}
	}
}
