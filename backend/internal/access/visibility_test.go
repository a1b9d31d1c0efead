package access

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestVisibility(t *testing.T) {
	cases := []struct {
		r    Role
		v    View
		c    DataClass
		want Level
	}{
		{District, ListView, IDNumber, Masked},
		{VillageOfficer, FullRecord, IDNumber, Full},
		{Supervisor, FullRecord, Income, Full},
		{Department, FullRecord, IDNumber, Full},
		{Department, FullRecord, Health, Hidden},
		{Admin, FullRecord, IDNumber, Hidden},
		{Auditor, ListView, IDNumber, Hidden},
		{SecurityAdmin, Export, IDNumber, Hidden},
	}
	for _, c := range cases {
		if got := Sees(c.r, c.v, c.c); got != c.want {
			t.Errorf("%s %s %s: %s, want %s", c.r, c.v, c.c, got, c.want)
		}
	}
	// No role sees an ID number in full in a list, whatever the table grows into.
	for _, r := range Roles {
		if Sees(r, ListView, IDNumber) == Full || Sees(r, ListView, Phone) == Full {
			t.Errorf("%s sees full ID or phone numbers in lists", r)
		}
	}
}

// deploy/SECURITY.md shows the table the server applies.
func TestSecurityDocShowsTheTable(t *testing.T) {
	doc, err := os.ReadFile("../../../deploy/SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), VisibilityMarkdown()) {
		t.Errorf("deploy/SECURITY.md does not hold the current visibility table; put this in it:\n%s", VisibilityMarkdown())
	}
}

// TestSecurityDocNamesRealTests: every test deploy/SECURITY.md cites as the
// proof of a control exists in the package it names, so the map cannot drift
// from the code (a renamed or deleted test fails here).
func TestSecurityDocNamesRealTests(t *testing.T) {
	doc, err := os.ReadFile("../../../deploy/SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	// Every func Test… of every package, by package directory name.
	defined := map[string]bool{} // "pkg.TestX" and "TestX"
	testFunc := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)[A-Za-z0-9_]+)\(`)
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pkg := filepath.Base(filepath.Dir(path))
		if pkg == "jingzhun" { // cmd/jingzhun: the document calls it cmd
			pkg = "cmd"
		}
		for _, m := range testFunc.FindAllStringSubmatch(string(src), -1) {
			defined[pkg+"."+m[1]] = true
			defined[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cited := regexp.MustCompile("`(?:([a-z]+)\\.)?((?:Test|Fuzz)[A-Za-z0-9_]+)`")
	n := 0
	for _, m := range cited.FindAllStringSubmatch(string(doc), -1) {
		n++
		name := m[2]
		if m[1] != "" {
			name = m[1] + "." + m[2]
		}
		if !defined[name] {
			t.Errorf("deploy/SECURITY.md cites %s, which no test file defines", name)
		}
	}
	if n < 50 {
		t.Fatalf("found only %d cited tests in deploy/SECURITY.md; the pattern no longer matches the document", n)
	}
}
