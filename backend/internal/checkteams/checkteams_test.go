package checkteams

import (
	"slices"
	"testing"

	"jingzhun/internal/departments"
)

// full is two members of every named department.
func full() []string {
	var out []string
	for _, d := range Required {
		out = append(out, d.Code, d.Code)
	}
	return out
}

func TestCheck(t *testing.T) {
	short := full()
	short = slices.Delete(short, len(short)-1, len(short)) // one 经投 left
	cases := []struct {
		name    string
		members []string
		met     bool
		missing []string // codes
		have    map[string]int
	}{
		{"two of each", full(), true, nil, map[string]int{"inv": 2, "drc": 2}},
		{"three of one, two of the rest", append(full(), "agri"), true, nil, map[string]int{"agri": 3}},
		{"one department short by one", short, false, []string{"inv"}, map[string]int{"inv": 1}},
		{"empty team", nil, false, codes(Required), map[string]int{"police": 0}},
		{"other departments count for nothing", append(slices.Repeat([]string{"org", "news"}, 5), full()[2:]...), false, []string{"drc"}, map[string]int{"drc": 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Check(c.members)
			if r.Met != c.met {
				t.Fatalf("met = %v, want %v", r.Met, c.met)
			}
			var missing []string
			for _, m := range r.Missing {
				missing = append(missing, m.Department)
				if m.Met || m.Have >= m.Required {
					t.Errorf("missing %s is marked met: %+v", m.Department, m)
				}
			}
			if !slices.Equal(missing, c.missing) {
				t.Fatalf("missing %v, want %v", missing, c.missing)
			}
			if len(r.Departments) != len(Required) {
				t.Fatalf("%d departments, want %d", len(r.Departments), len(Required))
			}
			for _, d := range r.Departments {
				if d.Required != 2 {
					t.Errorf("%s requires %d", d.Department, d.Required)
				}
				if want, ok := c.have[d.Department]; ok && d.Have != want {
					t.Errorf("%s has %d, want %d", d.Department, d.Have, want)
				}
			}
		})
	}
}

func codes(ds []Department) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

// Every named department is a department of departments.json.
func TestRequiredAreKnownDepartments(t *testing.T) {
	ds, err := departments.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, d := range ds {
		known[d.Code] = true
	}
	if len(Required) != 17 {
		t.Fatalf("%d named departments, the source names 17", len(Required))
	}
	for _, d := range Required {
		if !known[d.Code] {
			t.Errorf("%s (%s) is not in departments.json", d.Code, d.Short)
		}
	}
}
