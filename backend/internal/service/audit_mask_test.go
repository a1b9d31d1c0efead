package service

import "testing"

// TestMaskPersonal: the audit log holds no ID number, phone number or
// health value in clear (issue 5).
func TestMaskPersonal(t *testing.T) {
	cases := []struct {
		field string
		in    any
		want  any
	}{
		{"members[0].id_number", "53010319800101001X", "530103********001X"},
		{"phone", "13987654321", "139****4321"},
		{"members[1].disability_cert", "53010319800101001X42", "530103**********1X42"},
		{"members[1].health", "chronic", "***"},
		{"members[1].disease", "高血压", "***"},
		{"members[1].disability_category", "physical", "***"},
		{"members[1].health", "", ""},
		{"members[1].name", "张三", "张三"},
		{"members[1].disability_grade", 2, 2},
	}
	for _, c := range cases {
		if got := maskPersonal(c.field, c.in); got != c.want {
			t.Errorf("%s %v: %v, want %v", c.field, c.in, got, c.want)
		}
	}
}
