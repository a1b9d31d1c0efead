package rules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jingzhun/internal/rules"
)

func TestCatalog(t *testing.T) {
	want := []string{rules.PRE01, rules.PRE02, rules.ID01, rules.ID02, rules.EX01, rules.EX02, rules.EX03, rules.EX04, rules.EX05,
		rules.EX06, rules.EX07, rules.EX08, rules.EX09, rules.EX10, rules.EXITSTD, rules.RE01, rules.RE02}
	if len(rules.Catalog) != len(want) {
		t.Fatalf("catalog has %d rules, want %d", len(rules.Catalog), len(want))
	}
	for i, code := range want {
		r, ok := rules.Lookup(code)
		if !ok || rules.Catalog[i].Code != code || r.Name == "" || r.Clause == "" || r.Source == "" {
			t.Errorf("catalog entry %d: %+v", i, rules.Catalog[i])
		}
	}
	for _, code := range []string{rules.EX01, rules.EX02, rules.EX03, rules.EX04, rules.EX06} {
		if r, _ := rules.Lookup(code); r.Exception == "" {
			t.Errorf("%s has an exception in the source", code)
		}
	}
	id01, _ := rules.Lookup(rules.ID01)
	if got := id01.ClauseFor(campaign); !strings.Contains(got, "2016年家庭年人均纯收入低于2952元") {
		t.Errorf("ID-01 clause for 2017: %s", got)
	}
	for _, o := range rules.Outcomes {
		if o.Chinese() == "" {
			t.Errorf("outcome %s has no Chinese name", o)
		}
	}
}

// TestNoHardCodedPovertyLine: the line comes from campaign parameters; the
// only place it is written is the table of known national lines.
func TestNoHardCodedPovertyLine(t *testing.T) {
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if filepath.ToSlash(path) == "../../internal/rules/campaign.go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "2952") {
			t.Errorf("%s writes 2952: take the poverty line from the campaign", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
